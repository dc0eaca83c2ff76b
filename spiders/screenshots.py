"""Full-page screenshots (PNG) of the pages that carry evidence: each portal's entry page and
every page that yields offers, payment methods or contacts.

- A payment or contact seen on many pages (a footer) is shot once, on the first of them.
- A page rendered in the browser is shot with its live page, before the harvest touches it
  (`take_live`, called from the spider's harvest step); the PNG rides on the page item.
- A page fetched without the browser gets one browser load for its screenshot (`requests_for`):
  a low-priority scrapy-playwright request through the same proxy, so screenshots come after
  the portal's own pages and never take a slot of its page budget; its callback yields a
  `ScreenshotItem` (url, the captured body's sha256, png) that storage attaches to the capture.

Bounded: at most `SMMATLAS_SCREENSHOTS_PER_PORTAL` (12) per portal and `SMMATLAS_SCREENSHOTS_MAX`
(400) per run, pages taller than `SMMATLAS_SCREENSHOTS_MAX_HEIGHT` (4,000 px) are cut there, a
PNG larger than MAX_PNG is dropped, one shot is taken at a time, each has a timeout; at most
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT pages are live at once, so few PNGs are in memory before the
pipeline writes them. On by default; `SMMATLAS_SCREENSHOTS=0`
(setting or environment) switches them off, and `--render never` (no browser) has none.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import scrapy

from spiders.items import ScreenshotItem

log = logging.getLogger(__name__)

META_KEY = "smmatlas_screenshot"  # response meta: PNG bytes of a rendered page's live shot
MAX_HEIGHT = 4000  # CSS pixels of a full-page screenshot (SMMATLAS_SCREENSHOTS_MAX_HEIGHT)
MAX_PNG = 8 * 1024 * 1024
TIMEOUT_MS = 15000
VIEWPORT_WIDTH = 1280
PRIORITY = -500  # after every page of the crawl
OFF = {"0", "false", "no", "off"}


class Plan:
    """How many screenshots were taken, per portal and in all, against the bounds."""

    def __init__(self, settings) -> None:
        value = settings.get("SMMATLAS_SCREENSHOTS")
        if value is None:
            value = os.environ.get("SMMATLAS_SCREENSHOTS", "1")
        self.enabled = str(value).strip().lower() not in OFF
        if settings.get("SMMATLAS_RENDER", "auto") == "never":
            self.enabled = False  # no browser in this crawl
        self.per_portal = settings.getint("SMMATLAS_SCREENSHOTS_PER_PORTAL", 12)
        self.total = settings.getint("SMMATLAS_SCREENSHOTS_MAX", 400)
        height = os.environ.get("SMMATLAS_SCREENSHOTS_MAX_HEIGHT")  # benchmarks: the env wins
        if not height:
            height = settings.getint("SMMATLAS_SCREENSHOTS_MAX_HEIGHT", MAX_HEIGHT)
        self.max_height = max(100, int(height))
        self.taken: Counter = Counter()
        self.urls: set[str] = set()
        self.leads: dict[str, set] = {}  # per portal: payments and contacts already shot

    def allow(self, domain: str, url: str) -> bool:
        if not self.enabled or url in self.urls:
            return False
        if self.taken[domain] >= self.per_portal or sum(self.taken.values()) >= self.total:
            return False
        self.taken[domain] += 1
        self.urls.add(url)
        return True


def plan(spider) -> Plan:
    found = getattr(spider, "_screenshot_plan", None)
    if found is None:
        found = Plan(spider.crawler.settings)
        spider._screenshot_plan = found
    return found


_one_at_a_time: asyncio.Semaphore | None = None


async def shoot(page, max_height: int = MAX_HEIGHT) -> bytes | None:
    """A full-page PNG of a live Playwright page (cut at `max_height`); None if it fails.

    One screenshot at a time in the whole crawl: a full-page shot makes Chromium paint the page
    into one bitmap (1280 x 16000 px is ~80 MB), so shots taken side by side would add up."""
    global _one_at_a_time
    if _one_at_a_time is None:
        _one_at_a_time = asyncio.Semaphore(1)
    async with _one_at_a_time:
        return await _shoot(page, max_height)


async def _shoot(page, max_height: int) -> bytes | None:
    try:
        height = await page.evaluate(
            "() => Math.max(document.documentElement.scrollHeight,"
            " document.body ? document.body.scrollHeight : 0)"
        )
        width = (page.viewport_size or {}).get("width") or VIEWPORT_WIDTH
        options: dict[str, Any] = {"full_page": True, "type": "png", "timeout": TIMEOUT_MS}
        if isinstance(height, int | float) and height > max_height:
            options["clip"] = {"x": 0, "y": 0, "width": width, "height": max_height}
        png = await page.screenshot(**options)
    except Exception as exc:  # noqa: BLE001 - a failed screenshot leaves the capture as is
        log.warning("screenshot of %s failed: %s", getattr(page, "url", "?"), exc)
        return None
    if len(png) > MAX_PNG:
        log.warning("screenshot of %s dropped: %d bytes", page.url, len(png))
        return None
    return png


async def take_live(spider, domain: str, response) -> None:
    """Shoot a rendered page with its live Playwright page (before the harvest changes it);
    the PNG is kept in `response.meta[META_KEY]` for the page item."""
    page = response.meta.get("playwright_page")
    if page is None or not plan(spider).allow(domain, response.url):
        return
    png = await shoot(page, plan(spider).max_height)
    if png:
        response.meta[META_KEY] = png
        spider.crawler.stats.inc_value("smmatlas/screenshots/live")


def wanted(spider, domain: str, role: str, facts, status: int) -> bool:
    """The pages that carry evidence: the entry page, every page with offers, and a page with
    payments or contacts when it shows one not yet on a screenshot of this portal (a footer
    e-mail on every page is shot once)."""
    if not 200 <= status < 300:
        return False
    leads = {("payment", p.method, p.account or "") for p in facts.payments}
    leads |= {("contact", c.kind, c.value) for c in facts.contacts}
    shown = plan(spider).leads.setdefault(domain, set())
    new = leads - shown
    if role == "entry" or facts.offers or new:
        shown |= leads
        return True
    return False


def requests_for(spider, domain: str, response, facts, role: str, rendered: bool):
    """A browser load for the screenshot of a page fetched without the browser, if wanted."""
    if rendered or not wanted(spider, domain, role, facts, response.status):
        return
    if facts.signals.needs_render and plan(spider).enabled:
        return  # rendered next (render auto): shot then with the live page
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if "html" not in ctype:
        return
    if not plan(spider).allow(domain, response.url):
        return
    from spiders import render

    meta = render.render_meta()
    meta.update(
        {
            "playwright_include_page": True,
            "portal": domain,
            "screenshot_of": hashlib.sha256(response.body).hexdigest(),
            "screenshot_url": response.url,
            "screenshot_height": plan(spider).max_height,
            "handle_httpstatus_all": True,
        }
    )
    if getattr(spider, "proxy", None):
        meta["proxy"] = spider.proxy
    spider.crawler.stats.inc_value("smmatlas/screenshots/requested")
    yield scrapy.Request(
        response.url,
        callback=_parse,
        errback=_failed,
        meta=meta,
        priority=PRIORITY,
        dont_filter=True,
    )


async def _parse(response):
    """Callback of a screenshot request: shoot the live page, close it, yield the item."""
    page = response.meta.get("playwright_page")
    png = None
    try:
        if page is not None:
            png = await shoot(page, response.meta.get("screenshot_height", MAX_HEIGHT))
    finally:
        if page is not None:
            await page.close()
    if png:
        yield ScreenshotItem(
            domain=response.meta["portal"],
            url=response.meta["screenshot_url"],
            sha256=response.meta["screenshot_of"],
            png=png,
            taken_at=datetime.now(UTC),
        )


def _failed(failure):
    import asyncio

    from spiders import render

    asyncio.ensure_future(render.close_page(failure.request))
    log.warning("screenshot of %s failed: %s", failure.request.url, failure.getErrorMessage())
