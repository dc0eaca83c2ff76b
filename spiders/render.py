"""When and how a page is rendered in the browser (scrapy-playwright + Debian's chromium).

`--render never` never loads the browser; `always` renders every HTML page; `auto` renders a
page only when its plain fetch lacks what it promises (extract.signals decides; the spider logs
and counts each decision).
"""

from __future__ import annotations

import os

from scrapy.settings import Settings

RENDER_MODES = ("auto", "always", "never")
# plain requests to Scrapy's HTTP handler; the browser started only for pages that need it
PLAYWRIGHT_HANDLER = "spiders.lazyrender.LazyRenderDownloadHandler"


def configure(settings: Settings) -> None:
    """Install the lazy browser download handler (spiders/lazyrender.py) unless rendering is
    off; cap its contexts; lean Chromium flags; route it via the proxy."""
    mode = settings.get("SMMATLAS_RENDER", "auto")
    if mode not in RENDER_MODES:
        raise ValueError(f"SMMATLAS_RENDER must be one of {', '.join(RENDER_MODES)}, not {mode!r}")
    if mode == "never":
        return
    handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
    handlers.setdefault("http", PLAYWRIGHT_HANDLER)
    handlers.setdefault("https", PLAYWRIGHT_HANDLER)
    settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")
    for name in ENV_SETTINGS:  # benchmarks and one-off runs: the environment wins
        if os.environ.get(name):
            settings.set(name, os.environ[name], priority="spider")
    contexts = settings.getint("SMMATLAS_BROWSER_CONTEXTS", 1)
    if contexts > 0:
        settings.set("PLAYWRIGHT_MAX_CONTEXTS", contexts, priority="spider")
    launch = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
    wanted = [*QUIET_BROWSER_ARGS]
    if settings.getbool("SMMATLAS_BROWSER_LEAN", True):
        wanted += LEAN_BROWSER_ARGS
    if settings.getbool("SMMATLAS_BROWSER_SINGLE_PROCESS", True):
        wanted += SINGLE_PROCESS_ARGS
    args = [a for a in launch.get("args", []) if a not in wanted]
    launch["args"] = [*args, *wanted]
    proxy = settings.get("SMMATLAS_PROXY")
    if proxy:
        launch["proxy"] = browser_proxy(proxy)
        # loopback too goes through the proxy (Chromium bypasses it for loopback by default)
        launch["args"].append("--proxy-bypass-list=<-loopback>")
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", launch, priority="spider")


# The browser talks to nobody on its own: no vendor update, sync, sign-in or field trials.
QUIET_BROWSER_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--no-pings",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
)

# Less memory, safe headless (bench/bench_render.py measures them): at most two renderer
# processes, no GPU work (its compositing runs in the browser process), no zygote processes,
# /tmp instead of a small /dev/shm, a smaller V8 heap for a portal's scripts, and Chromium's
# low-end-device mode (smaller caches and tile memory: ~45 MiB less at a tall page's shot).
LEAN_BROWSER_ARGS = (
    "--renderer-process-limit=2",
    "--disable-gpu",
    "--in-process-gpu",
    "--no-zygote",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--js-flags=--max-old-space-size=256",
    "--enable-low-end-device-mode",
)
# Chromium in ONE process (SMMATLAS_BROWSER_SINGLE_PROCESS, the default): the tree's RSS no
# longer counts the shared binary once per process. A renderer crash then takes the browser down
# (scrapy-playwright relaunches it at the next page: tests/test_browser_lifecycle.py); the
# sandbox is already off as root (Playwright's --no-sandbox).
SINGLE_PROCESS_ARGS = ("--single-process",)

# Browser settings the environment may override (SMMATLAS_BROWSER_IDLE=1 smmatlas crawl ...)
ENV_SETTINGS = (
    "SMMATLAS_BROWSER_CONTEXTS",
    "SMMATLAS_BROWSER_IDLE",
    "SMMATLAS_BROWSER_RESTART_PAGES",
    "SMMATLAS_BROWSER_LEAN",
    "SMMATLAS_BROWSER_SINGLE_PROCESS",
    "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT",
)


def browser_proxy(proxy: str) -> dict:
    """Playwright's proxy option: credentials go in their own fields (Chromium ignores them
    in the server URL)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(proxy)
    out = {"server": parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]).geturl()}
    if parts.username is not None:
        out["username"] = unquote(parts.username)
        out["password"] = unquote(parts.password or "")
    return out


RECORDER_KEY = "smmatlas_recorder"  # request meta: the ResponseRecorder of a harvested page


def render_meta(harvest: bool = False) -> dict:
    """Request meta that makes scrapy-playwright render the page and wait for it to settle.

    `harvest=True` also keeps the page open for the callback (`playwright_include_page`) and
    attaches a `spiders.harvest.ResponseRecorder` as page event handlers, which
    scrapy-playwright installs before `page.goto`, so the app's first JSON responses are seen.
    The callback then owns the page and must close it, also when harvesting fails::

        page = response.meta["playwright_page"]
        try:
            found = await harvest(page, recorder=response.meta[render.RECORDER_KEY])
        finally:
            await page.close()

    and the request's errback must close it too: `await render.close_page(failure.request)`.
    `found.html`, every `found.snapshots` page and every `found.json_bodies` body are the
    evidence to keep; `found.routes` are same-site pages to follow.
    """
    from scrapy_playwright.page import PageMethod

    meta = {
        "playwright": True,
        "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")],
    }
    if harvest:
        from spiders.harvest import ResponseRecorder

        recorder = ResponseRecorder()
        meta.update(
            {
                "playwright_include_page": True,
                "playwright_page_event_handlers": recorder.handlers(),
                RECORDER_KEY: recorder,
            }
        )
    return meta


async def close_page(request) -> None:
    """Close the Playwright page a harvest request kept open (for errbacks); never raises."""
    page = request.meta.get("playwright_page")
    if page is None:
        return
    try:
        await page.close()
    except Exception:  # noqa: BLE001 - already closed or the browser is gone
        pass
