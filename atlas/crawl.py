"""Run a crawl in this process: take the atlas's lock, check the network path, open (or
resume) a run, crawl with Scrapy, close the run; exit codes for unattended use."""

from __future__ import annotations

import logging
import os
import re
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
from sqlalchemy.exc import SQLAlchemyError

from atlas.health import check_network
from atlas.lock import atlas_lock
from atlas.progress import Progress
from config.errors import CrawlInputError  # noqa: F401 - re-exported
from extract.domains import normalise_seed, registered_domain
from spiders.portal import PortalSpider
from spiders.render import RENDER_MODES
from spiders.scope import mask_logs
from storage.db import DatabaseError, data_dir, default_url, open_db
from storage.runs import close_run, json_counts, open_run

# exit codes of `smmatlas crawl` (README "Exit codes"); 2 is argparse's bad input
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_PARTIAL = 3  # the run ended before every portal was crawled (interrupted, stopped)
EXIT_UNREACHABLE = 4  # nothing reachable: health check failed, or every portal unreachable
EXIT_LOCKED = 5  # another crawl holds this atlas's lock
DEFAULT_RESUME_WITHIN = "12h"


@dataclass
class CrawlOptions:
    targets: list[str]
    db: str | None = None
    proxy: str | None = None
    render: str = "auto"
    budget: int = 40
    data: str | None = None
    resume: bool = True
    concurrency: int | None = None
    log_level: str = "INFO"
    wait: float | None = None  # seconds to wait for the lock (inf: for ever; None: not at all)
    resume_within: timedelta | None = None
    health_check: bool = True
    progress: str = "auto"  # auto (live on a terminal, else plain), live, plain, off
    log_file: str | None = None
    screenshots: bool | None = None  # None: the setting / $SMMATLAS_SCREENSHOTS (on)
    queue: str | None = None  # redis://HOST:PORT/N: a shared portal queue (atlas/worker_cli.py)


def parse_age(text: str) -> timedelta:
    """`12h`, `90m`, `2d`, `3600s`, `1d12h` -> timedelta."""
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    parts = re.fullmatch(r"(?:\s*\d+\s*[dhms])+\s*", text or "")
    if not parts:
        raise CrawlInputError(f"not an age: {text!r} (e.g. 12h, 90m, 2d)")
    seconds = sum(int(n) * units[u] for n, u in re.findall(r"(\d+)\s*([dhms])", text))
    return timedelta(seconds=seconds)


def read_seeds(path: str) -> list[str]:
    """One URL or domain per line; blank lines and # comments are skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CrawlInputError(f"seeds file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CrawlInputError(f"cannot read seeds file {path}: {exc}") from exc
    return [ln.split("#", 1)[0].strip() for ln in text.splitlines() if ln.split("#", 1)[0].strip()]


def check_targets(targets: list[str]) -> list[str]:
    if not targets:
        raise CrawlInputError("nothing to crawl: give URLs or domains, or --seeds FILE")
    for target in targets:
        try:
            normalise_seed(target)
        except ValueError as exc:
            raise CrawlInputError(str(exc)) from exc
    return list(dict.fromkeys(t.strip() for t in targets))


def check_proxy(proxy: str | None) -> None:
    if proxy is None:
        return
    try:
        url = normalise_seed(proxy)[0]
    except ValueError as exc:
        raise CrawlInputError(f"--proxy: {exc}") from exc
    if not url.startswith("http://") or "://" not in proxy:
        raise CrawlInputError(
            f"--proxy must be an http:// URL, e.g. http://127.0.0.1:8899: {proxy!r}"
        )


def run_crawl(opts: CrawlOptions) -> dict:
    """Crawl `opts.targets`; return the run's summary. Raises CrawlInputError / DatabaseError."""
    targets = check_targets(opts.targets)
    if opts.queue:  # scale-out: the targets go on the shared queue, this process crawls from it
        from atlas.worker_cli import run_queue

        return run_queue(opts, opts.queue, targets)
    check_proxy(opts.proxy)
    if opts.render not in RENDER_MODES:
        raise CrawlInputError(f"--render must be one of {', '.join(RENDER_MODES)}")
    if opts.budget < 1:
        raise CrawlInputError("--budget must be at least 1 page")
    folder = Path(opts.data) if opts.data else data_dir()
    try:
        (folder / "warc").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CrawlInputError(f"the data folder {folder} is not writable: {exc}") from exc
    if not os.access(folder / "warc", os.W_OK):
        raise CrawlInputError(f"the data folder {folder} is not writable")
    db_url = opts.db or (f"sqlite:///{folder / 'atlas.db'}" if opts.data else default_url())
    engine, sessions = open_db(db_url)
    try:
        with atlas_lock(db_url, engine, opts.wait):
            if opts.health_check:
                check_network(targets, opts.proxy)
            return _crawl(opts, targets, folder, db_url, sessions)
    finally:
        engine.dispose()


