"""Retail packages: pricing cards ("1000 Instagram Followers ₹199"), WooCommerce product
loops and inline lists ("100 for $3.95 … 1000 for $15.95"). per = package size, kind="package".
"""

from __future__ import annotations

import re

from extract.classify import classify
from extract.model import Offer
from extract.numbers import multiplier_pattern
from extract.plans import is_period_price
from extract.prices import currency_pattern, parse_price, parse_quantity
from extract.sanity import price_text_flags
from extract.tables import (
    SKIP_TEXT,
    HtmlElement,
    cell_text,
    is_hidden,
    is_struck,
    iter_outside,
    page_decimal_comma,
)
from extract.text import collapse_ws
from extract.woo import woo_offers

_CUR = currency_pattern()  # symbols and codes of config/vocab/currencies.toml
_MULT = multiplier_pattern()  # "k", "lakh", "bin", "тыс" ... of the same file
_AMOUNT = r"\d[\d.,\s]*\d|\d"
_PRICE = rf"(?:{_CUR}\s?(?:{_AMOUNT})|(?:{_AMOUNT})\s?{_CUR})"
PRICE_ONLY = re.compile(
    rf"^\s*(?:[^\w\s]{{0,3}}\s*)?(?:from|only|just|now|sale|starting at|price:?|от|sadece"
    rf"|hanya|harga:?|chỉ|giá:?|por|desde|apenas|a partir de|à partir de|jetzt|nur|şimdi)?"
    rf"\s*({_PRICE})\s*(?:[^\w\s]{{0,3}})?\s*$",
    re.I,
)
_QTY = rf"(\d[\d,.\s]*\d|\d)\s*({_MULT})?"
# "100 for $3.95", "1000 - ₹199", "500 = 4.99€"
INLINE = re.compile(
    rf"(?<![\d.,$€£₹])({_QTY})\s*([^\W\d_][^\d$€£₹₺₦₽]{{0,40}}?)??\s*"
    rf"(?:(for|-|–|—|:|=|@|at|only|just|по|за|için)\s*)?({_PRICE})",
    re.I,
)
_WORDS = r"[^\W\d_][^\W\d_\s]*(?:\s+[^\W\d_][^\W\d_\s]*){0,4}"
_QTY_WORD = re.compile(rf"(?<![\d.,])(\d[\d,.\s]*\d|\d)\s*({_MULT})?\+?\s*({_WORDS})", re.I)
_STRUCK_CLASS_WORDS = ("old", "regular", "compare", "strike", "crossed", "was-price", "original")
_CUR_RE = re.compile(_CUR)
_DIGIT_RE = re.compile(r"\d")
_PROSE = {"p", "span", "em", "strong", "b", "i", "small", "blockquote", "q"}
_BLOCK = {
    "li",
    "option",
    "td",
    "p",
    "div",
    "label",
    "span",
    "a",
    "button",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "article",
    "section",
}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _context_title(doc: HtmlElement) -> str:
    h1 = doc.xpath("//h1")
    title = doc.xpath("//title")
    parts = [cell_text(h) for h in h1[:1]] + [cell_text(t) for t in title[:1]]
    return " ".join(p for p in parts if p)


def _quantity_phrase(text: str, context: str) -> tuple[int, str, str, str] | None:
    """(quantity, phrase, platform, product) for the first "N <product words>" in a text."""
    for m in _QTY_WORD.finditer(text):
        qty = parse_quantity(m.group(1) + (m.group(2) or ""))
        if not qty or qty < 5:
            continue
        words = m.group(3).split()
        for k in range(1, len(words) + 1):
            label = " ".join(words[:k])
            if classify(label)[1] != "other":
                platform, product = classify(label, context)
                qty_text = collapse_ws(m.group(1) + (m.group(2) or ""))
                return qty, f"{qty_text} {label}", platform, product
    return None


def _struck(el: HtmlElement) -> bool:
    """An old/crossed-out price ("<del>₹599</del>", class="old-price", line-through)."""
    for node in (el, el.getparent()):
        if node is None:
            continue
        if node.tag in ("del", "s", "strike") or is_struck(node):
            return True
        if "line-through" in (node.get("style") or ""):
            return True
        classes = (node.get("class") or "").lower()
        if any(w in classes for w in _STRUCK_CLASS_WORDS):
            return True
    return False


def _text_sizes(doc: HtmlElement) -> dict[HtmlElement, int]:
    """Length of all text under each element, in one bottom-up pass."""
    sizes: dict[HtmlElement, int] = {}
    for el in reversed(list(doc.iter())):
        if not isinstance(el.tag, str):
            continue
        total = len(el.text or "")
        for child in el:
            total += sizes.get(child, 0) + len(child.tail or "")
        sizes[el] = total
    return sizes


