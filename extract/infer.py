"""Guess the columns of a headerless service grid from what its cells contain."""

from __future__ import annotations

import re

from extract.classify import classify
from extract.prices import find_currency, parse_quantity

_INT = re.compile(r"^\d[\d,.\s]*[kKmM]?$")
_DEC = re.compile(r"^\D{0,4}\s?\d[\d\s]*[.,]\d{1,5}\s?\D{0,4}$|^\D{0,4}\s?\d+\s?\D{0,4}$")
_LETTER = re.compile(r"[^\W\d_]")


def _decimal(cell: str) -> bool:
    return bool(_DEC.match(cell)) and not _INT.match(cell)


def _integer(cell: str) -> bool:
    return bool(_INT.match(cell))


def infer_mapping(rows: list[list[str]]) -> dict[str, int] | None:
    """{field: column} for id/name/price/min/max when the content makes them unambiguous.

    Needs at least three rows of equal width; a name column of mostly classifiable text, a
    price column (currency or decimals), and two quantity columns after it (min <= max).
    """
    sample = [r for r in rows if len(r) >= 4][:40]
    if len(sample) < 3:
        return None
    width = max(len(r) for r in sample)
    sample = [r for r in sample if len(r) == width]
    if len(sample) < 3:
        return None
    cols = list(zip(*sample, strict=True))
    n = len(sample)

    def share(col: tuple[str, ...], test) -> float:
        return sum(1 for c in col if test(c)) / n

    name_scores = []
    for i, col in enumerate(cols):
        lettered = share(col, lambda c: bool(_LETTER.search(c)) and len(c) >= 4)
        known = share(col, lambda c: classify(c) != ("other", "other"))
        product = share(col, lambda c: classify(c)[1] != "other")  # not a bare platform badge
        if lettered >= 0.8 and known >= 0.5:
            name_scores.append((known, product, sum(len(c) for c in col) / n, i))
    if not name_scores:
        return None
    name = max(name_scores)[-1]
    price = next(
        (
            i
            for i, col in enumerate(cols)
            if i != name
            and share(col, lambda c: bool(find_currency(c)) and bool(re.search(r"\d", c))) >= 0.8
        ),
        None,
    )
    if price is None:
        price = next(
            (i for i, col in enumerate(cols) if i > name and share(col, _decimal) >= 0.6),
            None,
        )
    if price is None:
        return None
    ints = [i for i, col in enumerate(cols) if i > price and share(col, _integer) >= 0.9]
    if len(ints) < 2:
        return None
    lo, hi = ints[0], ints[1]
    pairs = [(parse_quantity(r[lo]), parse_quantity(r[hi])) for r in sample]
    ordered = sum(1 for a, b in pairs if a is not None and b is not None and a <= b)
    if ordered / n < 0.9:
        return None
    mapping = {"name": name, "price": price, "min": lo, "max": hi}
    ids = [i for i, col in enumerate(cols) if i < name and share(col, lambda c: c.isdigit()) >= 0.9]
    if ids and len(set(cols[ids[0]])) == n:
        mapping["id"] = ids[0]
    return mapping
