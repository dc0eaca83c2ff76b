"""Prices, currencies, quantities and "per N" units as real pages write them.

Number conventions (decimal comma, thousands dot, minor units) live in extract.numbers; the
words (currency symbols, list-price words, "per 1000" words) are data in config/vocab.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from functools import lru_cache

from config.vocab import load
from extract.numbers import NUMBER, minor_units, multiplier_pattern, multipliers, to_number
from extract.text import collapse_ws, fold

_NUM = NUMBER
# Arabic-Indic / Persian digits and separators -> ASCII ("۱۲٬۵۰۰" -> "12,500")
_DIGITS = {ord(c): str(i) for base in ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹") for i, c in enumerate(base)}
_DIGITS.update({ord("٬"): ",", ord("٫"): "."})
_EMPTY = {"", "-", "–", "—", "n/a", "na", "none", "null", "?", "--", "0"}
_PER_VALUES = (1, 10, 100, 1000, 10000, 100000, 1000000)
# an integer quantity token: digit groups split by spaces only when followed by three digits
_QTY_TOKEN = r"\d{1,3}(?:[\u00a0\u202f\u2009 '’]\d{3})+(?![\d.,])|\d(?:[\d.,]*\d)?"
_LETTERLESS = r"(?<![^\W\d_]){}(?![^\W\d_])"


@lru_cache(maxsize=1)
def _currency_tables() -> tuple[list[tuple[str, str]], re.Pattern[str], dict[str, str]]:
    data = load("currencies")
    symbols = sorted(data.get("symbols", {}).items(), key=lambda kv: -len(kv[0]))
    words = {fold(k): v for k, v in data.get("words", {}).items()}
    words.update({c.lower(): c for c in data.get("codes", [])})
    pattern = re.compile(r"(?<![^\W\d_])(" + "|".join(map(re.escape, words)) + r")(?![^\W\d_])")
    return symbols, pattern, words


def currency_pattern() -> str:
    """Regex (case-sensitive group) of every currency symbol and ISO code, longest first;
    letter symbols and codes only as whole words ("TL", "Rp", "USD" but not "TOTAL")."""
    return _currency_pattern()


@lru_cache(maxsize=1)
def _currency_pattern() -> str:
    data = load("currencies")
    marks = set(data.get("symbols", {})) | set(data.get("codes", []))
    alts = []
    for mark in sorted(marks, key=len, reverse=True):
        esc = re.escape(mark)
        alts.append(_LETTERLESS.format(esc) if mark[-1].isalpha() else esc)
    first = "".join(sorted({re.escape(m[0]) for m in marks}))
    return "(?-i:(?=[" + first + "])(?:" + "|".join(alts) + "))"  # the class fails fast


# The site's country while one page's catalogue is read (set by extract.catalogue.offers_of):
# settles "Rs" and other marks several countries use when a caller passes no region.
SITE_REGION: ContextVar[str | None] = ContextVar("SITE_REGION", default=None)


def _regional(mark: str, code: str, region: str | None) -> str:
    region = region or SITE_REGION.get()
    table = load("currencies").get("ambiguous", {})
    base = mark.rstrip(".")
    choices = table.get(mark) or table.get(base) or table.get(base.capitalize())
    if not choices:
        return code
    return choices.get((region or "").upper()) or choices.get("default") or code


def find_currency(text: str, region: str | None = None) -> str | None:
    """The ISO code a text names by code, word or symbol ("Rate per 1000 ($)" -> USD), or None.

    `region` (ISO 3166 alpha-2, e.g. from the site's ccTLD) settles symbols several countries
    use: "Rs" is INR by default and PKR with region "PK".
    """
    if not text:
        return None
    symbols, pattern, words = _currency_tables()
    m = pattern.search(fold(text))
    if m:
        return words[m.group(1)]
    for sym, code in symbols:
        if sym in text:
            if sym[-1].isalpha() and re.search(_LETTERLESS.format(re.escape(sym)), text) is None:
                continue
            return _regional(sym, code, region)
    return None


def parse_number(
    raw: str, decimal_comma: bool | None = None, minor: int = 2, integer: bool = False
) -> float | None:
    """A number with thousands separators or a decimal comma: "1.234,56" -> 1234.56.

    `decimal_comma` (known from the rest of a page or column) settles "1,500" and "1.500";
    failing that, `minor` (the currency's minor units; 0 for IDR, VND...) and `integer`.
    """
    return to_number(raw, decimal_comma, minor, integer)


@lru_cache(maxsize=1)
def _money_words() -> dict[str, list[str]]:
    return load("headers").get("money", {})


@lru_cache(maxsize=1)
def _list_price() -> re.Pattern[str]:
    words = sorted(_money_words().get("list_words", []), key=len, reverse=True)
    alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    cur, num = currency_pattern(), r"\d(?:[\d.,'’\u00a0\u202f ]*\d)?"
    price = rf"(?:{cur}\s?{num}|{num}\s?{cur})"
    return re.compile(rf"(?i)(?<![^\W\d_])(?:{alts})\s*:?\s*{price}")


def _without_list_price(cell: str) -> str:
    """ "Was $10 Now $8" -> " Now $8": a price named as the old one is dropped when another
    price stays ("a partir de R$ 15" keeps its only price)."""
    m = _list_price().search(cell)
    if not m:
        return cell
    rest = cell[: m.start()] + " " + cell[m.end() :]
    return rest if re.search(r"\d", rest) and find_currency(rest) else cell


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
    text: str | None,
    default_currency: str | None = None,
    decimal_comma: bool | None = None,
    region: str | None = None,
) -> tuple[float, str] | None:
    """(amount, ISO currency) from a price cell ("  $ 1 364.40 ", "1.234,56 €", "Rp.12.500/K").

    Empty, "-" or "N/A" cells give None; a zero price (a free service) is a price. When the
    cell names no currency, `default_currency` is used; with none at all the result is None.
    When several numbers appear ("1000 = $0.50"), the one next to the currency is the price;
    a list price ("Was $10", "statt 9,99 €") gives way to the sale price beside it.
    `decimal_comma` comes from the page's other numbers (extract.numbers.decimal_comma_of).
    """
    cell = _without_list_price(collapse_ws(text).translate(_DIGITS))
    if cell.lower() in _EMPTY:
        return None
    matches = list(_NUM.finditer(cell))
    if not matches:
        return None
    currency = find_currency(cell, region) or default_currency
    if currency is None:
        return None
    m = matches[0]
    if len(matches) > 1:
        m = next((x for x in matches if _currency_next_to(cell, x.start(), x.end())), m)
    raw = m.group(0)
    before = cell[: m.start() - 1][-1:]
    if m.start() > 0 and cell[m.start() - 1] == "." and not before.isalnum():
        raw = "0." + raw.replace(".", "").replace(",", "")  # "$.50"
    amount = parse_number(raw, decimal_comma, minor_units(currency))
    if amount is None or amount < 0:
        return None
    return amount, currency


@lru_cache(maxsize=1)
def _qty_re() -> re.Pattern[str]:
    return re.compile(rf"({_QTY_TOKEN})\s*({multiplier_pattern()})?", re.I)


def _quantities(text: str) -> list[int]:
    out = []
    for m in _qty_re().finditer(text):
        value = parse_number(m.group(1), integer=m.group(2) is None)
        if value is None:
            continue
        mult = multipliers().get((m.group(2) or "").lower(), 1)
        out.append(int(round(value * mult)))
    return out


def parse_quantity(text: str | None) -> int | None:
    """An order quantity: "10k" -> 10000, "1.5M" -> 1500000, "10.000" -> 10000, "1 lakh"."""
    cell = collapse_ws(text).translate(_DIGITS)
    if not cell:
        return None
    found = _quantities(cell)
    return found[0] if found else None


def parse_range(text: str | None) -> tuple[int | None, int | None]:
    """Min and max written in one cell: "500 - 10,000,000", "20 / 25000", "100 ~ 50K",
    "Min: 100 Max: 5.000". One number gives (n, None)."""
    cell = collapse_ws(text).translate(_DIGITS)
    found = _quantities(cell)
    if not found:
        return None, None
    if len(found) == 1:
        return found[0], None
    lo, hi = found[0], found[1]
    return (lo, hi) if lo <= hi else (hi, lo)


@lru_cache(maxsize=1)
def _per_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    money = _money_words()

    def alts(key: str) -> str:
        words = sorted(money.get(key, []), key=len, reverse=True)
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)

    thousand = rf"(?:{alts('thousand_words')})(?![^\W\d_])"
    before = re.compile(
        rf"(?i)(?:(?<![^\W\d_])(?:{alts('per_words')})|/)\s*(?:({_QTY_TOKEN})\s*)?({thousand})?",
    )
    after = re.compile(rf"(?i)({_QTY_TOKEN})\s*({thousand})?\s*(?:{alts('per_after_words')})")
    return before, after


def per_in_text(text: str | None) -> int | None:
    """The unit count a text quotes a price for, when it says so: "Rp.12.500/K" -> 1000,
    "$1.20 per 100" -> 100, "за 1000" -> 1000, "1000 başına" -> 1000, "/ 1k" -> 1000."""
    cell = collapse_ws(text).translate(_DIGITS)
    if not cell:
        return None
    for rx in _per_res():
        for m in rx.finditer(cell):
            num, thousand = m.group(1), m.group(2)
            if not num and not thousand:
                continue
            value = parse_number(num, integer=True) if num else 1.0
            if value is None:
                continue
            per = int(round(value * (1000 if thousand else 1)))
            if per in _PER_VALUES:
                return per
    return None


_PER = re.compile(r"(\d[\d\s.,]*)\s*(k\b)?", re.I)


def parse_per(header: str | None, fallback: int = 1000) -> int:
    """Units a price header quotes for: "Rate per 1000 ($)" -> 1000, "Price per 1 unit" -> 1,
    "Harga/1K" -> 1000, "Цена за 1000" -> 1000, "Rate/K" -> 1000."""
    text = collapse_ws(header)
    said = per_in_text(text)
    if said:
        return said
    for m in _PER.finditer(text):
        value = parse_number(m.group(1), integer=True)
        if value is None:
            continue
        per = int(value * (1000 if m.group(2) else 1))
        if per in _PER_VALUES:
            return per
    return fallback
