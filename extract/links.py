"""Same-site links of a page, each with a role, in crawl-priority order (words: pages.toml).

Roles: services, pricing, next_page, api, payment, signup, faq, contact, terms, blog, other.
The role comes from the URL path and the anchor text; crawler traps (calendar or faceted
explosions, repeated segments, action links such as logout or add-to-cart) get role "other"
and sort last (`is_trap`).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit, urlunsplit

from extract.domains import registered_domain
from extract.model import Link
from extract.parsed import ParsedPage
from extract.signals import phrase_hits, text_of, vocab
from extract.text import collapse_ws, fold

_NON_WORD = re.compile(r"[\W_]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_YEAR = re.compile(r"^(19|20)\d\d$")
_SMALL_NUM = re.compile(r"^\d{1,2}$")
_DATE = re.compile(r"^(19|20)\d\d(?:[-_.]\d{1,2}){0,2}$")
_PAGE_PATH = re.compile(r"/(?:{words})/\d+/?$")


@cache
def _cfg() -> dict:
    return vocab()["links"]


@cache
def _page_path_re() -> re.Pattern:
    words = "|".join(re.escape(w) for w in _cfg()["page_path_words"])
    return re.compile(_PAGE_PATH.pattern.format(words=words), re.I)


@lru_cache(maxsize=8192)
def _path_words(path: str) -> str:
    """Folded words of a URL path ("/Buy-Instagram_Followers/" -> "buy instagram followers")."""
    path = _CAMEL.sub(" ", unquote(path))
    return " ".join(_NON_WORD.sub(" ", fold(path)).split())


@lru_cache(maxsize=8192)
def _split(url: str):
    return urlsplit(url)


@lru_cache(maxsize=8192)
def is_trap(url: str) -> bool:
    """A calendar / faceted-search explosion, a repeated-segment loop, or an action link."""
    cfg = _cfg()["traps"]
    parts = _split(url)
    if len(url) > cfg["max_url_length"]:
        return True
    segments = [s for s in unquote(parts.path).lower().split("/") if s]
    if len(segments) > cfg["max_path_segments"]:
        return True
    if segments and max(segments.count(s) for s in segments) > cfg["max_repeats"]:
        return True
    if any(
        _YEAR.match(a) and _SMALL_NUM.match(b) for a, b in zip(segments, segments[1:], strict=False)
    ):
        return True
    words = _path_words(parts.path)
    if phrase_hits(words, cfg["action_paths"]):
        return True
    if phrase_hits(words, cfg["calendar_words"]) and any(_DATE.match(s) for s in segments):
        return True
    keys = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if keys & set(cfg["calendar_params"]) or keys & set(cfg["action_params"]):
        return True
    return len(keys & set(cfg["facet_params"])) >= cfg["max_facets"]


def _is_page_link(parts, rel: str, text: str) -> bool:
    cfg = _cfg()
    if "next" in rel.split():
        return True
    if fold(text).strip() in {fold(t) for t in cfg["next_texts"]}:
        return True
    params = {k.lower(): v for k, v in parse_qsl(parts.query)}
    if any(params.get(p, "").isdigit() for p in cfg["page_params"]):
        return True
    return bool(_page_path_re().search(parts.path))


def _combo(words: str) -> bool:
    """A buy word and an engagement word together: a product page."""
    return bool(phrase_hits(words, _cfg()["roles"]["pricing"]["combo_first"])) and bool(
        phrase_hits(words, vocab()["portal"]["engagement"])
    )


@cache
def _field_index(field: str) -> tuple[re.Pattern, dict[str, set[str]]]:
    """One whole-word alternation over every role's phrases of `field` ("path" or "text")."""
    owners: dict[str, set[str]] = {}
    for role, words in _cfg()["roles"].items():
        for phrase in words.get(field, []):
            owners.setdefault(fold(phrase), set()).add(role)
    alts = sorted(owners, key=len, reverse=True)
    rx = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(p) for p in alts) + r")(?![\w])")
    return rx, owners


@lru_cache(maxsize=8192)
def _roles_in(words: str, field: str) -> frozenset[str]:
    """Roles whose `field` phrases occur in the folded `words` (a buy+engagement combo: pricing)."""
    if not words:
        return frozenset()
    rx, owners = _field_index(field)
    found: set[str] = set()
    for phrase in rx.findall(words):
        found |= owners[phrase]
    if _combo(words):
        found.add("pricing")
    return frozenset(found)


