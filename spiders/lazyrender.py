"""The download handler for http/https when rendering is on: plain requests go to Scrapy's own
HTTP handler; the browser (Playwright's driver and Chromium) starts only at the first request
that must be rendered (meta "playwright"), is closed after SMMATLAS_BROWSER_IDLE seconds without
one, and is restarted after SMMATLAS_BROWSER_RESTART_PAGES rendered pages (when no page is
open) to bound Chromium's growth.

Rendered requests go to an unchanged scrapy-playwright handler
(`ScrapyPlaywrightDownloadHandler`, built on demand), so everything it does still holds: the
PLAYWRIGHT_ABORT_REQUEST scope guard on every browser request, the launch options and proxy,
page event handlers, `playwright_include_page` (the harvest and the screenshots own the page
until they close it), PLAYWRIGHT_MAX_CONTEXTS and PLAYWRIGHT_MAX_PAGES_PER_CONTEXT. Scrapy builds
one handler per scheme; both share one `BrowserLifecycle` per crawler, so there is one browser.

Stats: smmatlas/browser/starts, stops, restarts, idle_closes, restarts_postponed.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref

from scrapy import signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.misc import build_from_crawler

log = logging.getLogger(__name__)

DRAIN_TIMEOUT = 60.0  # seconds a restart waits for open pages to close before it is postponed
_LIFECYCLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class BrowserLifecycle:
    """One crawler's browser: started on demand, closed when idle, restarted after N pages."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.idle = settings.getfloat("SMMATLAS_BROWSER_IDLE", 30.0)
        self.restart_pages = settings.getint("SMMATLAS_BROWSER_RESTART_PAGES", 25)
        self.drain_timeout = settings.getfloat("SMMATLAS_BROWSER_DRAIN_TIMEOUT", DRAIN_TIMEOUT)
        self.handler = None  # the scrapy-playwright handler while the browser runs
        self.active = 0  # rendered requests in flight
        self.pages = 0  # rendered requests admitted since the browser started
        self.last_used = time.monotonic()
        self.closed = False
        self._lock: asyncio.Lock | None = None
        self._timer: asyncio.TimerHandle | None = None
        crawler.signals.connect(self.close, signals.spider_closed)

    @classmethod
    def of(cls, crawler) -> BrowserLifecycle:
        if crawler not in _LIFECYCLES:
            _LIFECYCLES[crawler] = cls(crawler)
        return _LIFECYCLES[crawler]

    @property
    def lock(self) -> asyncio.Lock:
        if self._lock is None:  # made in the running loop (the reactor's asyncio loop)
            self._lock = asyncio.Lock()
        return self._lock

    def open_pages(self) -> int:
        """Pages open in the browser (a harvest or screenshot callback may still hold one)."""
        if self.handler is None:
            return 0
        try:
            return self.handler._get_total_page_count()
        except Exception:  # noqa: BLE001 - a context closing under us: count it as open
            return 1

    def busy(self) -> bool:
        return self.active > 0 or self.open_pages() > 0

    async def download(self, request):
        async with self.lock:
            if self.closed:
                raise IgnoreRequest("the crawl is closing: no browser")
            if self.handler is not None and self.restart_pages > 0:
                if self.pages >= self.restart_pages:
                    await self._restart()
            if self.handler is None:
                await self._start()
            handler = self.handler
            self.active += 1
            self.pages += 1
        try:
            return await handler.download_request(request)
        finally:
            self.active -= 1
            self.last_used = time.monotonic()
            self._arm(self.idle)

    async def _start(self) -> None:
        from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

        handler = ScrapyPlaywrightDownloadHandler.from_crawler(self.crawler)
        # it launches at engine_started, long gone: launch now (the driver; Chromium itself
        # starts with the first page), and make sure the signal cannot launch it twice
        self.crawler.signals.disconnect(handler._maybe_launch_in_thread, signals.engine_started)
        try:
            await handler._maybe_launch_in_thread()
        except BaseException:
            await _quietly(handler.close())
            raise
        self.handler = handler
        self.pages = 0
        self.stats.inc_value("smmatlas/browser/starts")
        log.info("browser driver started (first page to render)")

    async def _stop(self, why: str) -> None:
        handler, self.handler = self.handler, None
        if handler is None:
            return
        await _quietly(handler.close())  # contexts, Chromium, then Playwright's driver
        self.stats.inc_value("smmatlas/browser/stops")
        log.info("browser closed (%s) after %d rendered pages", why, self.pages)

    async def _restart(self) -> None:
        """Close and reopen the browser once no rendered page is in flight or open (called
        holding the lock, so no new page starts meanwhile); postponed if pages stay open."""
        while self.active > 0:  # admitted renders finish (each bounded by its timeouts)
            await asyncio.sleep(0.05)
        deadline = time.monotonic() + self.drain_timeout
        while self.open_pages() > 0:  # pages a callback still holds: bounded wait
            if time.monotonic() > deadline:
                self.stats.inc_value("smmatlas/browser/restarts_postponed")
                log.warning("browser restart postponed: pages still open")
                self.pages = 0
                return
            await asyncio.sleep(0.05)
        await self._stop("restart")
        self.stats.inc_value("smmatlas/browser/restarts")

    def _arm(self, delay: float) -> None:
        if self._timer is not None or self.closed or self.idle <= 0:
            return
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(delay, lambda: asyncio.ensure_future(self._idle_check()))

    async def _idle_check(self) -> None:
        self._timer = None
        if self.handler is None or self.closed:
            return
        remaining = self.idle - (time.monotonic() - self.last_used)
        if remaining > 0 or self.busy():
            self._arm(max(remaining, 0.5))
            return
        async with self.lock:
            idle_for = time.monotonic() - self.last_used
            if self.handler is None or self.closed or self.busy() or idle_for < self.idle:
                self._arm(0.5)
                return
            await self._stop("idle")
            self.stats.inc_value("smmatlas/browser/idle_closes")

    async def close(self) -> None:
        """End of the crawl: the browser and its driver are closed (idempotent)."""
        if self.closed:
            return
        self.closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        async with self.lock:
            await self._stop("end of crawl")


class LazyRenderDownloadHandler:
    """DOWNLOAD_HANDLERS entry for http/https (spiders/render.py installs it)."""

    lazy = False  # cheap: builds Scrapy's HTTP handler only

    def __init__(self, crawler) -> None:
        self.plain = build_from_crawler(HTTP11DownloadHandler, crawler)
        self.browser = BrowserLifecycle.of(crawler)

    @classmethod
    def from_crawler(cls, crawler) -> LazyRenderDownloadHandler:
        return cls(crawler)

    async def download_request(self, request):
        if request.meta.get("playwright"):
            return await self.browser.download(request)
        return await self.plain.download_request(request)

    async def close(self) -> None:
        await self.plain.close()
        await self.browser.close()


async def _quietly(awaitable) -> None:
    try:
        await awaitable
    except Exception:  # noqa: BLE001 - a browser already gone must not fail the crawl's end
        log.warning("closing the browser failed", exc_info=True)
