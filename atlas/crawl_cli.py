"""The options of `smmatlas crawl` for unattended use (lock, resume age, health check,
progress, log file) and how its failures map to exit codes (README "Exit codes")."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from datetime import timedelta

from atlas.crawl import DEFAULT_RESUME_WITHIN, EXIT_LOCKED, EXIT_UNREACHABLE
from atlas.health import HealthError
from atlas.lock import AtlasLocked


def add_crawl_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--wait",
        action="store_true",
        help="if another crawl holds this atlas, wait for it to end instead of exiting with "
        f"code {EXIT_LOCKED}",
    )
    p.add_argument(
        "--wait-timeout",
        type=float,
        metavar="SECONDS",
        help="wait at most SECONDS (implies --wait)",
    )
    p.add_argument(
        "--resume-within",
        default=DEFAULT_RESUME_WITHIN,
        metavar="AGE",
        help="resume an interrupted run only if it started less than AGE ago "
        f"(e.g. 12h, 90m, 2d; default {DEFAULT_RESUME_WITHIN})",
    )
    p.add_argument(
        "--no-health-check",
        action="store_true",
        help="crawl even if the proxy or the first portals do not answer at start-up",
    )
    p.add_argument(
        "--progress",
        choices=["auto", "live", "plain", "off"],
        default="auto",
        help="progress display: live on a terminal, a plain line every 30 s otherwise (auto)",
    )
    p.add_argument("--log-file", metavar="FILE", help="append the crawl's full log to FILE")
    p.add_argument(
        "--no-screenshots",
        action="store_true",
        help="take no screenshots (by default the entry page and the pages with offers, "
        "payments or contacts are shot, at most 12 per portal)",
    )


def crawl_extra(args: argparse.Namespace, parse_age: Callable[[str], timedelta]) -> dict:
    """CrawlOptions fields from the unattended-use options."""
    return {
        "wait": args.wait_timeout
        if args.wait_timeout is not None
        else (math.inf if args.wait else None),
        "resume_within": parse_age(args.resume_within),
        "health_check": not args.no_health_check,
        "progress": "off" if args.quiet else args.progress,
        "log_file": args.log_file,
        "screenshots": False if args.no_screenshots else None,
    }


def crawl_exit(exc: Exception) -> int | None:
    if isinstance(exc, AtlasLocked):
        return EXIT_LOCKED
    if isinstance(exc, HealthError):
        return EXIT_UNREACHABLE
    return None
