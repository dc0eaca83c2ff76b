"""Extraction off the crawler's thread: a pool of worker processes running extract_page.

Scrapy runs on one core; extraction (pure, CPU-bound) is most of a page's cost. With
SMMATLAS_EXTRACT_WORKERS > 0 pages are extracted in that many processes (spawned, so they share
nothing with the reactor) while the crawler keeps fetching; 0 extracts inline.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from extract.model import PageFacts
from extract.page import extract_page


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: leave when the crawler dies (even by SIGKILL), never linger."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def default_workers() -> int:
    return min(4, multiprocessing.cpu_count())


class Extractor:
    def __init__(self, workers: int) -> None:
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
        args = (html, url, status, headers, role, currency_hint)
        if self.pool is None:
            return extract_page(*args)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, extract_page, *args)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
