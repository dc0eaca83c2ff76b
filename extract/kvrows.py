"""Service blocks that label their own values ("Rate per 1000: $0.50", "<b>Min</b> 100")."""

from __future__ import annotations

import re

from extract.classify import classify
from extract.headers import header_field, refill_from_name
from extract.model import Offer
from extract.prices import (
    currency_pattern,
    find_currency,
    parse_per,
    parse_price,
    parse_quantity,
    parse_range,
    per_in_text,
)
from extract.sanity import price_text_flags
from extract.tables import HtmlElement, is_hidden, is_struck, page_decimal_comma
from extract.text import collapse_ws, words

_SKIP = {"script", "style", "button", "select", "del", "s", "strike", "noscript"}
_DIGIT = re.compile(r"\d")
_VALUE_FIELDS = {"id", "name", "category", "price", "min", "max", "minmax"}
_TITLE_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TITLE_CLASS = re.compile(r"title|name|heading|header", re.I)


def _pieces(row: HtmlElement, titles: set[str] | None = None) -> list[str]:
    """Text pieces of a block in order; `titles` collects those in a heading/title element."""
    out: list[str] = []

    def walk(node: HtmlElement) -> None:
        if not isinstance(node.tag, str) or node.tag in _SKIP:
            return
        if node.attrib and (is_hidden(node) or is_struck(node)):
            return
        if node.text and node.text.strip():
            out.append(collapse_ws(node.text))
            if titles is not None and _is_title(node):
                titles.add(out[-1])
        for child in node:
            walk(child)
            if child.tail and child.tail.strip():
                out.append(collapse_ws(child.tail))

    walk(row)
    return out


def _is_title(node: HtmlElement) -> bool:
    return node.tag in _TITLE_TAGS or bool(_TITLE_CLASS.search(node.get("class") or ""))


def _badge(text: str) -> bool:
    """A bare platform word ("Instagram", "TikTok") or a short label: a badge, not a name."""
    platform, product = classify(text)
    return product == "other" and (platform != "other" or len(words(text)) <= 1)


def _free_name(free: list[str], titles: set[str]) -> str | None:
    """The service name among unlabelled pieces: a heading that is not a platform badge, else
    the first piece that names a product, else the first that is not a badge."""
    texts = [f for f in free if len(f) >= 3 and not _DIGIT.fullmatch(f) and not f.isdigit()]
    texts = [f for f in texts if not (_DIGIT.search(f) and find_currency(f))]
    headings = [f for f in texts if f in titles and not _badge(f)]
    if headings:
        return max(headings, key=len)
    for pool in (
        [f for f in texts if classify(f)[1] != "other"],
        [f for f in texts if not _badge(f)],
    ):
        if pool:
            return pool[0]
    return texts[0] if texts else None


_SPLIT = re.compile(r"\s*[·•|]\s*")
# a short label, then a lone quantity: "Min 100", "Max 150,000", "ID 2720", "Maks. 10K"
_INLINE_LABEL = re.compile(
    r"^([^\W\d_][^\d:\[\](){}]{0,14}?)\s*[:.=#-]?\s*(\d[\d.,\s'’]*[^\W\d_]{0,5})$"
)


def _split(pieces: list[str]) -> list[str]:
    """ "Min 100 · Max 150,000" -> two pieces."""
    return [p for piece in pieces for p in _SPLIT.split(piece) if p]


def _inline_pair(piece: str) -> tuple[str, str, str] | None:
    """(field, label, value) for a label written before its value without a colon: "ID 2720",
    "Min 100", "Rate per 1000 $0.50" is left to the colon/next-piece rules."""
    m = _INLINE_LABEL.match(piece)
    if not m:
        return None
    fld = header_field(m.group(1))
    if fld in ("id", "min", "max", "minmax"):
        return fld, m.group(1), m.group(2)
    return None


def _price_piece(piece: str) -> bool:
    """A piece that is only a price ("$1.70/K", "Rp 12.500 / 1K", "4,99 €")."""
    if len(piece) > 30 or not _DIGIT.search(piece) or not find_currency(piece):
        return False
    letters = re.sub(currency_pattern(), "", piece)
    return len(re.findall(r"[^\W\d_]", letters)) <= 3


def _pairs(
    pieces: list[str], titles: set[str] | frozenset = frozenset()
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """{field: (label, value)} and the unlabelled pieces, in order; a heading (`titles`) is
    never a label, and a quantity label never takes a price as its value."""
    fields: dict[str, tuple[str, str]] = {}
    free: list[str] = []
    pieces = _split(pieces)
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        label, sep, value = piece.partition(":")
        fld = header_field(label) if sep and len(label) <= 40 else None
        if fld in _VALUE_FIELDS and value.strip():
            fields.setdefault(fld, (label, value.strip()))
            i += 1
            continue
        inline = None if sep else _inline_pair(piece)
        if inline:
            fields.setdefault(inline[0], (inline[1], inline[2]))
            i += 1
            continue
        fld = header_field(piece.rstrip(": ")) if len(piece) <= 40 else None
        if (
            fld in _VALUE_FIELDS
            and piece not in titles
            and i + 1 < len(pieces)
            and header_field(pieces[i + 1].rstrip(": ")) is None
            and (fld == "price" or not _price_piece(pieces[i + 1]))
        ):
            fields.setdefault(fld, (piece, pieces[i + 1]))
            i += 2
            continue
        free.append(piece)
        i += 1
    if "price" not in fields:  # an unlabelled price beside labelled quantities
        price = next((f for f in free if _price_piece(f)), None)
        if price is not None:
            fields["price"] = ("", price)
            free.remove(price)
    return fields, free


def kv_offers(rows: list[HtmlElement], page_currency: str | None) -> list[Offer]:
    """Offers from repeated blocks whose values carry their own labels."""
    offers: list[Offer] = []
    comma = page_decimal_comma(rows[0]) if rows else None
    for n, row in enumerate(rows):
        if n >= 5 and not offers:
            break  # the first rows would have shown labelled prices
        if not _DIGIT.search("".join(row.itertext())):
            continue
        titles: set[str] = set()
        fields, free = _pairs(_pieces(row, titles), titles)
        if "price" not in fields or not ({"min", "max", "minmax", "id"} & fields.keys()):
            continue
        label, price_text = fields["price"]
        price = parse_price(price_text, find_currency(label) or page_currency or "USD", comma)
        name = fields["name"][1] if "name" in fields else _free_name(free, titles)
        if price is None or not name:
            continue
        lo = parse_quantity(fields["min"][1]) if "min" in fields else None
        hi = parse_quantity(fields["max"][1]) if "max" in fields else None
        if "minmax" in fields and lo is None:
            lo, hi = parse_range(fields["minmax"][1])
        elif "min" in fields and "max" not in fields:
            lo, hi = parse_range(fields["min"][1])
        category = fields["category"][1] if "category" in fields else None
        platform, product = classify(name, category)
        per = per_in_text(price_text) or parse_per(label)
        offers.append(
            Offer(
                name=name, price=price[0], currency=price[1], per=per,
                platform=platform, product=product,
                service_id=fields["id"][1].lstrip("#") if "id" in fields else None,
                category=category, min=lo, max=hi, refill=refill_from_name(name),
                flags=price_text_flags(price_text),
            )
        )  # fmt: skip
    return offers
