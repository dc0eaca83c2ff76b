"""spiders.harvest in Debian's chromium against small hand-written apps served on 127.0.0.1:
a category-gated catalogue (select -> fetch -> rows), a tab-gated one, a JSON-fed app, a
plain page that must cost nothing, and a page whose data never comes (the time bound)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from spiders import render
from spiders.harvest import harvest

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]
LAUNCH_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

CATEGORIES = [
    {"id": "ig", "name": "Instagram"},
    {"id": "tt", "name": "TikTok"},
    {"id": "yt", "name": "YouTube"},
]
ROWS = {
    "ig": [
        ["101", "Instagram Followers [Real]", "$1.20", "100", "50000"],
        ["102", "Instagram Likes", "$0.35", "50", "20000"],
    ],
    "tt": [
        ["201", "TikTok Views", "$0.02", "1000", "10000000"],
        ["202", "TikTok Followers", "$3.10", "100", "100000"],
        ["203", "TikTok Likes", "$0.90", "100", "50000"],
    ],
    "yt": [["301", "YouTube Subscribers", "$19.00", "100", "5000"]],
}
SERVICES = [
    {"sid": 1, "title": "IG Followers HQ", "cost": "4.99", "from": 100, "to": 20000},
    {"sid": 2, "title": "YT Views", "cost": "2.10", "from": 500, "to": 1000000},
]

FILL_ROWS = """
function fill(rows) {
  const body = document.querySelector('#catalogue tbody');
  body.innerHTML = '';
  for (const r of rows) {
    const tr = document.createElement('tr');
    for (const c of r) {
      const td = document.createElement('td');
      td.textContent = c;
      tr.append(td);
    }
    body.append(tr);
  }
}"""

GATED = f"""<!doctype html><html><head><title>Services</title>
<script src="/static/app.js" defer></script></head><body>
<nav><button onclick="location.href='/services'">Services</button>
<button data-route="/api-docs">API</button>
<a href="https://t.me/somepanel">Telegram</a></nav>
<label>Category <select id="cat"><option value="">Choose a category</option></select></label>
<table id="catalogue"><thead><tr><th>ID</th><th>Service</th><th>Rate per 1000</th>
<th>Min</th><th>Max</th></tr></thead><tbody></tbody></table>
<script>{FILL_ROWS}
fetch('/api/categories').then(r => r.json()).then(cats => {{
  const sel = document.getElementById('cat');
  for (const c of cats) sel.add(new Option(c.name, c.id));
}});
document.getElementById('cat').addEventListener('change', e => {{
  fetch('/api/rows?cat=' + e.target.value).then(r => r.json()).then(fill);
}});
</script></body></html>"""

TABS = f"""<!doctype html><html><head><title>Prices</title></head><body>
<div role="tablist">
  <button role="tab" data-cat="ig">Instagram</button>
  <button role="tab" data-cat="tt">TikTok</button>
  <button role="tab" data-cat="yt">YouTube</button>
</div>
<table id="catalogue"><tbody></tbody></table>
<script>{FILL_ROWS}
document.querySelectorAll('[role=tab]').forEach(b => b.addEventListener('click', () => {{
  fetch('/api/rows?cat=' + b.dataset.cat).then(r => r.json()).then(fill);
}}));
</script></body></html>"""

JSON_APP = """<!doctype html><html><head><title>Shop</title></head><body><div id="root"></div>
<script>
fetch('/api/services').then(r => r.json()).then(list => {
  document.getElementById('root').innerHTML = list.map(s =>
    `<div class="item"><h3>${s.title}</h3><p>$${s.cost}</p></div>`).join('');
});
fetch('/api/nothing-json').then(r => r.text());
</script></body></html>"""

PLAIN = (
    "<!doctype html><html><body><select name='lang'><option value='en'>English</option>"
    "<option value='es'>Español</option></select><table>"
    + "".join(
        f"<tr><td>{i}</td><td>Instagram Likes {i}</td><td>$0.{i:02d}</td></tr>" for i in range(20)
    )
    + "</table></body></html>"
)

STALLED = """<!doctype html><html><body>
<select id="cat"><option value="">Pick</option><option value="ig">Instagram</option>
<option value="tt">TikTok</option><option value="yt">YouTube</option></select>
<table id="catalogue"><tbody></tbody></table>
<script>document.getElementById('cat').addEventListener('change', e => {
  fetch('/api/slow?cat=' + e.target.value);
});</script></body></html>"""

APP_JS = """
const routes = [{path: "/", component: Home}, {path: "/price-list", component: PriceList},
  {path: "/order/:id", component: Order}];