def _progress_mode(opts: CrawlOptions) -> str:
    if opts.progress != "auto":
        return opts.progress
    if opts.log_level in ("CRITICAL", "ERROR"):
        return "off"
    return "live" if sys.stderr.isatty() else "plain"


def crawl_settings(opts: CrawlOptions, db_url: str, folder: Path, run_id: int, **extra):
    """The project's Scrapy settings with this crawl's options (and `extra` settings) on top."""
    settings = get_project_settings()
    settings.setmodule("config.settings", priority="project")
    overrides = {
        "SMMATLAS_DB": db_url,
        "SMMATLAS_DATA_DIR": str(folder),
        "SMMATLAS_RUN_ID": run_id,
        "SMMATLAS_PROXY": opts.proxy,
        "SMMATLAS_RENDER": opts.render,
        "SMMATLAS_PAGE_BUDGET": opts.budget,
        "LOG_LEVEL": opts.log_level,
        **extra,
    }
    if opts.log_file:  # the file gets the whole story; the terminal only progress and summary
        overrides.update({"LOG_FILE": opts.log_file, "LOG_FILE_APPEND": True})
        if opts.log_level != "DEBUG":
            overrides["LOG_LEVEL"] = "INFO"
    if opts.concurrency:
        overrides["CONCURRENT_REQUESTS"] = opts.concurrency
    if opts.screenshots is not None:
        overrides["SMMATLAS_SCREENSHOTS"] = "1" if opts.screenshots else "0"
    settings.setdict(overrides, priority="cmdline")
    return settings


def _crawl(opts: CrawlOptions, targets: list[str], folder: Path, db_url: str, sessions) -> dict:
    recorded = {"render": opts.render, "proxy": opts.proxy, "budget": opts.budget}
    run_id, done, resumed = open_run(
        sessions, targets, recorded, resume=opts.resume, resume_within=opts.resume_within
    )
    domains = {registered_domain(normalise_seed(t)[0]) for t in targets}
    skip = sorted(d for d in done if d in domains)

    settings = crawl_settings(opts, db_url, folder, run_id, SMMATLAS_SKIP_DOMAINS=skip)
    process = CrawlerProcess(settings)
    mask_logs()  # no seed or proxy password in the log
    crawler = process.create_crawler(PortalSpider)
    progress = Progress(max(len(domains) - len(skip), 0), _progress_mode(opts), opts.budget)
    progress.connect(crawler)
    status = "failed"
    try:
        process.crawl(crawler, urls=targets)
        process.start()
        reason = crawler.stats.get_value("finish_reason")
        status = "finished" if reason == "finished" else "interrupted"
    finally:
        stats = json_counts(crawler.stats.get_stats())
        stats.update({"skipped_finished": len(skip), "resumed": resumed})
        try:  # a full disk or a read-only atlas: a clear message, not a traceback (issue 13)
            close_run(sessions, run_id, status, stats)
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"could not record the end of run {run_id} ({exc.orig or exc}); what was stored "
                "is consistent; resume by running the same command again"
            ) from exc
    logging.getLogger(__name__).info("run %s %s", run_id, status)
    crawled = progress.done
    if status != "finished" or crawled + len(skip) < len(domains):
        code = EXIT_PARTIAL
    elif (
        crawled
        and len(progress.failed) == crawled
        and all(f.endswith("(unreachable)") for f in progress.failed)
    ):
        code = EXIT_UNREACHABLE
    else:
        code = EXIT_OK
    report = _report(sessions, progress.failed)
    if stats.get("smmatlas/unstored"):  # storage/pipelines.py names each item in the log
        report.append(
            f"NOT STORED: {stats['smmatlas/unstored']} items "
            f"({stats.get('smmatlas/write_error', 'write failed')}), each named in the log; "
            "resume by running the same command again"
        )
    return {
        "report": report,
        "run_id": run_id,
        "status": status,
        "resumed": resumed,
        "skipped": skip,
        "stats": stats,
        "not_active": progress.failed,
        "exit": code,
    }


def _report(sessions, not_active: list[str]) -> list[str]:
    """The end of the run: what changed since the run before, which portals failed."""
    from atlas.diff import DiffError, diff, summary_line

    lines = []
    with sessions() as session:
        try:
            lines.append(summary_line(diff(session)))
        except DiffError:
            lines.append("first crawl of this atlas: everything is new")
    if not_active:
        shown = ", ".join(not_active[:20]) + (" ..." if len(not_active) > 20 else "")
        lines.append(f"not active ({len(not_active)}): {shown}")
    return lines