def _holders(exclude: set[HtmlElement]) -> set[HtmlElement]:
    """Ancestors of the excluded grids: never a card, and too big to read."""
    return {a for e in exclude for a in e.iterancestors()}


def _wrapped(node: HtmlElement) -> HtmlElement | None:
    """The one child of a pure wrapper (no text of its own, one visible child without a tail):
    the wrapper's text is its child's."""
    if len(node) != 1 or (node.text and node.text.strip()):
        return None
    child = node[0]
    if not isinstance(child.tag, str) or (child.tail and child.tail.strip()):
        return None
    if child.tag in SKIP_TEXT or (child.attrib and (is_hidden(child) or is_struck(child))):
        return None
    return child


def _text_holder(el: HtmlElement, memo: dict[HtmlElement, HtmlElement]) -> HtmlElement:
    """The innermost element of the chain of pure wrappers `el` starts (itself if none), so
    a chain 250 levels deep has its text read once, not once per level."""
    path, node = [], el
    while node not in memo:
        child = _wrapped(node)
        if child is None:
            memo[node] = node
            break
        path.append(node)
        node = child
    holder = memo[node]
    for wrapper in path:
        memo[wrapper] = holder
    return holder


def _price_elements(
    doc: HtmlElement, exclude: set[HtmlElement], sizes: dict[HtmlElement, int]
) -> list[HtmlElement]:
    """Outermost elements whose visible text is a single current price with a currency."""
    found: list[HtmlElement] = []
    inside: set[HtmlElement] = set()
    holders = _holders(exclude)
    chains: dict[HtmlElement, HtmlElement] = {}
    texts: dict[HtmlElement, str | None] = {}  # cell text of each chain's innermost element
    for el in iter_outside(doc, exclude):
        if el in inside or el in holders or len(el) > 12 or sizes.get(el, 0) > 400:
            continue
        key = _text_holder(el, chains)
        if key not in texts:
            raw = "".join(key.itertext())
            ok = len(raw) <= 400 and _CUR_RE.search(raw) and _DIGIT_RE.search(raw)
            texts[key] = cell_text(key) if ok else None
        text = texts[key]
        if not text or len(text) > 40:
            continue
        if PRICE_ONLY.match(text):
            inside.update(el.iterdescendants())
            if not _struck(el):
                found.append(el)
    # two prices side by side in one element without markup: the lower is the current one
    by_parent: dict[HtmlElement, list[HtmlElement]] = {}
    for el in found:
        by_parent.setdefault(el.getparent(), []).append(el)
    keep = []
    for el in found:
        siblings = by_parent[el.getparent()]
        if len(siblings) == 2:
            amounts = [parse_price(cell_text(s), "USD") or (0.0, "") for s in siblings]
            if el is not siblings[amounts.index(min(amounts))]:
                continue
        keep.append(el)
    return keep


def _card_offer(
    price_el: HtmlElement,
    context: str,
    price_els: set[HtmlElement],
    currency: str | None,
    holders: set[HtmlElement],
    decimal_comma: bool | None = None,
) -> Offer | None:
    price_text = cell_text(price_el)
    price = parse_price(price_text, currency, decimal_comma)
    if price is None:
        return None
    node = price_el
    for _ in range(6):
        node = node.getparent()
        if node is None or node.tag in ("body", "html") or node in holders:
            return None
        inner = [d for d in node.iterdescendants() if d in price_els]
        if len(inner) > 1:
            return None  # climbed past one card
        text = cell_text(node)
        if len(text) > 600:
            return None
        if node.tag in _PROSE and len(text.split()) > 12:
            return None  # a sentence that mentions a price
        if is_period_price(text):
            return None
        hit = _quantity_phrase(text, context)
        if hit:
            qty, phrase, platform, product = hit
            name = _name_for(node, phrase)
            return Offer(name=name, price=price[0], currency=price[1], per=qty, platform=platform,
                         product=product, kind="package",
                         flags=price_text_flags(price_text))  # fmt: skip
    return None


def _name_for(card: HtmlElement, phrase: str) -> str:
    """The card's own title when one element holds the whole quantity phrase, else the phrase."""
    best = phrase
    for el in card.iter():
        if not isinstance(el.tag, str) or el is card:
            continue
        text = cell_text(el)
        if phrase.lower() in text.lower() and len(text) <= 80 and not re.search(_PRICE, text):
            if best == phrase or len(text) < len(best):
                best = text
    return best


