"""Off-site links of a page, with their context: the raw material of discovery (pure).

Every link to another registered domain is kept with the anchor text, the words around it, the
role the crawl gave the source page, and a kind:
- `provider_api`: another site's panel API endpoint (`/api/v2`, `/api/v1`, ...), in a link, in
  the visible text or in the page's code (a reseller names its upstream provider);
- `child_panel`: a link with child-panel words around it ("child panel", "powered by", "our main
  panel", ...: config/vocab/discovery.toml);
- `listing`: an entry of a page that links many other sites (a directory, a "best panels" post);
- `cross_link`: any other off-site link.
Sites that are never candidates (platforms, messengers, payment gateways, CDNs) are left out.
Everything here is read from an untrusted page: URLs are length-capped, http(s) only, with a
valid host name, and texts are cut short.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urljoin, urlsplit, urlunsplit

from config.vocab import load
from extract.domains import registered_domain
from extract.model import OffsiteLink
from extract.parsed import ParsedPage
from extract.text import collapse_ws, fold

_HOST = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$")
_API_URL = re.compile(r"(?:https?:)?//((?:[a-z0-9-]+\.)+[a-z]{2,24})(?::\d+)?(/[^\s\"'<>]*)?", re.I)
_CONTEXT_TAGS = ("li", "p", "td", "tr", "dd", "article", "section", "div", "footer")
_ASSETS = {"css", "js", "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "woff", "woff2", "ttf"}


@cache
def _cfg() -> dict:
    return load("discovery")["offsite"]


@cache
def _api_paths() -> tuple[str, ...]:
    return tuple(p.rstrip("/") for p in load("trackers")["upstream"]["paths"])


@cache
def _ignored() -> frozenset[str]:
    return frozenset(_cfg()["ignore"]) | frozenset(load("trackers")["upstream"]["ignore_domains"])


def _clean_url(href: str, base: str) -> tuple[str, str] | None:
    """(absolute URL without fragment, host) of an http(s) link, or None."""
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        parts = urlsplit(urljoin(base, href))
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not _HOST.match(host):
        return None
    last = parts.path.rsplit("/", 1)[-1]
    if "." in last and last.rsplit(".", 1)[1].lower() in _ASSETS:
        return None
    url = urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))
    if len(url) > _cfg()["max_url_length"]:
        return None
    return url, host


def _is_api(path: str) -> bool:
    path = (path or "").lower().rstrip("/")
    return any(path == p or path.endswith(p) for p in _api_paths())


def _context(a) -> str:
    node = a.getparent()
    while node is not None and node.tag not in _CONTEXT_TAGS:
        node = node.getparent()
    if node is None:
        return ""
    return collapse_ws(node.text_content())[:200]


@cache
def _child_words() -> tuple[str, ...]:
    return tuple(fold(w) for w in _cfg()["child_words"])


def _child_ref(text: str) -> bool:
    low = fold(text)
    return any(w in low for w in _child_words())


def offsite_of(page: ParsedPage) -> list[OffsiteLink]:
    """Off-site links of a parsed page (the registry's `offsite` extractor)."""
    root = page.tree
    if root is None:
        return []
    own = registered_domain(page.url)
    ignored = _ignored()
    base = urljoin(page.url, (root.xpath("//base/@href") or [page.url])[0])
    found: dict[str, OffsiteLink] = {}
    for a in root.xpath("//a[@href] | //area[@href]"):
        cleaned = _clean_url(a.get("href", ""), base)
        if cleaned is None:
            continue
        url, host = cleaned
        domain = registered_domain(host)
        if domain == own or domain in ignored or url in found:
            continue
        text = collapse_ws(a.text_content() or a.get("title") or "")[:200]
        context = _context(a)
        kind = "cross_link"
        if _is_api(urlsplit(url).path):
            kind = "provider_api"
        elif _child_ref(text) or _child_ref(context):
            kind = "child_panel"
        found[url] = OffsiteLink(url, domain, text, kind, context, page.role)
        if len(found) >= _cfg()["max_links"]:
            break
    # provider API URLs written in the visible text or the code (not linked)
    for m in _API_URL.finditer(page.html[:2_000_000]):
        if not _is_api(m.group(2) or ""):
            continue
        host = m.group(1).lower()
        domain = registered_domain(host)
        url = f"https://{host}{(m.group(2) or '/')[:200]}"
        if (
            not _HOST.match(host)
            or domain == own
            or domain in ignored
            or any(o.domain == domain and o.kind == "provider_api" for o in found.values())
        ):
            continue
        found[url] = OffsiteLink(url, domain, "", "provider_api", m.group(0)[:200], page.role)
    links = list(found.values())
    listed = {o.domain for o in links if o.kind == "cross_link"}
    if len(listed) >= _cfg()["listing_min"]:
        for o in links:
            if o.kind == "cross_link":
                o.kind = "listing"
    return links[: _cfg()["max_links"]]
