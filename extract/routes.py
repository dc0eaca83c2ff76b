"""Routes of JavaScript apps: where a page can navigate without an `<a href>`.

Pure text -> URLs, no browser. Three sources:
- `routes_from_html`: elements that navigate by attribute (data-route, data-href, data-url,
  data-link, routerLink, to, Vue `:to`) or by a click handler (`onclick="location.href='/x'"`,
  `@click="$router.push('/x')"`, `(click)="router.navigate(['/x'])"`), and the page's inline
  scripts (through `routes_from_script`);
- `routes_from_script`: framework route tables and manifests in app bundles (Next.js
  `__BUILD_MANIFEST` page keys and `sortedPages`, Vue/Nuxt/React Router/TanStack/Angular
  `{path: "..."}` entries, JSX `<Route path="...">`, `router.push("/x")`, `navigate("/x")`,
  compiled `<Link to="/x">` props);
- `json_endpoints_from_script`: same-site URLs an app asks for data (fetch, axios, jQuery,
  XMLHttpRequest.open).

Every result is an absolute same-site URL (same registered domain), without fragment,
deduplicated in first-seen order and bounded. Page routes exclude assets (pages.toml's
asset extensions), framework internals (`/_app`, `/_next/...`), error pages and routes with
unresolved parameters (`/:id`, `/[slug]`, `*`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from config.vocab import load
from extract.domains import registered_domain

MAX_ROUTES = 100
MAX_SCRIPTS = 20
MAX_ENDPOINTS = 50
MAX_SCRIPT_CHARS = 4_000_000  # a bundle larger than this is read only up to here

# A JavaScript string literal: quote, body (no newline, escapes allowed), same quote.
_Q = r"""(?P<q>["'`])(?P<s>(?:\\.|(?!(?P=q))[^\\\n]){0,300})(?P=q)"""

# Navigation calls, in handlers and scripts alike.
_NAV = [
    re.compile(r"\blocation(?:\.href)?\s*=\s*" + _Q),
    re.compile(r"\blocation\.(?:assign|replace)\(\s*" + _Q),
    re.compile(r"(?:\$router|\brouter|\bhistory|\bRouter)\.(?:push|replace)\(\s*" + _Q),
    re.compile(r"\bnavigate(?:To|ByUrl)?\(\s*\[?\s*" + _Q),
    re.compile(r"\bpushState\([^()]{0,80}?,\s*" + _Q + r"\s*\)"),
]
# Route tables and manifests (scripts only).
_PATH_KEY = re.compile(r"""(?<![\w$.])["']?path["']?\s*[:=]\s*""" + _Q)
_SLASH_PROPS = re.compile(r"""(?<![\w$])["']?(?:to|href|redirect)["']?\s*:\s*""" + _Q)
_FILE_ROUTE = re.compile(r"\bcreate(?:File|Lazy)?Route\(\s*" + _Q)
_MANIFEST_KEY = re.compile(r"""(?P<q>["'])(?P<s>(?:/|\\u002[Ff])[^"'\n]{0,200})(?P=q)\s*:\s*\[""")
_SORTED_PAGES = re.compile(r"""["']?sortedPages["']?\s*:\s*\[""")
_LIST_ITEM = re.compile(r"\s*" + _Q + r"\s*,?")
_STRING = re.compile(_Q)
# Data requests.
_FETCH = [
    re.compile(r"\bfetch\(\s*" + _Q),
    re.compile(r"\baxios(?:\.(?:get|post|request|head))?\(\s*" + _Q),
    re.compile(r"(?:\$|\bjQuery)\.(?:getJSON|get|post|ajax)\(\s*" + _Q),
    re.compile(r"(?:\$|\bjQuery)\.ajax\(\s*\{[^{}]{0,400}?\burl\s*:\s*" + _Q),
    re.compile(r"\baxios\(\s*\{[^{}]{0,400}?\burl\s*:\s*" + _Q),
    re.compile(r"\.open\(\s*[\"'](?:GET|POST|PUT|HEAD)[\"']\s*,\s*" + _Q, re.I),
]

# Element attributes that hold a route as a plain value, and those that hold JavaScript.
_ROUTE_ATTRS = frozenset(
    {"data-route", "data-href", "data-url", "data-link", "data-to", "data-path", "routerlink", "to"}
)
_BOUND_PREFIXES = (":", "v-bind:", "[")
_LINKING = frozenset({"a", "area", "link", "base"})  # their href is extract.links' job
_HANDLER = re.compile(r"^(?:on\w+|@\w+|v-on:\w+|\(\w+\)|ng-click|x-on:\w+|hx-\w+)$")
_UNRESOLVED = re.compile(r"(?:^|/)(?::|\*|\[|\{|\$\{)|[<>\s\"'\\()]")
_FRAMEWORK_INTERNAL = re.compile(r"^/(?:_|404$|500$|\.well-known/)")


@cache
def _asset_extensions() -> frozenset[str]:
    return frozenset(load("pages")["links"]["asset_extensions"])


def _unescape(text: str) -> str:
    """JS string escapes (`\\u002F`, `\\/`, `\\x2F`) decoded; other text left as it is."""
    if "\\" not in text:
        return text
    try:
        return json.loads('"' + text.replace('"', '\\"').replace("\\'", "'") + '"')
    except ValueError:
        return text.replace("\\/", "/")


def _same_site(parts, own: str) -> bool:
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and (registered_domain(parts.hostname) == own)
    )


def _absolute(candidate: str, base: str, own: str) -> str | None:
    """Absolute same-site URL without fragment, or None."""
    candidate = candidate.strip()
    if not candidate or candidate.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    if "${" in candidate:
        candidate = candidate.split("${", 1)[0]
        if "?" not in candidate:  # a path built at run time: unknown
            return None
        candidate = candidate.split("?", 1)[0]  # a query built at run time: keep the path
    parts = urlsplit(urljoin(base, candidate))
    if not _same_site(parts, own):
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _page_route(candidate: str, base: str, own: str) -> str | None:
    """A plausible page URL from a route candidate, or None (assets, params, internals)."""
    candidate = _unescape(candidate).strip()
    if not candidate or len(candidate) > 300 or "${" in candidate:
        return None
    path = candidate.split("?", 1)[0].split("#", 1)[0]
    if "//" in path and not path.startswith(("http://", "https://")):
        return None
    if _UNRESOLVED.search(urlsplit(path).path if "://" in path else path):
        return None
    url = _absolute(candidate, base, own)
    if url is None:
        return None
    parts = urlsplit(url)
    if _FRAMEWORK_INTERNAL.match(parts.path):
        return None
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if "." in last and last.rsplit(".", 1)[1].lower() in _asset_extensions():
        return None
    return url


class _Bag:
    """Ordered, deduplicated, bounded URL collection."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: dict[str, None] = {}

    def add(self, url: str | None) -> None:
        if url and len(self.items) < self.limit:
            self.items.setdefault(url, None)

    @property
    def full(self) -> bool:
        return len(self.items) >= self.limit

    def list(self) -> list[str]:
        return list(self.items)


def _nav_targets(js: str) -> list[str]:
    return [m.group("s") for pattern in _NAV for m in pattern.finditer(js)]


# --- HTML ----------------------------------------------------------------------------------
def _tree(html: str):
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _bound_strings(expr: str) -> list[str]:
    """String literals of a bound attribute expression (`'/x'`, `{path: '/x'}`)."""
    return [m.group("s") for m in _STRING.finditer(expr)]


def routes_from_html(html: str, url: str, limit: int = MAX_ROUTES) -> list[str]:
    """Same-site routes from non-anchor navigation: route attributes, click handlers and the
    page's inline scripts (route tables, router calls). `<a href>` links are extract.links'."""
    return _routes_from_tree(_tree(html), url, limit)


def _routes_from_tree(tree, url: str, limit: int = MAX_ROUTES) -> list[str]:
    if tree is None:
        return []
    own = registered_domain(url)
    bag = _Bag(limit)
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            name = name.lower()
            if name in _ROUTE_ATTRS and not (el.tag in _LINKING and el.get("href")):
                bag.add(_page_route(value, url, own))
            elif (
                name.startswith(_BOUND_PREFIXES)
                and name.lstrip(":[").removeprefix("v-bind:").rstrip("]") in _ROUTE_ATTRS
            ):
                for s in _bound_strings(value):
                    bag.add(_page_route(s, url, own))
            elif _HANDLER.match(name):
                for s in _nav_targets(value):
                    bag.add(_page_route(s, url, own))
        if bag.full:
            return bag.list()
    for script in tree.iter("script"):
        if script.get("src") or not script.text:
            continue
        kind = (script.get("type") or "").lower()
        if kind and "javascript" not in kind and kind not in ("module", "application/json"):
            continue
        for route in routes_from_script(script.text, url, limit):
            bag.add(route)
    return bag.list()


def script_urls(html: str, url: str, limit: int = MAX_SCRIPTS) -> list[str]:
    """Same-site script URLs of a page (`<script src>`, module preloads), in page order."""
    tree = _tree(html)
    if tree is None:
        return []
    own = registered_domain(url)
    base = url
    for el in tree.iter("base"):
        if el.get("href"):
            base = urljoin(url, el.get("href"))
            break
    bag = _Bag(limit)
    for el in tree.iter("script", "link"):
        if el.tag == "script":
            src = el.get("src")
        elif (el.get("rel") or "").lower() in ("modulepreload", "preload") and (
            el.get("as") in (None, "script")
        ):
            src = el.get("href")
        else:
            continue
        if src:
            bag.add(_absolute(src, base, own))
    return bag.list()


# --- scripts -------------------------------------------------------------------------------
def routes_from_script(js: str, url: str, limit: int = MAX_ROUTES) -> list[str]:
    """Page routes named by an app's script: manifests, route tables, router calls.

    Relative table paths (`path: 'services'`, Angular style) are read from the site root, and
    only when the script names no absolute path (then they are nested children)."""
    if not js:
        return []
    js = js[:MAX_SCRIPT_CHARS]
    own = registered_domain(url)
    root = urljoin(url, "/")
    bag = _Bag(limit)
    if "__BUILD_MANIFEST" in js:
        for m in _MANIFEST_KEY.finditer(js):
            bag.add(_page_route(m.group("s"), root, own))
        for block in _SORTED_PAGES.finditer(js):
            at = block.end()
            while (m := _LIST_ITEM.match(js, at)) and not bag.full:
                bag.add(_page_route(m.group("s"), root, own))
                at = m.end()
    table = [m.group("s") for m in _PATH_KEY.finditer(js)]
    table += [m.group("s") for m in _FILE_ROUTE.finditer(js)]
    absolute = [p for p in table if _unescape(p).startswith("/")]
    for path in absolute or table:
        path = _unescape(path)
        if not path.startswith("/") and not re.match(r"^[\w][\w\-/]*$", path):
            continue
        bag.add(_page_route(path if path.startswith("/") else "/" + path, root, own))
    slashed = _nav_targets(js) + [m.group("s") for m in _SLASH_PROPS.finditer(js)]
    for path in slashed:
        path = _unescape(path)
        if path.startswith("/") and not path.startswith("//"):
            bag.add(_page_route(path, root, own))
    return bag.list()


def json_endpoints_from_script(js: str, url: str, limit: int = MAX_ENDPOINTS) -> list[str]:
    """Same-site URLs a script requests data from (fetch, axios, jQuery, XMLHttpRequest)."""
    if not js:
        return []
    js = js[:MAX_SCRIPT_CHARS]
    own = registered_domain(url)
    bag = _Bag(limit)
    for pattern in _FETCH:
        for m in pattern.finditer(js):
            target = _unescape(m.group("s"))
            absolute = _absolute(target, url, own)
            if absolute is None:
                continue
            last = urlsplit(absolute).path.rsplit("/", 1)[-1]
            ext = last.rsplit(".", 1)[1].lower() if "." in last else ""
            if ext and ext != "json" and ext in _asset_extensions():
                continue
            bag.add(absolute)
    return bag.list()