function go() { navigate("/faq"); }
"""


HITS: Counter[str] = Counter()  # requests the server answered, by path


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        parts = urlsplit(self.path)
        HITS[parts.path] += 1
        query = parse_qs(parts.query)
        pages = {
            "/gated": ("text/html", GATED),
            "/tabs": ("text/html", TABS),
            "/app": ("text/html", JSON_APP),
            "/plain": ("text/html", PLAIN),
            "/stalled": ("text/html", STALLED),
            "/static/app.js": ("application/javascript", APP_JS),
            "/api/categories": ("application/json", json.dumps(CATEGORIES)),
            "/api/services": ("application/json", json.dumps(SERVICES)),
            "/api/nothing-json": ("text/plain", "ok"),
        }
        if parts.path == "/api/rows":
            time.sleep(0.15)  # the rows come a little after the choice
            ctype, body = "application/json", json.dumps(ROWS.get(query["cat"][0], []))
        elif parts.path == "/api/slow":
            time.sleep(8)
            ctype, body = "application/json", "[]"
        elif parts.path in pages:
            ctype, body = pages[parts.path]
        else:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    """One chromium for the module, driven from its own event loop."""
    from playwright.async_api import async_playwright

    loop = asyncio.new_event_loop()
    pw = loop.run_until_complete(async_playwright().start())
    chromium = loop.run_until_complete(
        pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    )
    yield loop, chromium
    loop.run_until_complete(chromium.close())
    loop.run_until_complete(pw.stop())
    loop.close()


@pytest.fixture
def run_harvest(browser, site):
    """Load a page of `site` as scrapy-playwright does (event handlers attached before goto,
    then the networkidle page method) and harvest it; returns (Harvest, seconds harvesting)."""
    loop, chromium = browser

    async def go(path: str, early_recorder: bool, pass_recorder: bool, kwargs: dict):
        context = await chromium.new_context()
        try:
            page = await context.new_page()
            recorder = None
            if early_recorder:
                meta = render.render_meta(harvest=True)
                recorder = meta[render.RECORDER_KEY]
                for event, handler in meta["playwright_page_event_handlers"].items():
                    page.on(event, handler)
            await page.goto(site + path, timeout=10_000)
            await page.wait_for_load_state("networkidle", timeout=10_000)
            start = time.monotonic()
            found = await harvest(page, recorder=recorder if pass_recorder else None, **kwargs)
            spent = time.monotonic() - start
            await page.close()
            return found, spent
        finally:
            await context.close()

    def run(path: str, early_recorder: bool = True, pass_recorder: bool = True, **kwargs):
        return loop.run_until_complete(go(path, early_recorder, pass_recorder, kwargs))

    return run


def table_rows(html: str) -> list[list[str]]:
    tree = lxml.html.document_fromstring(html)
    return [
        [td.text_content().strip() for td in tr.findall("td")]
        for tr in tree.iter("tr")
        if tr.findall("td")
    ]


def test_category_select_gated_catalogue(run_harvest, site):
    found, spent = run_harvest("/gated")
    assert table_rows(found.html) == []  # nothing before a category is chosen
    seen = [row for snap in found.snapshots for row in table_rows(snap)]
    expected = [row for cat in ("ig", "tt", "yt") for row in ROWS[cat]]
    assert sorted(seen) == sorted(expected)
    assert found.choices == ["Instagram", "TikTok", "YouTube"]
    assert all("data-smmatlas-choice" not in snap for snap in found.snapshots)
    bodies = {b.url.removeprefix(site): b for b in found.json_bodies}
    assert json.loads(bodies["/api/categories"].body) == CATEGORIES
    for cat in ("ig", "tt", "yt"):
        body = bodies[f"/api/rows?cat={cat}"]
        assert body.status == 200 and "json" in body.content_type
        assert json.loads(body.body) == ROWS[cat]
    paths = {urlsplit(u).path for u in found.routes}
    assert {"/services", "/api-docs", "/price-list", "/faq", "/"} <= paths
    assert "/order/:id" not in paths
    assert all(u.startswith(site) for u in found.routes)
    assert spent < 20  # bounded (a loaded CI machine is slower)


def test_tab_gated_catalogue(run_harvest):
    found, _ = run_harvest("/tabs")
    seen = [row for snap in found.snapshots for row in table_rows(snap)]
    assert sorted(seen) == sorted(row for rows in ROWS.values() for row in rows)
    assert found.choices == ["Instagram", "TikTok", "YouTube"]


def test_json_fed_app_bodies_recorded_from_the_start(run_harvest):
    # harvest(page) alone finds the recorder that render_meta's handlers attached
    before = HITS["/api/services"]
    found, _ = run_harvest("/app", pass_recorder=False)
    assert HITS["/api/services"] == before + 1  # seen as it loaded, not asked again
    assert [urlsplit(b.url).path for b in found.json_bodies] == ["/api/services"]
    assert json.loads(found.json_bodies[0].body) == SERVICES
    assert "IG Followers HQ" in found.html
    assert found.snapshots == [] and found.choices == []


def test_late_harvest_asks_the_loaded_json_again(run_harvest):
    before = HITS["/api/services"]
    found, _ = run_harvest("/app", early_recorder=False)
    assert HITS["/api/services"] == before + 2
    assert [urlsplit(b.url).path for b in found.json_bodies] == ["/api/services"]
    assert json.loads(found.json_bodies[0].body) == SERVICES


def test_plain_page_costs_little_and_chooses_nothing(run_harvest):
    found, spent = run_harvest("/plain")
    assert found.choices == [] and found.snapshots == [] and found.json_bodies == []
    assert len(table_rows(found.html)) == 20
    assert spent < 5


def test_time_bound_when_data_never_comes(run_harvest):
    found, spent = run_harvest("/stalled", budget=3)
    assert spent < 7  # the 3 s budget plus closing, on a loaded machine
    assert found.html and found.snapshots == []