def link_role(url: str, text: str, rel: str = "") -> str:
    """Role of a same-site link from its path, anchor text and rel."""
    cfg = _cfg()
    if is_trap(url):
        return "other"
    parts = _split(url)
    if "next" in rel.lower().split():
        return "next_page"
    path = _path_words(parts.path)
    first = path.split(" ", 1)[0] if path else ""
    if first in cfg["blog_first_segment"]:
        return "blog"
    if _is_page_link(parts, rel.lower(), text):
        return "next_page"
    by_path = _roles_in(path, "path")
    by_text = _roles_in(fold(collapse_ws(text)), "text")
    best, best_hits = "other", 0
    for role in cfg["precedence"]:
        hits = (role in by_path) + (role in by_text)
        if hits > best_hits:
            best, best_hits = role, hits
    return best


def _anchor_text(a) -> str:
    text = text_of(a) if a.tag != "link" else ""
    if not text:
        alts = a.xpath(".//img/@alt") if a.tag != "link" else []
        text = collapse_ws(a.get("title") or a.get("aria-label") or (alts[0] if alts else ""))
    return text[:200]


@lru_cache(maxsize=4096)
def _site(host: str) -> str:
    return registered_domain(host)


def _clean(href: str, base: str, own: str) -> str | None:
    """Absolute same-site http(s) URL without fragment, or None to skip it."""
    cfg = _cfg()
    href = href.strip()
    scheme = href.split(":", 1)[0].lower() if ":" in href.split("/", 1)[0] else ""
    if not href or href.startswith("#") or scheme in cfg["skip_schemes"]:
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if _site(parts.hostname) != own:
        return None
    last = parts.path.rsplit("/", 1)[-1]
    if "." in last and last.rsplit(".", 1)[1].lower() in cfg["asset_extensions"]:
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _family(url: str) -> str | None:
    """Path and query keys of a link whose query values are all numeric (per-row links)."""
    parts = _split(url)
    pairs = parse_qsl(parts.query)
    if not pairs or not all(v.isdigit() for _, v in pairs):
        return None
    if any(k.lower() in _cfg()["page_params"] for k, _ in pairs):
        return None
    return parts.path + "?" + "&".join(sorted(k for k, _ in pairs))


def _row_actions(urls: list[str]) -> set[str]:
    """Links differing only in a numeric ID, many times over (order/buy buttons of rows)."""
    families: dict[str, list[str]] = {}
    for url in urls:
        key = _family(url)
        if key:
            families.setdefault(key, []).append(url)
    minimum = _cfg()["row_family"]
    return {u for group in families.values() if len(group) >= minimum for u in group}


def find_links(html: str, url: str) -> list[Link]:
    """Same-site links of a page with their roles, best crawl priority first, capped."""
    return links_of(ParsedPage.of(html, url))


def links_of(page: ParsedPage) -> list[Link]:
    """Same-site links of a parsed page (the registry's `links` extractor)."""
    cfg = _cfg()
    root, url = page.tree, page.url
    if root is None:
        return []
    own = registered_domain(url)
    base = urljoin(url, (root.xpath("//base/@href") or [url])[0])
    here = urlunsplit(urlsplit(url)._replace(fragment=""))
    seen: dict[str, tuple[list[str], str]] = {}  # url -> (distinct texts, rel words)
    anchors = root.xpath("//a[@href] | //area[@href] | //link[@rel][@href]")
    for a in anchors[: cfg["max_anchors"]]:
        rel = (a.get("rel") or "").lower()
        if a.tag == "link" and "next" not in rel.split():
            continue
        full = _clean(a.get("href", ""), base, own)
        if full is None or full == here:
            continue
        text = _anchor_text(a)
        texts, rels = seen.setdefault(full, ([], ""))
        if text and text not in texts and len(texts) < 3:
            texts.append(text)
        if rel and rel not in rels:
            seen[full] = (texts, f"{rels} {rel}".strip())
    rows = _row_actions(list(seen))
    ranked: list[tuple[int, int, Link]] = []
    for n, (full, (texts, rel)) in enumerate(seen.items()):
        trap = is_trap(full)
        best: tuple[int, str, str] | None = None
        for text in texts or [""]:
            role = "other" if full in rows else link_role(full, text, rel)
            rank = cfg["priority"].get(role, 99) + (1000 if trap else 0)
            if best is None or rank < best[0]:
                best = (rank, role, text)
        assert best is not None
        ranked.append((best[0], n, Link(url=full, text=texts[0] if texts else "", role=best[1])))
    ranked.sort(key=lambda item: item[:2])
    return [link for _, _, link in ranked[: cfg["max_links"]]]
