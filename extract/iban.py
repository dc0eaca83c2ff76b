"""Bank receiving accounts on a payment page: IBANs (ISO 13616) and national account numbers.

An IBAN counts only when its length is the registry's length for its country and its mod-97
check passes. A national account number (no checksum in common) counts only with its context
words (config/vocab/gateways.toml [accounts]): right after an account label ("No. Rekening",
"Số tài khoản", "Hesap No", "CBU", "Номер счёта", ...) with a bank word nearby, or right
before an account holder's name ("1234567890 a.n. Budi", "… Alıcı") with a bank word just
before. A long digit run alone (an order ID, a phone number, a price) is never an account.
Pure: text in, (account, evidence) out.
"""

from __future__ import annotations

import re
from functools import cache

from config.vocab import load
from extract.text import fold

# ISO 13616 registry: total IBAN length by country (SWIFT IBAN registry, release 2024).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

_IBAN_RE = re.compile(
    r"(?<![A-Za-z0-9])([A-Z]{2}\d{2}(?:[ \u00a0-]?[A-Z0-9]){11,30})(?![A-Za-z0-9])"
)
_DIGITS = r"(?<![\w])(\d(?:[ \u00a0.\-]?\d){5,25})(?![\d])"
_SEP = r"[\s:：#№.\-–|]*(?:(?:no|nr|number|nomor|numero|num)\b\.?)?[\s:：#№.\-–|]*"


def iban_valid(iban: str) -> bool:
    """True for a compact IBAN with its country's registered length and a valid mod-97 check."""
    iban = iban.replace(" ", "").upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit():
        return False
    if not iban.isalnum() or not iban.isascii():
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def find_ibans(text: str) -> list[tuple[str, int]]:
    """Valid IBANs in `text` (grouped by spaces or not): (compact IBAN, start)."""
    out = []
    for m in _IBAN_RE.finditer(text):
        raw = re.sub(r"[ \u00a0-]", "", m.group(1))
        # a trailing word glued by a space ("TR33 … 26 Ahmet") is not part of the IBAN
        for cut in range(len(raw), 14, -1):
            if iban_valid(raw[:cut]):
                out.append((raw[:cut], m.start(1)))
                break
    return out


@cache
def _res() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    acc = load("gateways")["accounts"]

    def alt(words: list[str]) -> str:
        folded = {fold(w) for w in words}
        return "|".join(re.escape(w) for w in sorted(folded, key=len, reverse=True))

    labels = re.compile(r"(?<![\w])(?:" + alt(acc["bank_labels"]) + r")" + _SEP + _DIGITS)
    holder = re.compile(_DIGITS + r"[\s,]*(?:\(\s*)?(?:" + alt(acc["holder_words"]) + r")(?!\w)")
    context = re.compile(r"(?<![\w])(?:" + alt(acc["bank_context"]) + r")(?!\w)")
    return labels, holder, context


def bank_accounts(folded: str, claimed: set[str] = frozenset()) -> list[tuple[str, str]]:
    """National bank account numbers in folded page text: (digits, evidence).

    Numbers in `claimed` (digits of accounts already read, e.g. a wallet's phone number;
    compared on their last 9 digits) are skipped.
    """
    tails = {re.sub(r"\D", "", c)[-9:] for c in claimed}
    labels, holder, context = _res()
    out: list[tuple[str, str]] = []
    seen: set[int] = set()

    def take(m: re.Match, near: str) -> None:
        start, end = m.span(1)
        digits = re.sub(r"\D", "", m.group(1))
        if start in seen or not 6 <= len(digits) <= 26 or len(set(digits)) <= 2:
            return
        if digits[-9:] in tails or not context.search(near):
            return
        seen.add(start)
        out.append((digits, " ".join(folded[max(0, m.start() - 30) : end + 30].split())))

    for m in labels.finditer(folded):
        take(m, folded[max(0, m.start() - 150) : m.end() + 150])
    for m in holder.finditer(folded):
        take(m, folded[max(0, m.start(1) - 40) : m.start(1)])
    return out
