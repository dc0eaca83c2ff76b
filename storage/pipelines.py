"""Scrapy item pipeline: the items of spiders/portal.py (spiders/items.py) into the atlas database.

Built by `from_crawler` from flat settings (SMMATLAS_DB, SMMATLAS_DATA_DIR, SMMATLAS_RUN_ID,
SMMATLAS_BATCH_SIZE, SMMATLAS_WRITE_QUEUE). Commits in batches; portal items commit at once, so
a killed crawl keeps every finished portal and a rerun resumes after them (storage/runs.py).

Every database and WARC write runs in one writer thread (a Twisted ThreadPool of one thread), in
item order, so the reactor keeps fetching and extracting while a batch commits. `process_item`
hands its item over and returns at once while fewer than SMMATLAS_WRITE_QUEUE items wait for the
thread; beyond that it waits for room (back-pressure: Scrapy holds the item's response, and the
engine stops fetching when too many are held). The session and the WARC store are used from that
thread only; the crawl's stats and the engine are touched from the reactor's thread only. The
crawl does not end while items wait for the thread (`spider_idle`), `close_spider` commits what
is left and `spider_closed` records the open portals and closes the run there.

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
import threading
from collections import Counter, deque
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from config.signals import open_portals
from spiders.items import ITEMS, PageItem, PortalItem, ScreenshotItem
from storage.db import data_dir, open_db
from storage.evidence import WarcStore
from storage.runs import close_run, open_run
from storage.writer import AtlasWriter

logger = logging.getLogger(__name__)
WRITE_ERRORS = (SQLAlchemyError, OSError)
SHOWN_UNSTORED = 50
WRITE_QUEUE = 1000  # items waiting for the writer thread before process_item waits for room
Item = PageItem | ScreenshotItem | PortalItem


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
        from twisted.internet import reactor  # the one Scrapy installed

        settings = crawler.settings
        self.crawler = crawler
        self.reactor = reactor
        # --- the reactor's side: hand-over with back-pressure
        self.limit = max(1, settings.getint("SMMATLAS_WRITE_QUEUE", WRITE_QUEUE))
        self.in_flight = 0  # items handed to the writer thread and not yet written
        self.waiting: deque[tuple[Deferred, Item]] = deque()  # items waiting for room
        self.idle_held = False  # the engine found the crawl idle while items were in flight
        self.finalised = False
        self.pool = ThreadPool(1, 1, name="smmatlas-writer")
        self.pool.start()
        self._shutdown = reactor.addSystemEventTrigger("during", "shutdown", self._stop_pool)
        # --- the writer thread's side (nothing below is touched from the reactor's thread)
        self.batch: list[tuple[str, str]] = []  # (domain, url) of pages not yet committed
        self.stored = Counter()  # pages stored (or in the open batch) per domain, this process
        self.failed_domains: set[str] = set()
        self.deferred: dict[str, PortalItem] = {}  # portal verdicts waiting for pages
        self.unstored: list[str] = []
        self.broken: str | None = None  # why writing stopped
        try:  # in the thread too (an in-memory SQLite lives in one thread), errors raised here
            self._blocking(self._open, settings)
        except BaseException:
            self._stop_pool()
            raise
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler) -> SqlPipeline:
        return cls(crawler)

    def _open(self, settings) -> None:  # writer thread
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

    # --- the writer thread ---------------------------------------------------------------
    def _blocking(self, fn, *args) -> Any:
        """Run `fn` in the writer thread and wait for it (before the crawl runs)."""
        done, box = threading.Event(), []
        self.pool.callInThreadWithCallback(lambda ok, out: (box.append((ok, out)), done.set()),
                                           fn, *args)  # fmt: skip
        done.wait()
        ok, out = box[0]
        if not ok:
            out.raiseException()
        return out

    def _in_thread(self, fn, *args) -> Deferred:
        """Run `fn` in the writer thread after everything handed over before; the Deferred
        fires on the reactor's thread."""
        return deferToThreadPool(self.reactor, self.pool, fn, *args)

    def _on_reactor(self, fn, *args) -> None:
        """From the writer thread: `fn` runs on the reactor's thread, in call order."""
        self.reactor.callFromThread(fn, *args)

    def _stat(self, method: str, *args) -> None:
        self._on_reactor(getattr(self.crawler.stats, method), *args)

    def _stop_pool(self) -> None:
        if self._shutdown is not None:
            try:
                self.reactor.removeSystemEventTrigger(self._shutdown)
            except (ValueError, KeyError):  # already fired
                pass
            self._shutdown = None
        if self.pool.started and not self.pool.joined:
            self.pool.stop()  # every job handed over is done first

    # --- items (reactor's thread) --------------------------------------------------------
    async def process_item(self, item):
        if not isinstance(item, ITEMS):  # a bug in a spider: Scrapy logs it as an item error
            self.crawler.stats.inc_value("smmatlas/bad_items")
            raise TypeError(
                f"not an atlas item: {type(item).__name__} (the spider yields PageItem, "
                "ScreenshotItem or PortalItem, spiders/items.py)"
            )
        job = item  # the writer cleans what it stores on copies, never the item
        if self.waiting or self.in_flight >= self.limit:  # back-pressure, in item order
            room: Deferred = Deferred()
            self.waiting.append((room, job))
            await maybe_deferred_to_future(room)
        else:
            self._hand_over(job)
        return item

    def _hand_over(self, job: Item) -> None:
        self.in_flight += 1
        self._in_thread(self._write, job).addCallbacks(self._written, self._crashed)

    def _written(self, _=None) -> None:
        self.in_flight -= 1
        while self.waiting and self.in_flight < self.limit:
            room, job = self.waiting.popleft()
            self._hand_over(job)
            room.callback(None)
        if self.idle_held and not self.in_flight and not self.waiting:
            self.idle_held = False
            slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
            if slot is not None:  # ask the engine again now (else its 5 s heartbeat does)
                slot.nextcall.schedule()

    def _crashed(self, failure) -> None:  # a bug, not a write error: as Scrapy logs an item's
        logger.error("error writing an item: %s", failure.getTraceback())
        self._written()

    def spider_idle(self, spider) -> None:
        """The crawl is not over while items wait for the writer thread: a write error in them
        must still end it with `write_error`."""
        if self.in_flight or self.waiting:
            self.idle_held = True
            raise DontCloseSpider

    # --- items (writer thread) -----------------------------------------------------------
    def _write(self, item: Item) -> None:
        if self.broken:
            self._lost([_what(item)], item.domain)
            return
        try:
            if isinstance(item, PortalItem):
                self._portal(item, finished=True)
            else:
                if isinstance(item, ScreenshotItem):  # of a page captured before
                    self.writer.add_screenshot(item)
                else:
                    self.writer.add_page(item)
                self.batch.append((item.domain, item.url))
                self.stored[item.domain] += 1
                self._stat("inc_value", "smmatlas/pages")
                waiting = self.deferred.get(item.domain)
                if waiting is not None and self.stored[item.domain] >= waiting.pages:
                    self._portal(self.deferred.pop(item.domain), finished=True)
                elif self.writer.pending >= self.batch_size:
                    self._commit()
        except WRITE_ERRORS as exc:
            self._failed(exc, item)

    def _portal(self, item: PortalItem, finished: bool, wait: bool = True) -> None:
        domain = item.domain
        if finished and item.pages > self.stored[domain]:
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
        self._stat("inc_value", "smmatlas/portals")

    def _commit(self) -> None:
        self.writer.commit()
        self.batch.clear()

    # --- failures (writer thread) --------------------------------------------------------
    def _failed(self, exc: BaseException, item: Item | None) -> None:
        """A write failed: `item` is the one being written (None: the open batch's commit)."""
        reason = _reason(exc)
        lost = [url for _, url in self.batch]
        self._stat("inc_value", "smmatlas/pages", -len(self.batch))  # rolled back
        domains = {domain for domain, _ in self.batch}
        if isinstance(item, PortalItem):
            lost.append(_what(item))
        elif item is not None and (item.domain, item.url) not in self.batch:
            lost.append(item.url)
        if item is not None:
            domains.add(item.domain)
        self.batch.clear()
        try:
            self.writer.rollback()
        except WRITE_ERRORS as again:  # the session is gone too: nothing more can be written
            reason += f"; rollback failed: {_reason(again)}"
        logger.error("write failed (%s): %d items not stored", reason, len(lost))
        self._stat("inc_value", "smmatlas/write_errors")
        self.broken = reason
        for domain in domains:
            self._lost([], domain)
        self._lost(lost, None)
        self._stat("set_value", "smmatlas/write_error", reason[:300])
        self._on_reactor(self._stop)

    def _lost(self, what: list[str], domain: str | None) -> None:
        if domain:
            self.failed_domains.add(domain)
        for thing in what:
            self.unstored.append(thing)
            self._stat("inc_value", "smmatlas/unstored")
            logger.error("not stored: %s", thing)
        self._stat("set_value", "smmatlas/unstored_items", list(self.unstored))

    def _stop(self) -> None:  # reactor's thread
        engine = getattr(self.crawler, "engine", None)
        if engine is None or getattr(engine, "spider", None) is None:
            return
        deferred_from_coro(engine.close_spider_async(reason="write_error"))

    # --- the end -------------------------------------------------------------------------
    async def close_spider(self) -> None:
        """Every item is handed over: wait for the writer thread and commit the open batch.
        Portals still open are written when the close reason is known (`spider_closed`): a
        crawl stopped early leaves them unfinished."""
        await maybe_deferred_to_future(self._in_thread(self._flush))

    def _flush(self) -> None:  # writer thread
        if self.broken or not self.batch:
            return
        try:
            self._commit()
        except WRITE_ERRORS as exc:
            self._failed(exc, None)

    async def spider_closed(self, spider, reason: str) -> None:
        if self.finalised:
            return
        self.finalised = True
        still_open = []  # the spider's verdicts of the portals it had not finished
        for receiver, answer in self.crawler.signals.send_catch_log(signal=open_portals):
            for item in answer if isinstance(answer, list) else []:
                if isinstance(item, PortalItem):
                    still_open.append(item)
                else:  # a bug in the receiver: said, as a bad item is
                    self.crawler.stats.inc_value("smmatlas/bad_items")
                    logger.error("open_portals: %r answered %s, not a PortalItem",
                                 receiver, type(item).__name__)  # fmt: skip
        try:
            await maybe_deferred_to_future(self._in_thread(self._finalise, reason, still_open))
            if self.own_run:  # the stats of every item written (their updates came first)
                counts = dict(self.crawler.stats.get_stats())
                await maybe_deferred_to_future(self._in_thread(self._end_run, reason, counts))
        finally:
            self._stop_pool()

    def _finalise(self, reason: str, still_open: list[PortalItem]) -> None:  # writer thread
        complete = reason == "finished" and not self.broken
        for domain, item in list(self.deferred.items()):  # pages that never came
            logger.warning("%s: %d of its pages were not stored: left unfinished", domain,
                           item.pages - self.stored[domain])  # fmt: skip
            self._lost([], domain)
            if not self.broken:
                try:
                    self._portal(item, finished=False, wait=False)
                except WRITE_ERRORS as exc:
                    self._failed(exc, item)
        self.deferred.clear()
        for item in still_open:
            if self.broken:
                self._lost([_what(item)], item.domain)
                continue
            try:
                self._portal(item, finished=complete, wait=False)
            except WRITE_ERRORS as exc:
                self._failed(exc, item)
        try:
            if not self.broken:
                self.writer.close()
        except WRITE_ERRORS as exc:
            self._failed(exc, None)
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
        if not self.own_run:
            self.engine.dispose()

    def _end_run(self, reason: str, counts: dict[str, Any]) -> None:  # writer thread
        status = "finished" if reason == "finished" and not self.broken else "interrupted"
        try:
            close_run(self.sessions, self.run_id, status, counts)
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


def _what(item: Item) -> str:
    if isinstance(item, PortalItem):
        return f"portal verdict of {item.domain}"
    return item.url


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    if "full" in first.lower() or getattr(exc, "errno", None) == 28:
        first += " (the disk or the database is full: free space, then resume)"
    return f"{type(exc).__name__}: {first}"
