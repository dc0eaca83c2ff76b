"""Scrapy item pipeline: page and portal items from spiders/portal.py into the atlas database.

Built by `from_crawler` from flat settings (SMMATLAS_DB, SMMATLAS_DATA_DIR, SMMATLAS_RUN_ID,
SMMATLAS_BATCH_SIZE). Commits in batches; portal items commit at once, so a killed crawl keeps
every finished portal and a rerun resumes after them (storage/runs.py).

Nothing is lost silently:
- a portal is marked finished only in the commit that holds its last page, and only when every
  page of it this run fetched was stored (its verdict waits for pages Scrapy hands over late;
  a portal with a page that was not stored is left for a resumed run to crawl again);
- portals still open when the crawl stops early (Ctrl-C, a write error) are recorded unfinished;
- a write that fails (disk full, read-only database, any database error) rolls back the batch,
  names every page it held in the log and the run's counts (`smmatlas/unstored`), stops the
  crawl (finish reason `write_error`, so the run ends non-zero) and prints the command that
  resumes it. `SMMATLAS_SQLITE_MAX_PAGES` caps a SQLite atlas's size (the tests use it to fill
  the "disk").
"""

from __future__ import annotations

import logging
import os
import shlex
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy import signals
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from storage.db import data_dir, open_db
from storage.evidence import WarcStore
from storage.runs import close_run, open_run
from storage.writer import AtlasWriter

logger = logging.getLogger(__name__)
WRITE_ERRORS = (SQLAlchemyError, OSError)
SHOWN_UNSTORED = 50


def resume_command() -> str:
    """The command line that resumes this crawl (the same command, run again)."""
    argv = sys.argv[1:]
    if argv[:1] == ["crawl"]:
        return "smmatlas " + shlex.join(argv)
    if Path(sys.argv[0]).name == "scrapy":
        return "scrapy " + shlex.join(argv)
    return "the same crawl command again"


