"""Show prices the way sites do: symbol before/after, decimal comma, thousands separators."""

from __future__ import annotations

# deterministic conversion rates from USD (mid-2020 order of magnitude)
RATES = {"USD": 1.0, "INR": 74.5, "EUR": 0.88, "TRY": 6.85, "BRL": 5.3, "NGN": 380.0}

# style name -> (currency, template, decimal comma)
STYLES = {
    "usd": ("USD", "${n}", False),
    "usd_space": ("USD", "$ {n}", False),
    "usd_plain": ("USD", "{n}", False),
    "usd_code": ("USD", "{n} USD", False),
    "inr_symbol": ("INR", "₹{n}", False),
    "inr_rs": ("INR", "Rs. {n}", False),
    "inr_code": ("INR", "{n} INR", False),
    "eur_after": ("EUR", "{n} €", True),
    "eur_before": ("EUR", "€{n}", True),
    "try_symbol": ("TRY", "{n} ₺", True),
    "try_tl": ("TRY", "{n} TL", True),
    "brl": ("BRL", "R$ {n}", True),
    "ngn": ("NGN", "₦{n}", False),
}


def convert(usd: float, currency: str) -> float:
    """The shown value: converted, 2 decimals (4 for sub-cent amounts)."""
    v = usd * RATES[currency]
    r = round(v, 2)
    return r if r >= 0.01 or v == 0 else round(v, 4)


def number(value: float, comma: bool) -> str:
    """1234.5 -> '1,234.50' (or '1.234,50' with a decimal comma)."""
    dec = 4 if 0 < value < 0.01 else 2
    s = f"{value:,.{dec}f}"
    if comma:
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def show(value: float, style: str, raw: str | None = None) -> str:
    """The price text; `raw` (the dataset's own number) is kept when quoting USD."""
    cur, tpl, comma = STYLES[style]
    return tpl.format(n=raw if raw is not None else number(value, comma))


def currency_of(style: str) -> str:
    return STYLES[style][0]
