"""The browser's life cycle (spiders/lazyrender.py): with `--render auto` neither Playwright's
driver nor Chromium starts until a page must be rendered; the browser is closed when idle and
restarted after SMMATLAS_BROWSER_RESTART_PAGES pages; nothing is left running at the end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
import pytest
from helpers import ROOT

from bench.treemem import TreeWatch

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
BROWSER_NAMES = ("chromium", "chrome", "node")


def run_watched(cmd: list[str], env: dict, timeout: float = 240) -> tuple[str, str, set[int], set]:
    """Run `cmd`, sampling its process tree every 50 ms: (stdout, stderr, browser pids seen,
    names seen)."""
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    with TreeWatch(proc.pid, BROWSER_NAMES) as watch:
        out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return out, err, watch.pids, watch.names


def alive(pids: set[int]) -> list[int]:
    """Those of `pids` still running (zombies are dead: PID 1 here reaps nothing)."""
    out = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                out.append(pid)
        except psutil.Error:
            pass
    return out


def test_render_auto_without_a_page_to_render_starts_no_browser(
    sandbox, sandbox_manifest, tmp_path
):
    needs_browser = {"cheapsmmpanelz.com", "buzzgramly.com"}  # the curated world's JS pages
    sites = [
        s
        for s in sandbox_manifest["sites"]
        if not s.get("dead") and s["domain"] not in needs_browser
    ][:4]
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("\n".join(s["url"] for s in sites) + "\n")
    db = f"sqlite:///{tmp_path / 'atlas.db'}"
    cmd = [
        sys.executable, "-m", "atlas.cli", "crawl", "--seeds", str(seeds), "--db", db,
        "--data", str(tmp_path), "--proxy", sandbox.proxy_url, "--render", "auto", "-q",
    ]  # fmt: skip
    _, _, browsers, names = run_watched(cmd, {"SMMATLAS_SCREENSHOTS": "0"})
    assert any(n.startswith("python") for n in names)  # the watcher saw the extraction workers
    assert browsers == set(), f"browser processes started: {browsers}"
    counts = _counts(db)
    assert counts.get("smmatlas/pages", 0) >= len(sites)
    assert counts.get("smmatlas/render/decided", 0) == 0  # the premise: nothing to render
    assert counts.get("smmatlas/browser/starts", 0) == 0
    assert "playwright/browser_count" not in counts


def _counts(db: str) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT counts FROM crawl_runs ORDER BY id DESC")).scalar()
    engine.dispose()
    return raw if isinstance(raw, dict) else json.loads(raw)


class _Site(BaseHTTPRequestHandler):
    """A tiny site: /r/N is a page that fills itself with script; /slow answers after 2.5 s;
    /bomb exhausts the page's memory."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/slow":
            time.sleep(2.5)
            body = b"<html><body>slow plain page</body></html>"
        elif self.path == "/bomb":  # a hostile page: fills memory until the JS heap limit
            body = (
                b"<html><body><script>let a = [];"
                b"while (true) { a.push(new Array(1e6).fill(Math.random())); }"
                b"</script></body></html>"
            )
        else:
            body = (
                f"<html><body><div id=app></div><script>document.getElementById('app')"
                f".textContent = 'rendered {self.path}';</script></body></html>"
            ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


# the start and the end of a spider script run in its own process (argv[1]: the tiny site)
SCRIPT_HEAD = r"""
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
from spiders import render

BASE = sys.argv[1]


class Rendering(scrapy.Spider):
    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        render.configure(crawler.settings)
        return super().from_crawler(crawler, *args, **kwargs)
"""

SCRIPT_RUN = r"""
settings = get_project_settings()
settings.setmodule("config.settings", priority="project")
settings.setdict({"SMMATLAS_ALLOW_PRIVATE": True, "ITEM_PIPELINES": {}, "LOG_LEVEL": "INFO",
                  **EXTRA}, priority="cmdline")
items = []


def collect(item):
    items.append(item)


process = CrawlerProcess(settings)
crawler = process.create_crawler(SPIDER)
crawler.signals.connect(collect, scrapy.signals.item_scraped)
process.crawl(crawler)
process.start()
stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, int)}
print(json.dumps({"items": items, "stats": stats}))
"""


def script(spider: str, name: str, extra: str) -> str:
    """A runnable script: SCRIPT_HEAD, the spider class `name` (a `Rendering` subclass),
    SCRIPT_RUN with the extra settings `extra` (a dict literal)."""
    return f"{SCRIPT_HEAD}\n{spider}\nSPIDER, EXTRA = {name}, {extra}\n{SCRIPT_RUN}"


SPIDER = script(
    r"""
class Lifecycle(Rendering):
    name = "lifecycle"

    async def start(self):
        yield scrapy.Request(BASE + "/r/1", meta=render.render_meta(), callback=self.one)

    def one(self, response):  # rendered; then a plain page slower than the idle time
        yield {"url": response.url, "text": response.css("#app::text").get()}
        yield scrapy.Request(BASE + "/slow", callback=self.slow)

    def slow(self, response):
        yield {"url": response.url, "text": response.css("body::text").get()}
        yield scrapy.Request(BASE + "/r/2", meta=render.render_meta(), callback=self.two)

    def two(self, response):  # page 1 of the second browser; the next one keeps its page
        yield {"url": response.url, "text": response.css("#app::text").get()}
        meta = {**render.render_meta(), "playwright_include_page": True}
        yield scrapy.Request(BASE + "/r/3", meta=meta, callback=self.three)

    async def three(self, response):  # page 2: the next request waits for it to close
        page = response.meta["playwright_page"]
        text = await page.text_content("#app")
        await page.close()
        yield {"url": response.url, "text": text}
        yield scrapy.Request(BASE + "/r/4", meta=render.render_meta(), callback=self.four)

    def four(self, response):  # after the restart
        yield {"url": response.url, "text": response.css("#app::text").get()}

""",
    "Lifecycle",
    '{"SMMATLAS_BROWSER_IDLE": 1, "SMMATLAS_BROWSER_RESTART_PAGES": 2}',
)


@pytest.fixture
def tiny_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_idle_close_restart_and_nothing_left_running(tiny_site, tmp_path):
    script = tmp_path / "lifecycle_spider.py"
    script.write_text(SPIDER)
    env = {"PYTHONPATH": str(ROOT), "SMMATLAS_SCREENSHOTS": "0"}
    out, err, browsers, _ = run_watched([sys.executable, str(script), tiny_site], env)
    result = json.loads(out.strip().splitlines()[-1])
    texts = {i["url"].rsplit("/", 1)[-1]: i["text"] for i in result["items"]}
    # rendered pages were rendered by the browser (the plain HTML has an empty #app)
    assert texts == {
        "1": "rendered /r/1", "slow": "slow plain page", "2": "rendered /r/2",
        "3": "rendered /r/3", "4": "rendered /r/4",
    }  # fmt: skip
    stats = result["stats"]
    assert stats["smmatlas/browser/idle_closes"] == 1  # during /slow
    assert stats["smmatlas/browser/restarts"] == 1  # before /r/4
    assert stats["smmatlas/browser/starts"] == 3  # /r/1, /r/2 after the idle close, /r/4
    assert stats["smmatlas/browser/stops"] == 3  # idle, restart, end of crawl
    assert stats["playwright/browser_count"] == 3
    assert "restarts_postponed" not in json.dumps(stats)
    assert browsers, "the watcher saw no browser process"
    time.sleep(0.5)
    assert alive(browsers) == [], "browser or driver processes outlived the crawl"
    assert "Traceback" not in err


CRASH_SPIDER = script(
    r"""
class Crash(Rendering):
    name = "crash"

    async def start(self):
        yield scrapy.Request(BASE + "/r/1", meta=render.render_meta(), callback=self.page)

    def page(self, response):
        yield {"url": response.url, "text": response.css("#app::text").get()}
        if response.url.endswith("/r/1"):
            yield scrapy.Request(BASE + "/bomb", meta=render.render_meta(), callback=self.page,
                                 errback=self.failed)

    def failed(self, failure):
        yield {"url": failure.request.url, "failed": failure.getErrorMessage()[:200]}
        yield scrapy.Request(BASE + "/r/2", meta=render.render_meta(), callback=self.page)

""",
    "Crash",
    '{"RETRY_ENABLED": False}',
)


def test_a_page_that_crashes_the_one_process_browser_costs_only_itself(tiny_site, tmp_path):
    """Chromium runs in one process by default (less memory): a hostile page that exhausts its
    memory takes the whole browser down. That page fails, and the next page to render starts
    the browser again and is rendered."""
    script = tmp_path / "crash_spider.py"
    script.write_text(CRASH_SPIDER)
    env = {"PYTHONPATH": str(ROOT), "SMMATLAS_SCREENSHOTS": "0"}
    out, err, browsers, _ = run_watched([sys.executable, str(script), tiny_site], env)
    result = json.loads(out.strip().splitlines()[-1])
    got = {i["url"].rsplit("/", 1)[-1]: i for i in result["items"]}
    assert got["1"]["text"] == "rendered /r/1"
    assert "failed" in got["bomb"] and "text" not in got["bomb"]
    assert got["2"]["text"] == "rendered /r/2"  # rendered by a browser started again
    # scrapy-playwright retries the hostile page a few times, each in a new browser
    assert result["stats"]["playwright/browser_count"] >= 2
    assert result["stats"]["downloader/exception_count"] == 1  # the hostile page only
    time.sleep(0.5)
    assert alive(browsers) == [], "browser or driver processes outlived the crawl"
