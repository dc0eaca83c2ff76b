"""Prices, currencies, quantities and "per N" units as real pages write them."""

from __future__ import annotations

import re
from functools import lru_cache

from config.vocab import load
from extract.text import collapse_ws, fold

_NUM = re.compile(r"\d(?:[\d.,'’\u00a0\u202f\u2009 ]*\d)?")
_QTY = re.compile(
    r"(\d(?:[\d.,'’\u00a0\u202f\u2009 ]*\d)?)\s*([kmb]|тыс|млн|lakh|lac|crore)?(?![a-z])", re.I
)
# Arabic-Indic / Persian digits and separators -> ASCII ("۱۲٬۵۰۰" -> "12,500")
_DIGITS = {ord(c): str(i) for base in ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹") for i, c in enumerate(base)}
_DIGITS.update({ord("٬"): ",", ord("٫"): "."})
_EMPTY = {"", "-", "–", "—", "n/a", "na", "none", "null", "?", "--", "0"}
_MULT = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000, "тыс": 1_000, "млн": 1_000_000,
         "lakh": 100_000, "lac": 100_000, "crore": 10_000_000}  # fmt: skip


@lru_cache(maxsize=1)
def _currency_tables() -> tuple[list[tuple[str, str]], re.Pattern[str], dict[str, str]]:
    data = load("currencies")
    symbols = sorted(data.get("symbols", {}).items(), key=lambda kv: -len(kv[0]))
    words = {fold(k): v for k, v in data.get("words", {}).items()}
    words.update({c.lower(): c for c in data.get("codes", [])})
    pattern = re.compile(r"(?<![^\W\d_])(" + "|".join(map(re.escape, words)) + r")(?![^\W\d_])")
    return symbols, pattern, words


def find_currency(text: str) -> str | None:
    """The ISO code a text names by code, word or symbol ("Rate per 1000 ($)" -> USD), or None."""
    if not text:
        return None
    symbols, pattern, words = _currency_tables()
    m = pattern.search(fold(text))
    if m:
        return words[m.group(1)]
    for sym, code in symbols:
        if sym in text:
            if (
                sym.isalpha()
                and re.search(rf"(?<![^\W\d_]){re.escape(sym)}(?![^\W\d_])", text) is None
            ):
                continue
            return code
    return None


def parse_number(raw: str, decimal_comma: bool | None = None) -> float | None:
    """A number with thousands separators or a decimal comma: "1.234,56" -> 1234.56.

    `decimal_comma` (known from the rest of a column) settles "1,500" and "1.500".
    """
    s = re.sub(r"[\s\u00a0\u202f\u2009'’]", " ", raw.strip())
    # spaces between digit groups are thousands separators ("1 364.40")
    s = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", "", s).strip().split(" ")[0]
    if not s or not s[0].isdigit():
        return None
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thou = "," if dec == "." else "."
        s = s.replace(thou, "").replace(dec, ".")
    elif commas:
        head, _, tail = s.rpartition(",")
        if commas == 1 and (len(tail) != 3 or head in ("0", "") or decimal_comma):
            s = s.replace(",", ".")
        else:
            s = s.replace(",", "")
    elif dots > 1 or (decimal_comma and len(s.rpartition(".")[2]) == 3):
        head, _, tail = s.rpartition(".")
        s = s.replace(".", "") if len(tail) == 3 else head.replace(".", "") + "." + tail
    try:
        return float(s.strip(".,"))
    except ValueError:
        return None


def _currency_next_to(cell: str, start: int, end: int) -> bool:
    before, after = cell[:start].rstrip()[-6:], cell[end:].lstrip()[:6]
    if before and before[-1] in "=:":
        return False
    for sym, _ in _currency_tables()[0]:
        if before.endswith(sym) or after.startswith(sym):
            return True
    words = _currency_tables()[2]
    return before[-3:].lower() in words or after[:3].lower() in words


def parse_price(
    text: str | None, default_currency: str | None = None, decimal_comma: bool | None = None
) -> tuple[float, str] | None:
    """(amount, ISO currency) from a price cell ("  $ 1 364.40 ", "1.234,56 €", "₹199").

    Empty, "-" or "N/A" cells give None; a zero price (a free service) is a price. When the
    cell names no currency, `default_currency` is used; with none at all the result is None.
    When several numbers appear ("1000 = $0.50"), the one next to the currency is the price.
    """
    cell = collapse_ws(text).translate(_DIGITS)
    if cell.lower() in _EMPTY:
        return None
    matches = list(_NUM.finditer(cell))
    if not matches:
        return None
    m = matches[0]
    if len(matches) > 1:
        m = next((x for x in matches if _currency_next_to(cell, x.start(), x.end())), m)
    raw = m.group(0)
    before = cell[: m.start() - 1][-1:]
    if m.start() > 0 and cell[m.start() - 1] == "." and not before.isalnum():
        raw = "0." + raw.replace(".", "").replace(",", "")  # "$.50"
    amount = parse_number(raw, decimal_comma)
    if amount is None or amount < 0:
        return None
    currency = find_currency(cell) or default_currency
    if currency is None:
        return None
    return amount, currency


def parse_quantity(text: str | None) -> int | None:
    """An order quantity: "10k" -> 10000, "1.5M" -> 1500000, "10,000" -> 10000."""
    cell = collapse_ws(text).translate(_DIGITS)
    if not cell:
        return None
    m = _QTY.search(cell)
    if not m:
        return None
    value = parse_number(m.group(1))
    if value is None:
        return None
    mult = _MULT.get((m.group(2) or "").lower(), 1)
    return int(round(value * mult))


_PER = re.compile(r"(\d[\d\s.,]*)\s*(k\b)?", re.I)


def parse_per(header: str | None, fallback: int = 1000) -> int:
    """Units a price header quotes for: "Rate per 1000 ($)" -> 1000, "Price per 1 unit" -> 1."""
    text = collapse_ws(header)
    for m in _PER.finditer(text):
        value = parse_number(m.group(1))
        if value is None:
            continue
        per = int(value * (1000 if m.group(2) else 1))
        if per in (1, 10, 100, 1000, 10000, 100000, 1000000):
            return per
    return fallback
