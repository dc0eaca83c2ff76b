"""What a rendered JavaScript app holds beyond its first HTML: JSON it loaded, routes it can
navigate to, and catalogue rows that appear only after a category is chosen.

Used with scrapy-playwright's `playwright_include_page=True` (see `render.render_meta(
harvest=True)`): the download handler loads the page, the spider callback gets the live
Playwright page in `response.meta["playwright_page"]` and calls `await harvest(page)`, then
closes the page.

JSON bodies are recorded by a `ResponseRecorder` attached as a page event handler *before*
navigation (scrapy-playwright attaches `playwright_page_event_handlers` to the page before it
calls `page.goto`), so the app's first data requests are seen too. The recorder keeps the
Playwright response objects (cheap, synchronous), and `harvest` reads their bodies afterwards,
bounded in count and size. A page harvested without a recorder gets one attached late, and the
JSON it had already loaded is re-requested from the browser's resource timing list (same-site
fetch/XHR URLs only, through the page's own cookies).

Everything is bounded: the whole harvest takes at most `budget` seconds (15 by default), each
browser call has its own timeout, and a page that is not an app (no select, no JSON, no routes)
costs one probe and one `page.content()`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import weakref
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from config.vocab import load
from extract.classify import classify
from extract.domains import registered_domain
from extract.routes import routes_from_html, routes_from_script

log = logging.getLogger(__name__)

MAX_BODY = 2 * 1024 * 1024  # a JSON body larger than this is not kept
MAX_JSON_TOTAL = 16 * 1024 * 1024  # all JSON bodies of one page together
MAX_SCRIPT = 4 * 1024 * 1024  # an app bundle larger than this is not read for routes
MAX_SCRIPTS = 12  # same-site scripts read for routes
MARK = "data-smmatlas-choice"
_MARK_RE = re.compile(r"\s" + MARK + r'="[^"]*"')
_JSON_CTYPE = re.compile(r"[/+]json\b", re.I)


class JsonBody(NamedTuple):
    url: str
    status: int
    content_type: str
    body: bytes


@dataclass
class Harvest:
    html: str  # the rendered page as first harvested
    snapshots: list[str] = field(default_factory=list)  # HTML after each choice that added rows
    json_bodies: list[JsonBody] = field(default_factory=list)  # same-site JSON the page loaded
    # same-site routes without an <a href> (router targets, handlers, inline and app scripts,
    # pages a choice navigated to); the anchors of `html` are extract.links' to find
    routes: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)  # labels of the options/tabs chosen
    notes: list[str] = field(default_factory=list)  # what was cut short, for the crawl log


# --- recording responses -------------------------------------------------------------------
_RECORDERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class ResponseRecorder:
    """Page event handlers: remember same-site JSON and script responses, count requests in
    flight (to tell when the network is quiet after a choice). Attach with `handlers()` in
    `playwright_page_event_handlers`, or `attach(page)`."""

    def __init__(self, max_json: int = 80, max_scripts: int = MAX_SCRIPTS) -> None:
        self.max_json = max_json
        self.max_scripts = max_scripts
        self.json: list[Any] = []
        self.scripts: list[Any] = []
        self.inflight = 0
        self.started = 0
        self.last_activity = time.monotonic()
        self.seen: set[str] = set()

    def handlers(self) -> dict[str, Any]:
        return {
            "request": self.on_request,
            "requestfinished": self.on_done,
            "requestfailed": self.on_done,
            "response": self.on_response,
        }

    def attach(self, page) -> None:
        for event, handler in self.handlers().items():
            page.on(event, handler)
        _RECORDERS[page] = self

    def detach(self, page) -> None:
        for event, handler in self.handlers().items():
            try:
                page.remove_listener(event, handler)
            except Exception:  # noqa: BLE001 - a closed page has no listeners left
                pass

    def _register(self, frame) -> None:
        try:
            page = frame.page
        except Exception:  # noqa: BLE001 - service workers and detached frames have none
            return
        if page is not None and page not in _RECORDERS:
            _RECORDERS[page] = self

    def on_request(self, request) -> None:
        self.inflight += 1
        self.started += 1
        self.last_activity = time.monotonic()
        try:
            self._register(request.frame)
        except Exception:  # noqa: BLE001 - a request of a closed page
            pass

    def on_done(self, request) -> None:
        self.inflight = max(0, self.inflight - 1)
        self.last_activity = time.monotonic()

    def on_response(self, response) -> None:
        self.last_activity = time.monotonic()
        try:
            request = response.request
            kind = request.resource_type
            ctype = response.headers.get("content-type", "")
            page_url = request.frame.page.url if request.frame else ""
        except Exception:  # noqa: BLE001 - a response of a closed page
            return
        if not 200 <= response.status < 300 or response.url in self.seen:
            return
        if page_url and not _same_site(response.url, page_url):
            return
        if kind == "script" or "javascript" in ctype.lower():
            if len(self.scripts) < self.max_scripts:
                self.seen.add(response.url)
                self.scripts.append(response)
        elif kind in ("xhr", "fetch") or _JSON_CTYPE.search(ctype):
            if len(self.json) < self.max_json * 2:  # some turn out not to be JSON
                self.seen.add(response.url)
                self.json.append(response)


def recorder_of(page) -> ResponseRecorder | None:
    """The recorder that saw this page's requests, if one was attached before navigation."""
    return _RECORDERS.get(page)


