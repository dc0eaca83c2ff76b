"""When and how a page is rendered in the browser (scrapy-playwright + Debian's chromium).

`--render never` never loads the browser; `always` renders every HTML page; `auto` renders a
page only when its plain fetch lacks what it promises (extract.signals decides; the spider logs
and counts each decision).
"""

from __future__ import annotations

from scrapy.settings import Settings

RENDER_MODES = ("auto", "always", "never")
PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


def configure(settings: Settings) -> None:
    """Install the Playwright download handler unless rendering is off; route it via the proxy."""
    mode = settings.get("SMMATLAS_RENDER", "auto")
    if mode not in RENDER_MODES:
        raise ValueError(f"SMMATLAS_RENDER must be one of {', '.join(RENDER_MODES)}, not {mode!r}")
    if mode == "never":
        return
    handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
    handlers.setdefault("http", PLAYWRIGHT_HANDLER)
    handlers.setdefault("https", PLAYWRIGHT_HANDLER)
    settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")
    proxy = settings.get("SMMATLAS_PROXY")
    if proxy:
        launch = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
        launch["proxy"] = {"server": proxy}
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", launch, priority="spider")


def render_meta() -> dict:
    """Request meta that makes scrapy-playwright render the page and wait for it to settle."""
    from scrapy_playwright.page import PageMethod

    return {
        "playwright": True,
        "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")],
    }
