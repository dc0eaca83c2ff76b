"""Same-site links of a page, each with a role, in crawl-priority order (words: pages.toml).

Roles: services, pricing, next_page, api, payment, signup, faq, contact, terms, blog, other.
The role comes from the URL path and the anchor text; crawler traps (calendar or faceted
explosions, repeated segments, action links such as logout or add-to-cart) get role "other"
and sort last (`is_trap`).
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit, urlunsplit

from extract.domains import registered_domain
from extract.model import Link
from extract.signals import parse, phrase_hits, vocab
from extract.text import collapse_ws, fold

_NON_WORD = re.compile(r"[\W_]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_YEAR = re.compile(r"^(19|20)\d\d$")
_SMALL_NUM = re.compile(r"^\d{1,2}$")
_PAGE_PATH = re.compile(r"/(?:{words})/\d+/?$")


@cache
def _cfg() -> dict:
    return vocab()["links"]


@cache
def _page_path_re() -> re.Pattern:
    words = "|".join(re.escape(w) for w in _cfg()["page_path_words"])
    return re.compile(_PAGE_PATH.pattern.format(words=words), re.I)


def _path_words(path: str) -> str:
    """Folded words of a URL path ("/Buy-Instagram_Followers/" -> "buy instagram followers")."""
    path = _CAMEL.sub(" ", unquote(path))
    return " ".join(_NON_WORD.sub(" ", fold(path)).split())


def is_trap(url: str) -> bool:
    """A calendar / faceted-search explosion, a repeated-segment loop, or an action link."""
    cfg = _cfg()["traps"]
    parts = urlsplit(url)
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
    if phrase_hits(words, cfg["calendar_words"]) and any(_YEAR.match(s) for s in segments):
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


def link_role(url: str, text: str, rel: str = "") -> str:
    """Role of a same-site link from its path, anchor text and rel."""
    cfg = _cfg()
    if is_trap(url):
        return "other"
    parts = urlsplit(url)
    if "next" in rel.lower().split():
        return "next_page"
    path = _path_words(parts.path)
    first = path.split(" ", 1)[0] if path else ""
    if first in cfg["blog_first_segment"]:
        return "blog"
    if _is_page_link(parts, rel.lower(), text):
        return "next_page"
    ftext = fold(collapse_ws(text))
    best, best_hits = "other", 0
    for role in cfg["precedence"]:
        words = cfg["roles"].get(role)
        if not words:
            continue
        hits = int(bool(phrase_hits(path, words["path"]))) + int(
            bool(phrase_hits(ftext, words["text"]))
        )
        if role == "pricing":
            hits = max(hits, int(_combo(path)) + int(_combo(ftext)))
        if hits > best_hits:
            best, best_hits = role, hits
    return best


def _anchor_text(a) -> str:
    text = collapse_ws(a.text_content()) if a.tag != "link" else ""
    if not text:
        alts = a.xpath(".//img/@alt") if a.tag != "link" else []
        text = collapse_ws(a.get("title") or a.get("aria-label") or (alts[0] if alts else ""))
    return text[:200]


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
    if registered_domain(parts.hostname) != own:
        return None
    last = parts.path.rsplit("/", 1)[-1]
    if "." in last and last.rsplit(".", 1)[1].lower() in cfg["asset_extensions"]:
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def find_links(html: str, url: str) -> list[Link]:
    """Same-site links of a page with their roles, best crawl priority first, capped."""
    cfg = _cfg()
    root = parse(html)
    if root is None:
        return []
    own = registered_domain(url)
    base = urljoin(url, (root.xpath("//base/@href") or [url])[0])
    here = urlunsplit(urlsplit(url)._replace(fragment=""))
    found: dict[str, tuple[int, Link]] = {}
    order: dict[str, int] = {}
    anchors = root.xpath("//a[@href] | //area[@href] | //link[@rel][@href]")
    for a in anchors[: cfg["max_anchors"]]:
        rel = (a.get("rel") or "").lower()
        if a.tag == "link" and "next" not in rel.split():
            continue
        full = _clean(a.get("href", ""), base, own)
        if full is None or full == here:
            continue
        text = _anchor_text(a)
        role = link_role(full, text, rel)
        rank = cfg["priority"].get(role, 99) + (1000 if is_trap(full) else 0)
        old = found.get(full)
        if old is None:
            order[full] = len(order)
        if old is None or rank < old[0] or (rank == old[0] and not old[1].text and text):
            found[full] = (rank, Link(url=full, text=text, role=role))
    ranked = sorted(found.items(), key=lambda kv: (kv[1][0], order[kv[0]]))
    return [link for _, (_, link) in ranked[: cfg["max_links"]]]
