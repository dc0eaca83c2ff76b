"""Retail packages: pricing cards ("1000 Instagram Followers ₹199"), WooCommerce product
loops and inline lists ("100 for $3.95 … 1000 for $15.95"). per = package size, kind="package".
"""

from __future__ import annotations

import re

from extract.classify import classify
from extract.model import Offer
from extract.plans import is_period_price
from extract.prices import parse_price, parse_quantity
from extract.tables import HtmlElement, cell_text, iter_outside
from extract.text import collapse_ws

_CUR = r"(?:[$€£₹₺₦₽৳₫₱₩₴₸₪฿¥]|R\$|Rs\.?|INR|USD|EUR|GBP|TRY|BRL|NGN|RUB|PKR|TL|руб\.?)"
_AMOUNT = r"\d[\d.,\s]*\d|\d"
_PRICE = rf"(?:{_CUR}\s?(?:{_AMOUNT})|(?:{_AMOUNT})\s?{_CUR})"
PRICE_ONLY = re.compile(
    rf"^\s*(?:[^\w\s]{{0,3}}\s*)?(?:from|only|just|starting at|price:?|от|sadece)?"
    rf"\s*({_PRICE})\s*(?:[^\w\s]{{0,3}})?\s*$",
    re.I,
)
_QTY = r"(\d[\d,.\s]*\d|\d)\s*([kKmM])?"
# "100 for $3.95", "1000 - ₹199", "500 = 4.99€"
INLINE = re.compile(
    rf"(?<![\d.,$€£₹])({_QTY})\s*([^\W\d_][^\d$€£₹₺₦₽]{{0,40}}?)?\s*(?:for|-|–|—|:|=|@|at|only|just|по|за|için)\s*({_PRICE})",
    re.I,
)
_QTY_WORD = re.compile(rf"(?<![\d.,])({_QTY})\+?\s*([^\W\d_][^\d]{{0,40}})", re.I)
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
        qty = parse_quantity(m.group(1))
        if not qty or qty < 5:
            continue
        words = m.group(4)
        platform, product = classify(words, context)
        own_platform, own_product = classify(words)
        if own_product != "other":
            phrase = collapse_ws(m.group(0))
            return qty, phrase, platform, product
    return None


def _price_elements(doc: HtmlElement, exclude: set[HtmlElement]) -> list[HtmlElement]:
    """Outermost elements whose visible text is a single price with a currency."""
    found: list[HtmlElement] = []
    inside: set[HtmlElement] = set()
    for el in iter_outside(doc, exclude):
        if el in inside or len(el) > 12:
            continue
        text = cell_text(el)
        if len(text) > 40 or not text:
            continue
        if PRICE_ONLY.match(text):
            found.append(el)
            inside.update(el.iterdescendants())
    return found


def _card_offer(
    price_el: HtmlElement, context: str, price_els: set[HtmlElement], currency: str | None
) -> Offer | None:
    price = parse_price(cell_text(price_el), currency)
    if price is None:
        return None
    node = price_el
    for _ in range(6):
        node = node.getparent()
        if node is None or node.tag in ("body", "html"):
            return None
        inner = [d for d in node.iterdescendants() if d in price_els]
        if len(inner) > 1:
            return None  # climbed past one card
        text = cell_text(node)
        if len(text) > 600:
            return None
        if is_period_price(text):
            return None
        hit = _quantity_phrase(text, context)
        if hit:
            qty, phrase, platform, product = hit
            name = _name_for(node, phrase)
            return Offer(name=name, price=price[0], currency=price[1], per=qty, platform=platform,
                         product=product, kind="package")  # fmt: skip
    return None


def _name_for(card: HtmlElement, phrase: str) -> str:
    """The shortest element text in a card that contains the quantity phrase (its title)."""
    best = phrase
    qty_head = phrase.split()[0]
    for el in card.iter():
        if not isinstance(el.tag, str):
            continue
        text = cell_text(el)
        if (
            qty_head in text
            and len(text) <= 120
            and not PRICE_ONLY.match(text)
            and _QTY_WORD.search(text)
        ):
            if re.search(_PRICE, text):
                continue
            if len(text) < len(best) or best == phrase:
                best = text
    return best


def _inline_offers(
    doc: HtmlElement, context: str, exclude: set[HtmlElement], currency: str | None
) -> list[Offer]:
    offers = []
    for el in iter_outside(doc, exclude):
        if el.tag not in _BLOCK:
            continue
        if any(isinstance(c.tag, str) and c.tag in _BLOCK for c in el):
            continue  # only leaf-ish blocks: parents repeat their children's text
        text = cell_text(el) if el.tag != "option" else collapse_ws("".join(el.itertext()))
        if not text or len(text) > 200 or is_period_price(text):
            continue
        local = _section_heading(el) or ""
        for m in INLINE.finditer(text):
            qty = parse_quantity(m.group(1))
            price = parse_price(m.group(5), currency)
            if not qty or qty < 5 or price is None:
                continue
            label = collapse_ws(m.group(4) or "")
            platform, product = classify(label, f"{local} {context}")
            if product == "other":
                continue
            name = (
                collapse_ws(f"{m.group(1)} {label}")
                if label
                else collapse_ws(f"{m.group(1)} {local or context}")
            )
            offers.append(
                Offer(name=name, price=price[0], currency=price[1], per=qty,
                      platform=platform, product=product, kind="package")
            )  # fmt: skip
    return offers


def _section_heading(el: HtmlElement) -> str | None:
    node = el
    for _ in range(5):
        prev = node.getprevious()
        while prev is not None:
            if isinstance(prev.tag, str) and prev.tag in _HEADINGS:
                return cell_text(prev)
            prev = prev.getprevious()
        node = node.getparent()
        if node is None:
            return None
    return None


def card_offers(
    doc: HtmlElement, url: str, currency: str | None, exclude: set[HtmlElement]
) -> list[Offer]:
    """Package offers outside the service grids already used (`exclude`)."""
    context = _context_title(doc)
    prices = _price_elements(doc, exclude)
    price_els = set(prices)
    offers = []
    for el in prices:
        offer = _card_offer(el, f"{_section_heading(el) or ''} {context}", price_els, currency)
        if offer is not None:
            offers.append(offer)
    inline = _inline_offers(doc, context, exclude | price_els, currency)
    keys = {(o.per, o.price) for o in offers}
    offers += [o for o in inline if (o.per, o.price) not in keys]
    return offers