def _inline_offers(
    doc: HtmlElement,
    context: str,
    exclude: set[HtmlElement],
    currency: str | None,
    sizes: dict[HtmlElement, int],
    decimal_comma: bool | None = None,
    memo: dict | None = None,
) -> list[Offer]:
    offers: list[Offer] = []
    memo = {} if memo is None else memo
    for el in iter_outside(doc, exclude):
        if el.tag not in _BLOCK or sizes.get(el, 0) > 400:
            continue
        if any(isinstance(c.tag, str) and c.tag in _BLOCK for c in el):
            continue  # only leaf-ish blocks: parents repeat their children's text
        raw = "".join(el.itertext())
        if len(raw) > 400 or not _CUR_RE.search(raw) or not _DIGIT_RE.search(raw):
            continue
        text = cell_text(el) if el.tag != "option" else collapse_ws("".join(el.itertext()))
        if not text or len(text) > 200 or is_period_price(text):
            continue
        matches = list(INLINE.finditer(text))
        covered = sum(m.end() - m.start() for m in matches)
        if not matches or "?" in text or covered < 0.7 * len(text):
            continue  # prose that mentions a price, not a list of packages
        local = _section_heading(el, memo) or ""
        variant_id, product_title = _variant_option(el, memo)
        for m in matches:
            qty = parse_quantity(m.group(1))
            price = parse_price(m.group(6), currency, decimal_comma)
            if not qty or qty < 5 or price is None:
                continue
            label = collapse_ws(m.group(4) or "")
            if m.group(5) is None and classify(label)[1] == "other":
                continue  # no "for"/"-" between: the label itself must name a product
            platform, product = classify(label, f"{local} {context}")
            if product == "other":
                continue
            name = (
                collapse_ws(f"{m.group(1)} {label}")
                if label
                else collapse_ws(f"{m.group(1)} {local or context}")
            )
            if variant_id and product_title:
                name = f"{product_title} - {name}"  # as the shop's cart names a variant
            offers.append(
                Offer(name=name, price=price[0], currency=price[1], per=qty,
                      platform=platform, product=product, service_id=variant_id,
                      kind="package", flags=price_text_flags(m.group(6)))
            )  # fmt: skip
    return offers


def _variant_option(el: HtmlElement, memo: dict | None = None) -> tuple[str | None, str]:
    """(variant id, product title) of a variant picker's option (`<option value="4711...">` in
    a product form under the product's heading); (None, "") for anything else."""
    value = (el.get("value") or "").strip() if el.tag == "option" else ""
    if not (value.isdigit() and len(value) >= 4):
        return None, ""
    heading = _section_heading(el, memo)
    return value, heading or ""


def _section_heading(el: HtmlElement, memo: dict | None = None) -> str | None:
    """Text of the nearest heading before `el` or before one of its 4 nearest ancestors.

    `memo` (one dict per page) keeps, per element, the nearest heading among its earlier
    siblings, found for all children of a parent in one pass: a page of 100,000 sibling cards
    costs one pass, not one walk back per card (which grew with the square of the page).
    """
    memo = {} if memo is None else memo
    node = el
    for _ in range(5):
        heading = _heading_before(node, memo)
        if heading is not None:
            text = memo.get(("text", heading))
            if text is None:
                text = memo[("text", heading)] = cell_text(heading)
            return text
        node = node.getparent()
        if node is None:
            return None
    return None


def _heading_before(node: HtmlElement, memo: dict) -> HtmlElement | None:
    if node in memo:
        return memo[node]
    parent = node.getparent()
    if parent is None:
        memo[node] = None
        return None
    last = None
    for child in parent:
        memo[child] = last
        if isinstance(child.tag, str) and child.tag in _HEADINGS:
            last = child
    return memo.get(node)


def card_offers(
    doc: HtmlElement, url: str, currency: str | None, exclude: set[HtmlElement]
) -> list[Offer]:
    """Package offers outside the service grids already used (`exclude`)."""
    context = _context_title(doc)
    sizes = _text_sizes(doc)
    prices = _price_elements(doc, exclude, sizes)
    holders = _holders(exclude)
    price_els = set(prices)
    comma = page_decimal_comma(doc)
    offers = []
    memo: dict = {}  # headings before elements, for this page (see _section_heading)
    for el in prices:
        heading = _section_heading(el, memo) or ""
        offer = _card_offer(el, f"{heading} {context}", price_els, currency, holders, comma)
        if offer is not None:
            offers.append(offer)
    offers += woo_offers(doc, currency, context)
    inline = _inline_offers(doc, context, exclude | price_els, currency, sizes, comma, memo)
    keys = {(o.per, o.price) for o in offers}
    offers += [o for o in inline if (o.per, o.price) not in keys]
    return offers