class SqlPipeline:
    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.engine, self.sessions = open_db(settings.get("SMMATLAS_DB"))
        cap = settings.getint("SMMATLAS_SQLITE_MAX_PAGES", 0) or int(
            os.environ.get("SMMATLAS_SQLITE_MAX_PAGES") or 0
        )
        if cap and self.engine.dialect.name == "sqlite":
            self.engine.dispose()
            event.listen(
                self.engine, "connect", lambda c, _r: c.execute(f"PRAGMA max_page_count={cap}")
            )
        self.batch_size = settings.getint("SMMATLAS_BATCH_SIZE", 300)
        run_id = settings.get("SMMATLAS_RUN_ID")
        self.own_run = run_id is None
        if self.own_run:  # `scrapy crawl portal`: the pipeline opens the run itself
            run_id, _, _ = open_run(self.sessions, [], {"via": "scrapy crawl"}, resume=False)
        self.run_id = int(run_id)
        folder = Path(settings.get("SMMATLAS_DATA_DIR") or data_dir()) / "warc"
        self.writer = AtlasWriter(self.sessions, WarcStore(folder, self.run_id), self.run_id)
        self.batch: list[tuple[str, str]] = []  # (domain, url) of pages not yet committed
        self.stored = Counter()  # pages stored (or in the open batch) per domain, this process
        self.failed_domains: set[str] = set()
        self.deferred: dict[str, dict[str, Any]] = {}  # portal verdicts waiting for pages
        self.unstored: list[str] = []
        self.broken: str | None = None  # why writing stopped
        self.finalised = False
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler) -> SqlPipeline:
        return cls(crawler)

    # --- items -----------------------------------------------------------------------------
    def process_item(self, item):
        if self.broken:
            self._lost([_what(item)], item.get("domain"))
            return item
        try:
            if item.get("type") == "portal":
                self._portal(item, finished=True)
            else:
                self.writer.add_page(item)
                self.batch.append((item["domain"], item["url"]))
                self.stored[item["domain"]] += 1
                self.crawler.stats.inc_value("smmatlas/pages")
                waiting = self.deferred.get(item["domain"])
                if waiting is not None and self.stored[item["domain"]] >= waiting["pages"]:
                    self._portal(self.deferred.pop(item["domain"]), finished=True)
                elif self.writer.pending >= self.batch_size:
                    self._commit()
        except WRITE_ERRORS as exc:
            self._failed(exc, item)
        return item

    def _portal(self, item: dict[str, Any], finished: bool, wait: bool = True) -> None:
        domain = item["domain"]
        if finished and item.get("pages", 0) > self.stored[domain]:
            if not wait:  # the crawl is over: the missing pages will not come
                self._lost([], domain)
                return self._portal(item, finished=False)
            # Scrapy may hand items of concurrent callbacks over out of order: the verdict
            # waits for the portal's last pages, and commits with them
            self.deferred[domain] = item
            return
        finished = finished and domain not in self.failed_domains
        self.writer.add_portal(item, finished=finished)  # commits the batch with it
        self.batch.clear()
        self.crawler.stats.inc_value("smmatlas/portals")

    def _commit(self) -> None:
        self.writer.commit()
        self.batch.clear()

    # --- failures --------------------------------------------------------------------------
    def _failed(self, exc: BaseException, item: dict[str, Any]) -> None:
        reason = _reason(exc)
        lost = [url for _, url in self.batch]
        self.crawler.stats.inc_value("smmatlas/pages", -len(self.batch))  # rolled back
        domains = {domain for domain, _ in self.batch}
        if item.get("type") != "portal" and (item.get("domain"), item.get("url")) not in self.batch:
            lost.append(item.get("url", "?"))
        if item.get("type") == "portal":
            lost.append(f"portal verdict of {item.get('domain')}")
        domains.add(item.get("domain"))
        self.batch.clear()
        try:
            self.writer.rollback()
        except WRITE_ERRORS as again:  # the session is gone too: nothing more can be written
            reason += f"; rollback failed: {_reason(again)}"
        logger.error("write failed (%s): %d items not stored", reason, len(lost))
        self.crawler.stats.inc_value("smmatlas/write_errors")
        self.broken = reason
        for domain in domains:
            self._lost([], domain)
        self._lost(lost, None)
        self.crawler.stats.set_value("smmatlas/write_error", reason[:300])
        self._stop()

    def _lost(self, what: list[str], domain: str | None) -> None:
        if domain:
            self.failed_domains.add(domain)
        for thing in what:
            self.unstored.append(thing)
            self.crawler.stats.inc_value("smmatlas/unstored")
            logger.error("not stored: %s", thing)
        self.crawler.stats.set_value("smmatlas/unstored_items", list(self.unstored))

    def _stop(self) -> None:
        engine = getattr(self.crawler, "engine", None)
        if engine is None or getattr(engine, "spider", None) is None:
            return
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(engine.close_spider_async(reason="write_error"))

    # --- the end ---------------------------------------------------------------------------
    def close_spider(self) -> None:
        """Portals and the last batch are written when the close reason is known
        (`spider_closed`): a crawl stopped early leaves its open portals unfinished."""

    def spider_closed(self, spider, reason: str) -> None:
        if self.finalised:
            return
        self.finalised = True
        complete = reason == "finished" and not self.broken
        for domain, item in list(self.deferred.items()):  # pages that never came
            logger.warning("%s: %d of its pages were not stored: left unfinished", domain,
                           item.get("pages", 0) - self.stored[domain])  # fmt: skip
            self._lost([], domain)
            if not self.broken:
                try:
                    self._portal(item, finished=False, wait=False)
                except WRITE_ERRORS as exc:
                    self._failed(exc, item)
        self.deferred.clear()
        for state in getattr(spider, "portals", {}).values():
            if state.closed or not state.scheduled:
                continue
            item = spider.portal_item(state)
            if self.broken:
                self._lost([f"portal verdict of {state.domain}"], state.domain)
                continue
            try:
                self._portal(item, finished=complete, wait=False)
            except WRITE_ERRORS as exc:
                self._failed(exc, item)
        try:
            if not self.broken:
                self.writer.close()
        except WRITE_ERRORS as exc:
            self._failed(exc, {"type": "batch"})
        finally:
            self._close_quietly()
        if self.unstored:  # said even in quiet mode (-q logs CRITICAL only)
            shown = "\n  ".join(self.unstored[:SHOWN_UNSTORED])
            more = len(self.unstored) - SHOWN_UNSTORED
            logger.critical(
                "%d items were not stored (%s):\n  %s%s\nthe atlas holds everything else "
                "consistently; resume with: %s",
                len(self.unstored), self.broken or "write failed", shown,
                f"\n  ... and {more} more" if more > 0 else "", resume_command(),
            )  # fmt: skip
        if self.own_run:
            status = "finished" if reason == "finished" and not self.broken else "interrupted"
            try:
                close_run(self.sessions, self.run_id, status, self.crawler.stats.get_stats())
            except WRITE_ERRORS as exc:
                logger.error("could not record the end of run %s: %s", self.run_id, _reason(exc))
        self.engine.dispose()

    def _close_quietly(self) -> None:
        try:
            self.writer.session.close()
        except WRITE_ERRORS:
            pass
        if self.writer.warc is not None:
            try:
                self.writer.warc.close()
            except OSError:
                pass


def _what(item: dict[str, Any]) -> str:
    if item.get("type") == "portal":
        return f"portal verdict of {item.get('domain')}"
    return str(item.get("url", "?"))


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    if "full" in first.lower() or getattr(exc, "errno", None) == 28:
        first += " (the disk or the database is full: free space, then resume)"
    return f"{type(exc).__name__}: {first}"
