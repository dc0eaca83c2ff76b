"""Extraction off the crawler's thread: a pool of worker processes running extract_page.

Scrapy runs on one core; extraction (pure, CPU-bound) is most of a page's cost. With
SMMATLAS_EXTRACT_WORKERS > 0 pages are extracted in that many processes (spawned, so they share
nothing with the reactor) while the crawler keeps fetching; 0 extracts inline.

Pages built to hurt cannot stall a portal: each page has a time limit (SMMATLAS_EXTRACT_TIMEOUT
seconds, 30 by default; a timer signal in the process that extracts), past which the page is
recorded unread (its evidence is kept, `facts.errors` says why). Content nested deeper than the
HTML parser's limit is invisible to every extractor: `facts.errors` says so too. Every offer and
lead is checked by extract.sanity before it leaves (finite, storable, flagged when implausible).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import lxml.html

from extract.model import PageFacts
from extract.page import facts_of
from extract.parsed import ParsedPage
from extract.sanity import sane_facts

DEFAULT_TIMEOUT = 30.0
DEPTH_NOTE = (
    "depth: content nested deeper than the HTML parser's limit (256 levels) is not read; "
    "the page is kept as evidence"
)


class ExtractionTimeout(BaseException):
    """Raised by the timer signal (a BaseException: no extractor's `except Exception` eats it)."""


def _alarm(_signum, _frame) -> None:
    raise ExtractionTimeout


def extract_limited(
    html: str,
    url: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    role: str = "other",
    currency_hint: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> PageFacts:
    """extract_page with a time limit, a note on too-deep nesting and sane values.

    The limit is a timer signal, so it works where this runs in a process's main thread (an
    extraction worker, or the crawler itself when extracting inline); elsewhere it is not set.
    """
    timed = timeout > 0 and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, _alarm) if timed else None
    try:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        page = ParsedPage.of(html, url, status, headers, role, currency_hint)
        deep = page.tree is not None and any(
            "Excessive depth" in str(e) for e in lxml.html.html_parser.error_log
        )
        facts = facts_of(page)
        if deep:
            facts.errors.append(DEPTH_NOTE)
    except ExtractionTimeout:
        facts = PageFacts(url=url)
        facts.errors.append(
            f"timeout: extraction took longer than {timeout:g} s; the page is recorded unread "
            "(kept as evidence)"
        )
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    return sane_facts(facts)


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: leave when the crawler dies (even by SIGKILL), never linger."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def default_workers(browser: bool = False) -> int:
    """min(4, cores); one fewer (at least one) when the crawl keeps the browser busy (it takes
    screenshots): Chromium and its driver take a core and ~0.6 GiB, and on the curated world
    one worker with two browser pages was both faster and smaller than two workers with one
    (bench/bench_render.py --memory)."""
    cores = min(4, multiprocessing.cpu_count())
    return max(1, cores - 1) if browser else cores


def default_timeout() -> float:
    return float(os.environ.get("SMMATLAS_EXTRACT_TIMEOUT") or DEFAULT_TIMEOUT)


class Extractor:
    def __init__(self, workers: int, timeout: float | None = None) -> None:
        self.timeout = default_timeout() if timeout is None else timeout
        self.pool = (
            ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
            if workers > 0
            else None
        )

    async def extract(
        self,
        html: str,
        url: str,
        status: int,
        headers: dict[str, str],
        role: str = "other",
        currency_hint: str | None = None,
    ) -> PageFacts:
        args = (html, url, status, headers, role, currency_hint, self.timeout)
        if self.pool is None:
            return extract_limited(*args)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, extract_limited, *args)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
