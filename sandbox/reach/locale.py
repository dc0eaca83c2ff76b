"""Numbers, money and phone numbers the way sites of one country print them (reach world).

Every function is pure and deterministic (randomness only through the `rng` passed in), so
other reach-world modules (panels, apps, shops) can share one notion of "a Turkish price" or
"an Indonesian mobile number". Truth values are computed from the inputs here, never parsed
back from the text.

    loc = LOCALES["id"]
    v = convert(0.65, "IDR")              # 9425.0  (IDR has no minor unit: whole rupiah)
    money(v, loc)                         # 'Rp 9.425'
    money(v, loc, "Rp.{n}/K")             # 'Rp.9.425/K'
    quantity(25000, loc)                  # '25.000'
    e164 = mobile(rng, loc)               # '+6281234567890'
    national(e164, loc)                   # '0812-3456-7890' (no country code, as sites show it)
    iban_tr(rng)                          # 'TR...' with a valid ISO 13616 mod-97 checksum
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# deterministic rates from USD (order of magnitude of the dataset's days, mid-2020)
RATES = {
    "USD": 1.0,
    "EUR": 0.88,
    "GBP": 0.79,
    "INR": 74.5,
    "IDR": 14500.0,
    "VND": 23200.0,
    "TRY": 6.85,
    "BRL": 5.3,
    "RUB": 72.0,
    "NGN": 380.0,
    "GHS": 5.75,
    "PKR": 168.0,
    "BDT": 85.0,
}
# minor units shown by sites of the trade (ISO 4217 exponent; IDR/VND shown without decimals)
DECIMALS = {"IDR": 0, "VND": 0}


@dataclass(frozen=True)
class Locale:
    code: str  # our key: "id", "vi", "tr", "pt_BR", "ru", "en"
    lang: str  # <html lang>
    country: str  # ISO 3166 alpha-2, the site's country
    calling: str  # country calling code without "+"
    currency: str  # ISO 4217
    symbol: str
    thousands: str
    decimal: str
    pattern: str  # default money pattern: {sym} symbol, {n} number, {code} ISO code
    tld: str  # a plausible ccTLD / suffix for hosts of that country


LOCALES: dict[str, Locale] = {
    "id": Locale("id", "id", "ID", "62", "IDR", "Rp", ".", ",", "{sym} {n}", ".id"),
    "vi": Locale("vi", "vi", "VN", "84", "VND", "₫", ".", ",", "{n} {sym}", ".vn"),
    "tr": Locale("tr", "tr", "TR", "90", "TRY", "₺", ".", ",", "{n} {sym}", ".com.tr"),
    "pt_BR": Locale("pt_BR", "pt-BR", "BR", "55", "BRL", "R$", ".", ",", "{sym} {n}", ".com.br"),
    "ru": Locale("ru", "ru", "RU", "7", "RUB", "₽", "\u00a0", ",", "{n}\u00a0{sym}", ".ru"),
    "en": Locale("en", "en", "US", "1", "USD", "$", ",", ".", "{sym}{n}", ".com"),
}


def decimals(currency: str, value: float | None = None) -> int:
    """Digits after the decimal separator a site shows for `currency` (4 for sub-cent)."""
    d = DECIMALS.get(currency, 2)
    if d and value is not None and 0 < value < 0.01:
        return 4
    return d


def convert(usd: float, currency: str) -> float:
    """The value a site of `currency` shows for `usd`, rounded to what it prints."""
    v = usd * RATES[currency]
    d = DECIMALS.get(currency, 2)
    if d == 0:
        return float(max(1, round(v)))
    r = round(v, 2)
    return r if r >= 0.01 or v == 0 else round(v, 4)


def number(value: float, loc: Locale, places: int | None = None) -> str:
    """1234.5 -> '1.234,50' (tr), '1,234.50' (en), '1 234,50' (ru); IDR/VND whole units."""
    if places is None:
        places = decimals(loc.currency, value)
    s = f"{value:,.{places}f}"
    return s.replace(",", "\0").replace(".", loc.decimal).replace("\0", loc.thousands)


def quantity(n: int, loc: Locale) -> str:
    """An order quantity with the locale's thousands separator: 25000 -> '25.000'."""
    return f"{n:,d}".replace(",", loc.thousands)


def money(value: float, loc: Locale, pattern: str | None = None, places: int | None = None) -> str:
    """A price as the site prints it; `pattern` overrides the locale's ('Rp.{n}/K')."""
    return (pattern or loc.pattern).format(
        sym=loc.symbol, n=number(value, loc, places), code=loc.currency
    )


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


# national significant number prefixes of mobile ranges, and their length
_MOBILE = {
    "ID": (["812", "813", "821", "852", "857", "878", "896"], 11),  # 0812-3456-7890
    "VN": (["90", "91", "93", "97", "98", "86", "70"], 9),  # 0912 345 678
    "TR": (["532", "533", "542", "505", "555", "544"], 10),  # 0532 123 45 67
    "BR": (["119", "219", "319", "419", "619", "719"], 11),  # (11) 98765-4321
    "RU": (["912", "915", "916", "903", "926", "977"], 10),  # 8 (912) 345-67-89
    "US": (["202", "415", "646", "312"], 10),
}


def mobile(rng: random.Random, loc: Locale) -> str:
    """A mobile number of the site's country, E.164."""
    prefixes, length = _MOBILE[loc.country]
    p = rng.choice(prefixes)
    return f"+{loc.calling}{p}{_digits(rng, length - len(p))}"


def national(e164: str, loc: Locale) -> str:
    """E.164 -> the local way of writing it, without the country code."""
    n = e164.removeprefix("+" + loc.calling)
    c = loc.country
    if c == "ID":
        return f"0{n[:3]}-{n[3:7]}-{n[7:]}"
    if c == "VN":
        return f"0{n[:2]} {n[2:5]} {n[5:]}"
    if c == "TR":
        return f"0{n[:3]} {n[3:6]} {n[6:8]} {n[8:]}"
    if c == "BR":
        return f"({n[:2]}) {n[2:7]}-{n[7:]}"
    if c == "RU":
        return f"8 ({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}"
    return f"({n[:3]}) {n[3:6]}-{n[6:]}"


def international(e164: str, loc: Locale) -> str:
    """E.164 with spaces, as printed beside a flag: '+62 812 3456 7890'."""
    n = e164.removeprefix("+" + loc.calling)
    return f"+{loc.calling} {n[:3]} {n[3:7]} {n[7:]}".strip()


def _mod97(s: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in s)) % 97


def iban(country: str, bban: str) -> str:
    """A compact IBAN with a correct ISO 13616 check (mod 97 == 1)."""
    check = 98 - _mod97(bban + country + "00")
    return f"{country}{check:02d}{bban}"


def iban_tr(rng: random.Random) -> str:
    """A Turkish IBAN: TR + 2 check digits + 5-digit bank code + reserve digit + 16 account."""
    bank = rng.choice(["00010", "00012", "00015", "00046", "00062", "00064", "00067"])
    return iban("TR", bank + "0" + _digits(rng, 16))


def grouped(text: str, size: int = 4) -> str:
    """'TR330006...' -> 'TR33 0006 ...' (how IBANs are printed)."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))
