"""Numbers as pages in many locales write them, decided from all the numbers of a page together.

A lone "12.500" can be twelve and a half or twelve thousand five hundred. Other numbers on the
same page settle it: "1.250,00" or "10.000.000" show the dot groups thousands; "0.85" or
"$1,250.00" show it is the decimal point; integer quantities ("5.000 Follower", min "1.000")
group thousands. Without evidence, the currency's minor unit decides (12.500 IDR is 12500).
Minor units and quantity words ("lakh", "bin", "тыс") are data in config/vocab/currencies.toml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from config.vocab import load

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’]")
_GROUP_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
NUMBER = re.compile(r"\d(?:[\d.,'’\u00a0\u202f\u2009 ]*\d)?")


@lru_cache(maxsize=1)
def _data() -> dict:
    return load("currencies")


def minor_units(code: str | None) -> int:
    """Decimals a currency is written with in practice (IDR, VND, KRW, JPY, IRR: 0)."""
    if not code:
        return 2
    return int(_data().get("minor_units", {}).get(code, 2))


@lru_cache(maxsize=1)
def multipliers() -> dict[str, int]:
    """Quantity words and suffixes -> factor ("k" 1000, "lakh" 100000), lower case."""
    return {k.lower(): int(v) for k, v in _data().get("multipliers", {}).items()}


@lru_cache(maxsize=1)
def multiplier_pattern() -> str:
    """Regex alternation of the multiplier words, longest first, not followed by a letter."""
    alts = sorted(multipliers(), key=len, reverse=True)
    return "(?:" + "|".join(map(re.escape, alts)) + r")(?![^\W\d_])"


def _token(raw: str) -> str:
    s = _SPACES.sub(" ", raw.strip())
    s = _GROUP_SPACE.sub("", s).strip()  # "1 364.40", "10 000"
    return s.split(" ")[0] if s else ""


def decimal_vote(raw: str, integer: bool = False) -> str | None:
    """Which separator this one number proves to be the decimal mark: "," or ".", or None.

    "1.250,00" -> ","; "1,250.00" -> "."; "10.000.000" -> ","; "0,50" -> ","; "12.5" -> ".".
    "1.500" says nothing as a price; as an integer quantity (`integer`) its dot groups
    thousands, so it votes ",".
    """
    s = _token(raw)
    if not s or not s[0].isdigit():
        return None
    s = s.rstrip(".,")
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        return "," if s.rfind(",") > s.rfind(".") else "."
    if not dots and not commas:
        return None
    sep = "." if dots else ","
    other = "," if sep == "." else "."
    if dots + commas > 1:
        return other  # "10.000.000", "1,00,000"
    head, _, tail = s.rpartition(sep)
    if len(tail) != 3 or head == "0":
        return sep
    return other if integer else None


def decimal_comma_of(prices: Iterable[str], quantities: Iterable[str] = ()) -> bool | None:
    """True when the numbers of a page/column write decimals with a comma, False with a dot,
    None when they do not say (or disagree without a clear majority)."""
    votes = {",": 0, ".": 0}
    for text in prices:
        for m in NUMBER.finditer(text or ""):
            v = decimal_vote(m.group(0))
            if v:
                votes[v] += 1
    for text in quantities:
        for m in NUMBER.finditer(text or ""):
            rest = (text or "")[m.end() : m.end() + 6].lower().lstrip()
            if rest and re.match(multiplier_pattern(), rest):
                continue  # "1.5K" is a decimal times a multiplier
            v = decimal_vote(m.group(0), integer=True)
            if v:
                votes[v] += 1
    comma, dot = votes[","], votes["."]
    if comma and comma >= 3 * dot:
        return True
    if dot and dot >= 3 * comma:
        return False
    return None


def to_number(
    raw: str, decimal_comma: bool | None = None, minor: int = 2, integer: bool = False
) -> float | None:
    """A number with grouping or a decimal comma: "1.234,56" -> 1234.56, "Rp 12.500" -> 12500.

    An ambiguous "1.500"/"1,500" (one separator, three digits after it) is settled by
    `decimal_comma` (from the rest of the page), else by `integer` (quantities group
    thousands), else by the currency's `minor` units (0: thousands), else "," groups
    thousands and "." is the decimal point.
    """
    s = _token(raw)
    if not s or not s[0].isdigit():
        return None
    s = s.rstrip(".,")
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thou = "," if dec == "." else "."
        s = s.replace(thou, "").replace(dec, ".")
    elif dots or commas:
        sep = "." if dots else ","
        head, _, tail = s.rpartition(sep)
        if dots + commas > 1:
            # "10.000.000" groups thousands; "1.234.56" (a mistyped decimal) keeps its last part
            grouped = len(tail) == 3 or sep == ","
            s = s.replace(sep, "") if grouped else head.replace(sep, "") + "." + tail
        elif len(tail) != 3 or head == "0":
            s = head + "." + tail
        elif _groups_thousands(sep, decimal_comma, minor, integer):
            s = head + tail
        else:
            s = head + "." + tail
    try:
        return float(s)
    except ValueError:
        return None


def _groups_thousands(sep: str, decimal_comma: bool | None, minor: int, integer: bool) -> bool:
    if integer:
        return True
    if decimal_comma is not None:
        return (sep == ".") == decimal_comma
    if minor == 0:
        return True
    return sep == ","
