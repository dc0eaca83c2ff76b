"""What a page is: title, anti-bot challenge, parking page, portal score, JS shell, API docs, icons.

Pure: HTML text + URL (+ status and headers) -> `PageSignals`. Every word list, marker and
weight is data in config/vocab/pages.toml; the portal score is a logistic model over named
features (`portal_features`) so it can be replaced by a trained classifier.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

from config.vocab import load
from extract.domains import registered_domain
from extract.model import PageSignals
from extract.parsed import ParsedPage
from extract.redirects import page_redirect
from extract.text import collapse_ws, fold

_HIDDEN = {"script", "style", "noscript", "template", "head", "title", "svg"}
_BLOCKS = {"tr", "li", "p", "div", "section", "article", "td", "a", "h1", "h2", "h3", "h4", "h5"}
_MAX_BLOCKS = 6000
_SCAN = 30000  # characters of visible text the word features read (they saturate early)
_API_RE = re.compile(r"/api/v(\d+)\b", re.I)
_API_ACTIONS = ["services", "add", "status", "balance", "refill", "cancel", "packages"]
_ACTION_RE = re.compile(r"\baction\b[\"'\s:=]*[\"']?(" + "|".join(_API_ACTIONS) + r")\b", re.I)
_MUSTACHE = re.compile(r"\{\{[^{}]{1,80}\}\}")


@cache
def vocab() -> dict:
    return load("pages")


_PHRASE_RES: dict[int, tuple[list[str], re.Pattern]] = {}


def _phrase_re(phrases: list[str]) -> re.Pattern:
    """Compiled whole-word alternation of `phrases` (cached per list object: vocab lists live)."""
    hit = _PHRASE_RES.get(id(phrases))
    if hit is not None and hit[0] is phrases:
        return hit[1]
    alts = sorted({fold(p) for p in phrases if p}, key=len, reverse=True)
    rx = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(p) for p in alts) + r")(?![\w])")
    if len(_PHRASE_RES) < 1024:
        _PHRASE_RES[id(phrases)] = (phrases, rx)
    return rx


def phrase_hits(text: str, phrases: list[str]) -> set[str]:
    """Distinct phrases of `phrases` found as whole words in folded `text`."""
    return set(_phrase_re(phrases).findall(text)) if phrases and text else set()


@cache
def _price_re() -> re.Pattern:
    marks = sorted({fold(m) for m in vocab()["portal"]["price_marks"]}, key=len, reverse=True)
    alt = "|".join(
        re.escape(m) if not m[-1].isalpha() else re.escape(m) + r"(?![a-z])" for m in marks
    )
    pre = "|".join((r"(?<![a-z])" if m[0].isalpha() else "") + re.escape(m) for m in marks)
    return re.compile(rf"(?:(?:{pre})\s?\d)|(?:\d[\d.,]*\s?(?:{alt}))")


def count_prices(text: str, limit: int = 0) -> int:
    """Currency amounts ("$3.95", "199 ₹", "Rs 50") in folded `text`; stops at `limit` if > 0."""
    if not text or not any(c.isdigit() for c in text):
        return 0
    n = 0
    for _ in _price_re().finditer(text):
        n += 1
        if n == limit:
            break
    return n


def visible_text(root: etree._Element | None) -> str:
    """Collapsed text a reader sees in the body (no script, style, noscript, template, svg)."""
    if root is None:
        return ""
    body = root.find("body")
    body = root if body is None else body
    # one walk, hidden subtrees skipped (their tails are visible): linear in the page's size
    # (removing each hidden element's text from the whole text grew with its square)
    parts: list[str] = []
    stack: list[tuple[etree._Element, bool]] = [(body, False)]
    while stack:
        el, closing = stack.pop()
        if closing or not isinstance(el.tag, str) or el.tag in _HIDDEN:
            if el.tail and el is not body:
                parts.append(el.tail)
            continue
        if el.text:
            parts.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    return collapse_ws(" ".join(parts))


def text_of(el: etree._Element) -> str:
    """Text of an element, its parts separated by spaces ("Likes</h2><li>250": "Likes 250")."""
    return collapse_ws(" ".join(el.itertext()))


def _title(root: etree._Element | None) -> str:
    if root is None:
        return ""
    titles = root.xpath("//title/text()")
    return collapse_ws(titles[0]) if titles else ""


def _lower_headers(headers: dict[str, str] | None) -> dict[str, str]:
    return {str(k).lower(): str(v).lower() for k, v in (headers or {}).items()}


def is_challenge(
    html_low: str, title: str, text: str, status: int, headers: dict[str, str]
) -> bool:
    """An anti-bot challenge or ban page (not a normal page served through a CDN)."""
    cfg = vocab()["challenge"]
    if any(h in headers and "challenge" in headers[h] for h in cfg["mitigated_headers"]):
        return True
    vendor = any(
        name in headers and (not words or any(w in headers[name] for w in words.split()))
        for name, words in cfg["vendor_headers"].items()
    )
    strong = any(m in html_low for m in cfg["strong"])
    weak = any(m in html_low for m in cfg["weak"])
    title_hit = bool(phrase_hits(fold(title), cfg["titles"]))
    short = len(text) <= cfg["max_text"]
    tiny = len(text) <= cfg["max_text"] // 3
    if status in cfg["statuses"] and (strong or title_hit or (vendor and weak and tiny)):
        return True
    return short and (title_hit or strong) and (strong or weak or vendor)


@cache
def _services_re() -> re.Pattern:
    alts = "|".join(re.escape(s) for s in vocab()["parked"]["services"])
    return re.compile(rf"(?<![a-z0-9-])(?:{alts})(?![a-z0-9-])")


def is_parked(html_low: str, text: str, title: str = "") -> bool:
    """A parking or domain-for-sale page with little other content."""
    cfg = vocab()["parked"]
    folded = fold(f"{title} {text[:_SCAN]}")
    strong = phrase_hits(folded, cfg["phrases"])
    weak = phrase_hits(folded, cfg["weak_phrases"])
    services = _services_re().findall(html_low)
    if len(text) <= cfg["max_text"]:
        return bool(services or strong) or len(weak) >= 2
    return len(strong) + len(services) >= 3 and len(text) <= 3 * cfg["max_text"]


def _table_is_empty(table: etree._Element) -> bool:
    """Headers but no data rows (or only a one-cell placeholder row)."""
    heads = table.xpath(".//th | .//thead//td")
    if len(heads) < 2:
        return False
    rows = [r for r in table.xpath(".//tr[td]") if not r.xpath("ancestor::thead")]
    if not rows:
        return True
    loading = vocab()["render"]["loading"]
    return len(rows) == 1 and (
        len(rows[0].xpath("td")) == 1 or bool(phrase_hits(fold(text_of(rows[0])), loading))
    )


def _is_loading(text: str, loading: list[str]) -> bool:
    """A short placeholder that is, or starts with, a loading phrase ("Loading plans…")."""
    if not text or len(text.split()) > 4:
        return False
    return any(text == w or text.startswith(w + " ") for w in loading)


def render_reason(root: etree._Element | None, html_low: str, text: str) -> str | None:
    """Why a browser would show more than this HTML, or None for a server-rendered page."""
    if root is None:
        return None
    cfg = vocab()["render"]
    scripts = root.xpath("//script")
    if not scripts:
        return None
    bundles = [s for s in scripts if s.get("src") or s.get("type") == "module"]
    ids = {fold(i) for i in root.xpath("//body//*[@id]/@id")}
    shell_ids = ids & {fold(i) for i in cfg["root_ids"]}
    if (
        shell_ids
        and len(text) <= cfg["max_shell_text"]
        and bundles
        and "__next_data__" not in html_low
    ):
        return f"app shell #{sorted(shell_ids)[0]} with a script bundle and almost no text"
    tables = root.xpath("//table")
    filled = any(len(t.xpath(".//tr[count(td) > 1]")) >= 3 for t in tables)
    if not filled and any(_table_is_empty(t) for t in tables):
        return "table with headers but no data rows"
    if _MUSTACHE.search(text) and any(f"{a}=" in html_low for a in cfg["template_attrs"]):
        return "unrendered client-side template placeholders"
    few_prices = count_prices(fold(text[:_SCAN]), 3) < 3
    for node in root.xpath("//noscript"):
        note = fold(text_of(node))
        if (
            phrase_hits(note, cfg["noscript"])
            and not phrase_hits(note, cfg["noscript_ignore"])
            and len(text) <= cfg["max_noscript_text"]
            and few_prices
        ):
            return "noscript asks for JavaScript and the page has little text"
    if few_prices and phrase_hits(fold(text[:_SCAN]), cfg["loading"]):
        loading = [fold(x).rstrip(".… ") for x in cfg["loading"]]
        for el in root.iter("td", "div", "span", "p", "li"):
            if len(el) == 0 and _is_loading(fold(collapse_ws(el.text)).rstrip(".… "), loading):
                return "loading placeholder and no prices in the HTML"
    return None


def api_variant(root: etree._Element | None, text: str) -> str | None:
    """ "v2"/"v1"/... when the page documents a panel API endpoint with its actions."""
    if root is None:
        return None
    extra = root.xpath("//form/@action | //input/@value | //code//text() | //pre//text()")
    sources = [text, *extra]
    joined = " ".join(sources)
    versions = Counter(m for m in _API_RE.findall(joined))
    if not versions:
        return None
    low = fold(joined)
    actions = set(_ACTION_RE.findall(low))
    if len(actions) < 2 and not ("action" in low and len(phrase_hits(low, _API_ACTIONS)) >= 3):
        return None
    best = max(versions.items(), key=lambda kv: (kv[1], int(kv[0])))
    return f"v{best[0]}"


def favicon_urls(root: etree._Element | None, url: str) -> list[str]:
    """Declared icon URLs, absolute; the default /favicon.ico when none is declared."""
    out: list[str] = []
    if root is not None:
        base = (root.xpath("//base/@href") or [url])[0]
        for link in root.xpath("//link[@rel][@href]"):
            rel = link.get("rel", "").lower().split()
            if any(r in ("icon", "apple-touch-icon", "apple-touch-icon-precomposed") for r in rel):
                href = link.get("href", "").strip()
                if href and not href.lower().startswith("data:"):
                    full = urljoin(urljoin(url, base), href)
                    if full not in out:
                        out.append(full)
    if not out:
        parts = urlsplit(url)
        out.append(f"{parts.scheme or 'http'}://{parts.netloc}/favicon.ico")
    return out


def _blocks_with(root: etree._Element, engagement: list[str], limit: int) -> int:
    """Distinct short blocks (rows, cards, list items) holding an engagement word and a price."""
    seen: set[str] = set()
    for n, el in enumerate(root.iter(*_BLOCKS)):
        if n > _MAX_BLOCKS or len(seen) >= limit:
            break
        t = fold(text_of(el))
        if (
            4 < len(t) <= 240
            and t not in seen
            and count_prices(t, 1)
            and phrase_hits(t, engagement)
        ):
            seen.add(t)
    return len(seen)


def _service_table(root: etree._Element) -> bool:
    names, prices = vocab()["portal"]["table_names"], vocab()["portal"]["table_prices"]
    for table in root.xpath("//table"):
        heads = fold(" ".join(text_of(t) for t in table.xpath(".//th | .//thead//td")))
        if phrase_hits(heads, names) and phrase_hits(heads, prices):
            return True
    return False


def _external_domains(root: etree._Element, url: str) -> tuple[int, int]:
    own = registered_domain(url)
    hrefs = [h for h in root.xpath("//a/@href") if h.startswith(("http://", "https://", "//"))]
    others = {registered_domain(urljoin(url, h)) for h in hrefs[:2000]} - {own, ""}
    return len(others), len(root.xpath("//a[@href]"))


def portal_features(
    root: etree._Element | None, url: str, text: str, api: str | None
) -> dict[str, float]:
    """Named features, each 0..1, of how much a page sells social-media engagement."""
    if root is None:
        return {}
    cfg = vocab()["portal"]
    low = fold(text[:_SCAN])
    hrefs = " ".join(urlsplit(h).path.lower() for h in root.xpath("//a/@href")[:3000])
    ext, total = _external_domains(root, url)
    meta = " ".join(root.xpath("//meta[@property='og:type']/@content")).lower()
    article = (
        bool(root.xpath("//article")) or "article" in meta or bool(root.xpath("//time[@datetime]"))
    )
    return {
        "panel_phrases": min(len(phrase_hits(low, cfg["panel_phrases"])) / 4, 1.0),
        "engagement_price": min(_blocks_with(root, cfg["engagement"], 5) / 5, 1.0),
        "engagement_words": min(len(phrase_hits(low, cfg["engagement"])) / 4, 1.0),
        "platforms": min(len(phrase_hits(low, cfg["platforms"])) / 3, 1.0),
        "service_table": float(_service_table(root)),
        "login_form": float(bool(root.xpath("//form[.//input[@type='password']]"))),
        "panel_hrefs": min(sum(1 for h in cfg["panel_hrefs"] if h in hrefs) / 4, 1.0),
        "api_docs": float(api is not None),
        "negative": min(len(phrase_hits(low, cfg["negative_phrases"])) / 3, 1.0),
        "monthly": min(len(phrase_hits(low, cfg["monthly"])) / 2, 1.0)
        if count_prices(low, 1)
        else 0.0,
        "external_links": float(ext >= 5 and ext * 2 >= max(total, 1) * 0.5),
        "article": float(article),
    }


def score(features: dict[str, float]) -> float:
    """Logistic score 0..1 over the weighted features (weights in pages.toml)."""
    if not features:
        return 0.0
    cfg = vocab()["portal"]
    z = cfg["bias"] + sum(cfg["weights"].get(k, 0.0) * v for k, v in features.items())
    return round(1 / (1 + math.exp(-z)), 4)


def page_signals(
    html: str, url: str, status: int = 200, headers: dict[str, str] | None = None
) -> PageSignals:
    """Signals of one fetched page (see `PageSignals`)."""
    return signals_of(ParsedPage.of(html, url, status, headers))


def signals_of(page: ParsedPage) -> PageSignals:
    """Signals of one parsed page (the registry's `signals` extractor)."""
    root, url = page.tree, page.url
    html_low = page.lower
    text = visible_text(root)
    title = _title(root)
    hdrs = _lower_headers(page.headers)
    status = page.status
    sig = PageSignals(title=title, favicon_urls=favicon_urls(root, url))
    sig.challenge = is_challenge(html_low, title, text, status, hdrs)
    sig.parked = not sig.challenge and is_parked(html_low, text, title)
    if sig.challenge or sig.parked:
        return sig
    sig.redirect = page_redirect(root, url, text)
    sig.prices = count_prices(fold(text))
    sig.api_variant = api_variant(root, text)
    sig.portal_score = score(portal_features(root, url, text, sig.api_variant))
    sig.render_reason = render_reason(root, html_low, text)
    sig.needs_render = sig.render_reason is not None
    return sig
