"""Feedback on a long crawl: per-portal progress on a terminal, a plain line when not.

`Progress` listens to the crawler's `item_scraped` signal (page and portal items of
spiders/portal.py). Modes: `live` (a terminal: a rich display with the run's bar — portals
done/total, pages, rendered, ETA — and a row per portal being crawled), `plain` (a log file,
cron, journald: one line every `every` seconds), `off` (quiet).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from scrapy import signals

from spiders.items import PageItem, PortalItem


def _eta(done: int, total: int, elapsed: float) -> str:
    if done <= 0 or total <= done:
        return "-" if total > done else "0s"
    seconds = int(elapsed / done * (total - done))
    return (
        f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
        if seconds >= 3600
        else (f"{seconds // 60}m{seconds % 60:02d}s")
    )


class Progress:
    def __init__(
        self, total: int, mode: str, budget: int, stream: TextIO | None = None, every: float = 30
    ) -> None:
        self.total, self.mode, self.budget, self.every = total, mode, budget, every
        self.stream = stream or sys.stderr
        self.done = self.pages = self.rendered = 0
        self.failed: list[str] = []
        self.started = self.last_line = time.monotonic()
        self._live = None
        self._bar = None
        self._rows: dict[str, int] = {}
        self._portal_pages: dict[str, int] = {}

    # --- wiring -----------------------------------------------------------------------------
    def connect(self, crawler) -> None:
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.start, signal=signals.engine_started)
        crawler.signals.connect(self.stop, signal=signals.engine_stopped)

    def start(self) -> None:
        self.started = self.last_line = time.monotonic()
        if self.mode != "live":
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        self._live = RichProgress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}", markup=False),
            TimeRemainingColumn(),
            console=Console(file=self.stream),
            transient=False,
        )
        self._bar = self._live.add_task("portals", total=self.total, info="")
        self._live.start()

    def stop(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
        elif self.mode == "plain" and self.done:
            self._line()

    # --- events -----------------------------------------------------------------------------
    def item_scraped(self, item, response=None, spider=None) -> None:
        if isinstance(item, PortalItem):
            domain = item.domain
            self.done += 1
            if item.status != "active":
                self.failed.append(f"{domain} ({item.status})")
            if self._live is not None and domain in self._rows:
                self._live.remove_task(self._rows.pop(domain))
        else:  # a PageItem or a ScreenshotItem (spiders/items.py)
            domain = item.domain
            self.pages += 1
            self.rendered += isinstance(item, PageItem) and item.rendered
            self._portal_pages[domain] = self._portal_pages.get(domain, 0) + 1
            if self._live is not None:
                if domain not in self._rows:
                    self._rows[domain] = self._live.add_task(
                        f"  {domain[:40]}", total=self.budget, info=""
                    )
                n = self._portal_pages[domain]
                self._live.update(self._rows[domain], completed=min(n, self.budget), info="pages")
        if self._live is not None:
            self._live.update(
                self._bar,
                completed=self.done,
                info=f"{self.pages} pages, {self.rendered} rendered",
            )
        elif self.mode == "plain" and time.monotonic() - self.last_line >= self.every:
            self._line()

    def _line(self) -> None:
        self.last_line = time.monotonic()
        elapsed = self.last_line - self.started
        print(
            f"progress: {self.done}/{self.total} portals, {self.pages} pages, "
            f"{self.rendered} rendered, {len(self.failed)} not active, "
            f"elapsed {int(elapsed)}s, ETA {_eta(self.done, self.total, elapsed)}",
            file=self.stream,
            flush=True,
        )
