"""Turn the rows of a mapped service grid into offers (one row per service)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extract.classify import classify
from extract.headers import header_field, refill_from_cell, refill_from_name
from extract.infer import infer_mapping
from extract.model import Offer
from extract.numbers import decimal_comma_of, multiplier_pattern
from extract.plans import is_period_price
from extract.prices import (
    find_currency,
    parse_per,
    parse_price,
    parse_quantity,
    parse_range,
    per_in_text,
)
from extract.sanity import price_text_flags
from extract.tables import (
    Grid,
    HtmlElement,
    cell_text,
    header_texts,
    label_mapping,
    map_header,
    page_decimal_comma,
)

_LABELS = ("data-label", "data-title", "data-th")
_HAS_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class GridResult:
    offers: list[Offer]
    has_quantities: bool  # min/max columns present
    rows: int
    mapping: dict[str, int]
    headers: list[str]


Header = tuple[dict[str, int], list[str], int]


def _find_header(grid: Grid, fallback: tuple | None) -> Header | None:
    """(field -> column, header texts, index of the first data row) or None."""
    for cells in grid.header_rows:
        mapping = map_header(cells)
        if mapping:
            return mapping, header_texts(cells), 0
    for i, cells in enumerate(grid.rows[:6]):
        mapping = map_header(cells)
        if mapping:
            return mapping, header_texts(cells), i + 1
    for cells in grid.rows[:6]:
        mapping = label_mapping(cells)
        if mapping:
            labels = [next((c.get(a) for a in _LABELS if c.get(a)), "") for c in cells]
            return mapping, labels, 0
    if fallback is not None and any(len(r) == len(fallback[1]) for r in grid.rows[:5]):
        return fallback[0], fallback[1], 0
    texts = [[cell_text(c) for c in cells] for cells in grid.rows[:40]]
    mapping = infer_mapping(texts)
    if mapping:
        width = Counter(len(t) for t in texts).most_common(1)[0][0]
        return mapping, [""] * width, 0
    return None


def _category_row(cells: list[HtmlElement], texts: list[str]) -> str | None:
    distinct = {id(c) for c, t in zip(cells, texts, strict=False) if t}
    if len(distinct) == 1:
        text = next(t for t in texts if t)
        if len(text) <= 150 and _HAS_LETTER.search(text):
            return text
    return None


def grid_offers(
    grid: Grid, page_currency: str | None, fallback: tuple | None = None
) -> GridResult | None:
    """Offers from one grid, or None when the grid is not a service table."""
    found = _find_header(grid, fallback)
    if found is None:
        return None
    mapping, headers, start = found
    if "id" not in mapping:
        mapping = {**mapping, **_unlabelled_id(grid.rows[start : start + 40], headers, mapping)}
    price_header = headers[mapping["price"]] if mapping["price"] < len(headers) else ""
    currency = find_currency(price_header) or page_currency or "USD"
    per = parse_per(price_header, fallback=0)
    packages = per == 0 and not ({"min", "max", "minmax", "id"} & mapping.keys())
    per = per or 1000
    category: str | None = None
    for cells in grid.rows[: max(start - 1, 0)]:  # a category row above the header
        cat = _category_row(cells, [cell_text(c) for c in cells])
        if cat and classify(cat) != ("other", "other"):
            category = cat
    offers: list[Offer] = []
    width = len(headers)
    wanted = {i for f, i in mapping.items() if f not in ("description", "ignore")}
    decimal_comma = _decimal_comma(grid.rows[start : start + 80], mapping)
    if decimal_comma is None:
        decimal_comma = page_decimal_comma(grid.element)
    for cells in grid.rows[start:]:
        if len(set(cells)) == 1:
            text = cell_text(cells[0])
            if text and _HAS_LETTER.search(text) and len(text) <= 150:
                category = text
            continue
        if len(cells) != width:
            if len(cells) < max(mapping.values()) + 1:
                continue
            cells = cells[len(cells) - width :] if len(cells) > width else cells
        texts = [cell_text(c) if i in wanted else "" for i, c in enumerate(cells)]
        if not texts[mapping["price"]] and sum(1 for t in texts if t) <= 1:
            full = [cell_text(c) for c in cells]
            cat = _category_row(cells, full)
            if cat is not None:
                category = cat
            continue
        price_text = texts[mapping["price"]]
        if (
            not any(ch.isdigit() for ch in price_text) or header_field(price_text) == "price"
        ) and map_header(cells) == mapping:
            continue  # a repeated header row ("Price per 1000" has digits, yet is a header)
        offer = _row_offer(texts, mapping, currency, per, category, decimal_comma)
        if offer is not None and packages:
            offer = _as_package(offer)
        if offer is not None:
            offers.append(offer)
    has_q = any(k in mapping for k in ("min", "max", "minmax"))
    return GridResult(offers, has_q, len(grid.rows) - start, mapping, headers)


_LEADING_QTY = re.compile(
    rf"^\s*(\d[\d,.\s]*\d|\d)\s*({multiplier_pattern()})?\+?\s+(?=[^\W\d_])", re.I
)


def _as_package(offer: Offer) -> Offer | None:
    """A row of a Package/Price table ("1000 Followers | $9.99"): per = the package size."""
    m = _LEADING_QTY.match(offer.name)
    qty = parse_quantity(m.group(1) + (m.group(2) or "")) if m else None
    if not qty or offer.product == "other":
        return offer if offer.product != "other" or offer.platform != "other" else None
    offer.per, offer.kind, offer.min, offer.max = qty, "package", None, None
    return offer


def _unlabelled_id(rows: list[list[HtmlElement]], headers: list[str], mapping: dict) -> dict:
    """An ID column whose header is blank: distinct whole numbers in nearly every data row."""
    used = set(mapping.values())
    for col, head in enumerate(headers):
        if head.strip() or col in used or col > min(used):
            continue
        values = [cell_text(r[col]) for r in rows if col < len(r) and len(set(r)) > 1]
        digits = [v for v in values if v.isdigit()]
        if (
            len(values) >= 3
            and len(digits) >= 0.9 * len(values)
            and len(set(digits)) == len(digits)
        ):
            return {"id": col}
    return {}


def _decimal_comma(rows: list[list[HtmlElement]], mapping: dict[str, int]) -> bool | None:
    """True when a grid writes decimals with a comma ("12,50", or quantities "1.000"),
    False with a dot ("0.85", "1,250.00"), None when its numbers do not say."""

    def column(fld: str) -> list[str]:
        col = mapping.get(fld)
        if col is None:
            return []
        return [cell_text(r[col]) for r in rows if col < len(r) and len(set(r)) > 1]

    quantities = column("min") + column("max") + column("minmax")
    return decimal_comma_of(column("price"), quantities)


def _row_offer(
    texts: list[str],
    m: dict[str, int],
    currency: str,
    per: int,
    category: str | None,
    decimal_comma: bool | None = None,
) -> Offer | None:
    def get(fld: str) -> str:
        i = m.get(fld)
        return texts[i] if i is not None and i < len(texts) else ""

    name = get("name")
    if not name or name.replace(".", "").replace(",", "").isdigit():
        return None
    price_text = get("price")
    if is_period_price(price_text):
        return None
    price = parse_price(price_text, currency, decimal_comma)
    if price is None:
        return None
    per = per_in_text(price_text) or per  # "Rp.12.500/K", "$1.20 per 100"
    lo, hi = parse_quantity(get("min")), parse_quantity(get("max"))
    if "minmax" in m and lo is None and hi is None:
        lo, hi = parse_range(get("minmax"))
    elif "max" not in m and "min" in m:
        lo, hi = parse_range(get("min"))  # "Min / Max" read as min: "100 - 10k"
    sid = get("id").lstrip("#№ ").strip() or None
    if sid and (len(sid) > 24 or " " in sid):
        digits = re.fullmatch(r"(?:id|no|#)?\W*(\d{1,12})", sid, re.I)  # "ID: 123"
        sid = digits.group(1) if digits else None
    cat = get("category") or category
    refill = refill_from_cell(get("refill")) if "refill" in m else None
    if refill is None and "guarantee" in m:
        refill = refill_from_cell(get("guarantee"))
    if refill is None:
        refill = refill_from_name(name)
    platform, product = classify(name, cat)
    return Offer(
        name=name, price=price[0], currency=price[1], per=per, platform=platform, product=product,
        service_id=sid, category=cat, min=lo, max=hi, refill=refill, kind="rate",
        flags=price_text_flags(price_text),
    )  # fmt: skip
