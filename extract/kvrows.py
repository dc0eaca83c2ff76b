"""Service blocks that label their own values ("Rate per 1000: $0.50", "<b>Min</b> 100")."""

from __future__ import annotations

import re

from extract.classify import classify
from extract.headers import header_field, refill_from_name
from extract.model import Offer
from extract.prices import find_currency, parse_per, parse_price, parse_quantity
from extract.tables import HtmlElement, is_hidden
from extract.text import collapse_ws

_SKIP = {"script", "style", "button", "select", "del", "s", "strike", "noscript"}
_DIGIT = re.compile(r"\d")
_VALUE_FIELDS = {"id", "name", "category", "price", "min", "max", "minmax"}


def _pieces(row: HtmlElement) -> list[str]:
    out: list[str] = []

    def walk(node: HtmlElement) -> None:
        if not isinstance(node.tag, str) or node.tag in _SKIP or (node.attrib and is_hidden(node)):
            return
        if node.text and node.text.strip():
            out.append(collapse_ws(node.text))
        for child in node:
            walk(child)
            if child.tail and child.tail.strip():
                out.append(collapse_ws(child.tail))

    walk(row)
    return out


def _pairs(pieces: list[str]) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """{field: (label, value)} and the unlabelled pieces, in order."""
    fields: dict[str, tuple[str, str]] = {}
    free: list[str] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        label, sep, value = piece.partition(":")
        fld = header_field(label) if sep and len(label) <= 40 else None
        if fld in _VALUE_FIELDS and value.strip():
            fields.setdefault(fld, (label, value.strip()))
            i += 1
            continue
        fld = header_field(piece.rstrip(": ")) if len(piece) <= 40 else None
        if (
            fld in _VALUE_FIELDS
            and i + 1 < len(pieces)
            and header_field(pieces[i + 1].rstrip(": ")) is None
        ):
            fields.setdefault(fld, (piece, pieces[i + 1]))
            i += 2
            continue
        free.append(piece)
        i += 1
    return fields, free


def kv_offers(rows: list[HtmlElement], page_currency: str | None) -> list[Offer]:
    """Offers from repeated blocks whose values carry their own labels."""
    offers: list[Offer] = []
    for n, row in enumerate(rows):
        if n >= 5 and not offers:
            break  # the first rows would have shown labelled prices
        if not _DIGIT.search("".join(row.itertext())):
            continue
        fields, free = _pairs(_pieces(row))
        if "price" not in fields or not ({"min", "max", "minmax", "id"} & fields.keys()):
            continue
        label, price_text = fields["price"]
        price = parse_price(price_text, find_currency(label) or page_currency or "USD")
        name = (
            fields["name"][1] if "name" in fields else next((f for f in free if len(f) >= 3), None)
        )
        if price is None or not name:
            continue
        lo = parse_quantity(fields["min"][1]) if "min" in fields else None
        hi = parse_quantity(fields["max"][1]) if "max" in fields else None
        if "minmax" in fields and lo is None:
            parts = [parse_quantity(p) for p in fields["minmax"][1].replace("-", "/").split("/")]
            if len(parts) == 2:
                lo, hi = parts
        category = fields["category"][1] if "category" in fields else None
        platform, product = classify(name, category)
        offers.append(
            Offer(
                name=name, price=price[0], currency=price[1], per=parse_per(label),
                platform=platform, product=product,
                service_id=fields["id"][1].lstrip("#") if "id" in fields else None,
                category=category, min=lo, max=hi, refill=refill_from_name(name),
            )
        )  # fmt: skip
    return offers