def _same_site(url: str, page_url: str) -> bool:
    try:
        return registered_domain(url) == registered_domain(page_url)
    except ValueError:
        return False


def _looks_json(body: bytes) -> bool:
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"{", b"[")


# --- the harvest ---------------------------------------------------------------------------
class _Clock:
    def __init__(self, budget: float) -> None:
        self.end = time.monotonic() + budget

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def ms(self, cap: float) -> float:
        """A Playwright timeout (ms) no longer than `cap` seconds nor the time left."""
        return max(1.0, min(cap, self.left()) * 1000)


async def harvest(
    page,
    max_options: int = 60,
    max_json: int = 80,
    recorder: ResponseRecorder | None = None,
    budget: float = 15.0,
) -> Harvest:
    """Harvest an already-loaded page (see the module docstring). Never raises for what the
    page does; returns what it could collect within `budget` seconds."""
    clock = _Clock(budget)
    result = Harvest(html="")
    recorder = recorder or recorder_of(page)
    late = recorder is None
    if late:
        recorder = ResponseRecorder(max_json=max_json)
        recorder.attach(page)
    try:
        await asyncio.wait_for(
            _harvest(page, result, recorder, late, clock, max_options, max_json),
            timeout=budget + 2,
        )
    except TimeoutError:
        result.notes.append(f"harvest stopped after {budget:.0f} s")
    except Exception as exc:  # noqa: BLE001 - a crashed or closed page: keep what we have
        result.notes.append(f"harvest error: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        if late:
            recorder.detach(page)
    if not result.html:
        result.html = await _content(page, clock) or ""
    return result


async def _harvest(page, result, recorder, late, clock, max_options, max_json) -> None:
    page_url = page.url
    await _settle(page, recorder, clock, cap=3.0)
    result.html = await _content(page, clock) or ""
    routes = dict.fromkeys(routes_from_html(result.html, page_url))
    if late:
        await _refetch_loaded_json(page, recorder, clock, max_json)
    await _choose_categories(page, result, recorder, clock, max_options, routes)
    result.json_bodies = await _json_bodies(recorder, clock, max_json)
    for script in list(recorder.scripts):
        if clock.left() < 0.5:
            result.notes.append("scripts not all read for routes (time)")
            break
        body = await _body(script, clock, MAX_SCRIPT)
        if body:
            for route in routes_from_script(body.decode("utf-8", "replace"), page_url):
                routes.setdefault(route, None)
    result.routes = list(routes)[:200]


async def _content(page, clock) -> str | None:
    for _ in range(2):
        try:
            html = await asyncio.wait_for(page.content(), timeout=max(0.5, min(5, clock.left())))
            return _MARK_RE.sub("", html)
        except Exception:  # noqa: BLE001 - "page is navigating": wait for it once
            try:
                await page.wait_for_load_state("domcontentloaded", timeout=clock.ms(3))
            except Exception:  # noqa: BLE001
                return None
    return None


async def _body(response, clock, limit: int) -> bytes | None:
    try:
        length = int(response.headers.get("content-length") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return None
    try:
        body = await asyncio.wait_for(response.body(), timeout=max(0.2, min(5, clock.left())))
    except Exception:  # noqa: BLE001 - evicted, redirected or the page went away
        return None
    return body if len(body) <= limit else None


async def _json_bodies(recorder, clock, max_json) -> list[JsonBody]:
    bodies: list[JsonBody] = []
    total = 0
    for response in list(recorder.json):
        if len(bodies) >= max_json or total >= MAX_JSON_TOTAL or clock.left() <= 0.2:
            break
        if isinstance(response, JsonBody):
            bodies.append(response)
            continue
        body = await _body(response, clock, MAX_BODY)
        if body and _looks_json(body):
            ctype = response.headers.get("content-type", "")
            bodies.append(JsonBody(response.url, response.status, ctype, body))
            total += len(body)
    return bodies


_RESOURCES_JS = """() => performance.getEntriesByType('resource')
  .filter(e => e.initiatorType === 'fetch' || e.initiatorType === 'xmlhttprequest')
  .map(e => e.name)"""


async def _refetch_loaded_json(page, recorder, clock, max_json) -> None:
    """A late recorder missed the first data requests: ask them again (GET, same site)."""
    try:
        urls = await asyncio.wait_for(page.evaluate(_RESOURCES_JS), timeout=min(2, clock.left()))
    except Exception:  # noqa: BLE001
        return
    for url in dict.fromkeys(urls or []):
        if len(recorder.json) >= max_json or clock.left() < 1 or url in recorder.seen:
            continue
        if not _same_site(url, page.url):
            continue
        try:
            resp = await page.request.get(url, timeout=clock.ms(3), max_redirects=3)
            body = await resp.body()
        except Exception:  # noqa: BLE001
            continue
        if resp.ok and len(body) <= MAX_BODY and _looks_json(body):
            recorder.seen.add(url)
            recorder.json.append(
                JsonBody(url, resp.status, resp.headers.get("content-type", ""), body)
            )


async def _settle(page, recorder, clock, cap: float = 2.0) -> None:
    """Wait for what an action set off: the requests it started to finish (or, when it started
    none within 0.15 s, nothing), then for the DOM to stop changing; at most `cap` s. A request
    that never ends (long polling) stops the wait after 1 s without network activity."""
    start = time.monotonic()
    end = start + min(cap, clock.left())
    started = recorder.started
    while time.monotonic() < end:
        await asyncio.sleep(0.025)
        now = time.monotonic()
        idle = now - recorder.last_activity
        if recorder.started == started and recorder.inflight == 0 and now - start >= 0.15:
            break
        if recorder.started > started and recorder.inflight == 0 and idle >= 0.05:
            break
        if idle >= 1.0:
            break
    left = end - time.monotonic()
    if left > 0.1:
        try:
            await asyncio.wait_for(page.evaluate(_DOM_QUIET_JS, 80), timeout=left)
        except Exception:  # noqa: BLE001
            pass


_DOM_QUIET_JS = """(quietMs) => new Promise(resolve => {
  let timer = setTimeout(done, quietMs);
  const obs = new MutationObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(done, quietMs);
  });
  function done() { obs.disconnect(); resolve(true); }
  obs.observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})"""


# --- category gating -----------------------------------------------------------------------
@cache
def _money_marks() -> list[str]:
    cur = load("currencies")
    marks = [s for s in cur.get("symbols", {}) if not s.isalpha() or len(s) > 1]
    return sorted(set(marks) | set(cur.get("codes", [])), key=len, reverse=True)


_PROBE_JS = """([mark, marks, maxItems]) => {
  const esc = s => s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');
  const money = new RegExp('(?:' + marks.map(esc).join('|') + ')', 'i');
  const text = el => (el.textContent || '').replace(/\\s+/g, ' ').trim();
  const rows = [];
  for (const tr of document.querySelectorAll('tr')) {
    if (tr.querySelectorAll('td').length < 2) continue;
    const t = text(tr);
    if (t) rows.push(t.slice(0, 200));
  }
  const skip = 'table,select,option,script,style,noscript,nav,header,footer';
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    if (el.children.length || el.closest(skip)) continue;
    const t = text(el);
    if (t.length > 80 || !/\\d/.test(t) || !money.test(t)) continue;
    const box = (el.parentElement && el.parentElement.parentElement) || el;
    rows.push(text(box).slice(0, 200));
  }
  const groups = [];
  let n = 0;
  const label = el => (el.getAttribute('aria-label') || el.name || el.id || '').slice(0, 60);
  document.querySelectorAll('select').forEach((sel, i) => {
    if (sel.multiple || sel.disabled || sel.closest('[hidden]')) return;
    const opts = [...sel.options].filter(o => !o.disabled && o.value !== '' && text(o))
      .slice(0, maxItems).map(o => ({value: o.value, text: text(o).slice(0, 80)}));
    if (opts.length < 2) return;
    sel.setAttribute(mark, 's' + i);
    groups.push({kind: 'select', mark: 's' + i, label: label(sel), items: opts,
                 strong: false, selected: sel.value});
  });
  const clickable = el => {
    if (el.closest('form,select')) return false;
    if (el.tagName === 'BUTTON') return (el.getAttribute('type') || 'button') !== 'submit';
    if (el.tagName === 'A') { const h = (el.getAttribute('href') || '').trim();
      return !h || h.startsWith('#') || h.toLowerCase().startsWith('javascript:'); }
    return true;
  };
  const byParent = new Map();
  const add = (el, strong) => {
    const t = text(el);
    if (!t || t.length > 40 || !clickable(el)) return;
    const p = el.closest('[role=tablist]') || el.parentElement;
    if (!byParent.has(p)) byParent.set(p, {els: [], strong: false});
    const g = byParent.get(p);
    if (!g.els.includes(el)) g.els.push(el);
    g.strong = g.strong || strong;
  };
  document.querySelectorAll('[role=tab]').forEach(el => add(el, true));
  const dataAttr = /^data-(?:category|cat|filter|platform|network|tab|group|type)(?:-?id)?$/;
  document.querySelectorAll('body *').forEach(el => {
    if ([...el.attributes].some(a => dataAttr.test(a.name))) add(el, true);
  });
  document.querySelectorAll('button, a').forEach(el => {
    const p = el.parentElement;
    const sibs = p ? [...p.children].filter(c => c.tagName === el.tagName) : [];
    if (sibs.length >= 2) add(el, false);
  });
  let t = 0;
  for (const g of byParent.values()) {
    if (g.els.length < 2) continue;
    const items = g.els.slice(0, maxItems).map((el, j) => {
      el.setAttribute(mark, 't' + t + '-' + j);
      return {value: 't' + t + '-' + j, text: text(el).slice(0, 80)};
    });
    groups.push({kind: 'tabs', mark: 't' + t, label: '', items: items, strong: g.strong});
    t += 1;
  }
  return {rows: rows.slice(0, 5000), groups: groups.slice(0, 8)};
}"""

_CLEAR_JS = (
    "(mark) => document.querySelectorAll('[' + mark + ']').forEach(e => e.removeAttribute(mark))"
)
SMALL_CATALOGUE = 10  # fewer rows than this: an empty or gated catalogue
STALE_CHOICES = 3  # on a full catalogue, stop a group after this many choices adding nothing


def _platform_share(items: list[dict]) -> float:
    named = [i for i in items if not i["text"].replace(" ", "").isdigit()]
    if not named:
        return 0.0
    hits = sum(1 for i in named if classify(i["text"])[0] not in (None, "other"))
    return hits / len(items)


def _worth_trying(group: dict, rows: int) -> bool:
    items = group["items"]
    if all(i["text"].replace(" ", "").replace(",", "").isdigit() for i in items):
        return False  # page sizes, quantities
    share = _platform_share(items)
    if group["kind"] == "select":
        return rows < SMALL_CATALOGUE or share >= 0.3
    return (group["strong"] or share >= 0.3) and (rows < SMALL_CATALOGUE * 20 or share >= 0.3)


async def _probe(page, clock, max_options) -> dict | None:
    try:
        return await asyncio.wait_for(
            page.evaluate(_PROBE_JS, [MARK, _money_marks(), max_options]),
            timeout=max(0.2, min(4, clock.left())),
        )
    except Exception:  # noqa: BLE001
        return None


async def _choose_categories(page, result, recorder, clock, max_options, routes) -> None:
    probe = await _probe(page, clock, max_options)
    if not probe:
        return
    seen_rows = set(probe["rows"])
    start_rows = len(seen_rows)
    groups = [g for g in probe["groups"] if _worth_trying(g, start_rows)]
    chosen = 0
    start_url = page.url
    for group in groups:
        stale = 0
        for item in group["items"]:
            if chosen >= max_options or clock.left() < 1.0:
                result.notes.append(f"category choices stopped after {chosen}")
                await _clear_marks(page, clock)
                return
            shown = group["kind"] == "select" and item["value"] == group.get("selected")
            if shown and start_rows >= SMALL_CATALOGUE:
                continue  # its rows are on the page already
            ok = await _choose(page, group, item, clock)
            if not ok:
                continue
            chosen += 1
            result.choices.append(item["text"])
            await _settle(page, recorder, clock)
            navigated = page.url != start_url
            html = await _content(page, clock)
            after = await _probe(page, clock, max_options) if not navigated else None
            rows = set(after["rows"]) if after else set()
            if navigated:
                routes.setdefault(page.url, None)
                if html:
                    result.snapshots.append(html)
                await _go_back(page, start_url, recorder, clock)
                await _probe(page, clock, max_options)  # mark the fresh DOM again
                continue
            if html and rows - seen_rows:
                result.snapshots.append(html)
                seen_rows |= rows
                stale = 0
            else:
                stale += 1
                if start_rows >= SMALL_CATALOGUE and stale >= STALE_CHOICES:
                    break
    await _clear_marks(page, clock)


async def _choose(page, group, item, clock) -> bool:
    try:
        if group["kind"] == "select":
            target = page.locator(f'select[{MARK}="{group["mark"]}"]')
            await target.select_option(value=item["value"], timeout=clock.ms(2), force=True)
        else:
            target = page.locator(f'[{MARK}="{item["value"]}"]')
            await target.first.click(timeout=clock.ms(2), force=True, no_wait_after=True)
        return True
    except Exception as exc:  # noqa: BLE001 - detached, hidden or replaced
        log.debug("choice %r failed: %s", item.get("text"), exc)
        return False


async def _go_back(page, url, recorder, clock) -> None:
    try:
        await page.go_back(timeout=clock.ms(4), wait_until="domcontentloaded")
        if page.url != url:
            await page.goto(url, timeout=clock.ms(4), wait_until="domcontentloaded")
    except Exception:  # noqa: BLE001
        return
    await _settle(page, recorder, clock)


async def _clear_marks(page, clock) -> None:
    try:
        await asyncio.wait_for(
            page.evaluate(_CLEAR_JS, MARK), timeout=max(0.2, min(2, clock.left()))
        )
    except Exception:  # noqa: BLE001
        pass
