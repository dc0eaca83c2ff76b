"""Values a hostile page cannot use to break a write or an output.

Every offer leaves extraction through `sane_facts`: prices are finite, quantities fit the
database's integer columns, and what looks implausible is kept as shown with a flag in
`Offer.flags` (never a silent change). A value that cannot be stored at all (an infinite or
NaN price, a package size beyond any column) drops its offer and says so in `facts.errors`;
a quantity too large for a column is kept in the flag's text and left out of the column.

Flags (`name` or `name:value as shown`):
- `price_implausible` — finite but above PRICE_MAX (1e308 is kept as 1e308, flagged);
- `price_negative` — a negative amount;
- `price_text_unread:<text>` — the price text holds a sign or an exponent the number reading
  leaves out (`$-5` read as 5, `1e308` read as 1): the amount stored is not what the page says;
- `min_too_large:<n>` / `max_too_large:<n>` — beyond INT_MAX, column left empty;
- `min_negative` / `max_negative`; `min_above_max` — min > max as shown;
- `service_id_too_long:<n chars>` — the ID cut to SERVICE_ID_MAX characters.
"""

from __future__ import annotations

import math
import re

from extract.model import Contact, Identifier, Offer, PageFacts, Payment

INT_MAX = 2**31 - 1  # INTEGER on PostgreSQL (the narrowest column the atlas writes to)
PRICE_MAX = 1e9  # per unit or per package, in any currency: nothing real costs more
SERVICE_ID_MAX = 100
LEAD_MAX = {"account": 200, "value": 200}  # payments.account, identifiers.value
CONTACT_MAX = 320
# a minus sign on a number ("-5", "$-5", "€ −5"; not a range "100 - 200" or "100-200"), or a
# number in exponent notation ("1e308")
_SIGNED = re.compile(r"(?:^|(?<=[\s$€£¥₹:(]))[-\u2212]\d")
_EXPONENT = re.compile(r"\d[eE][+-]?\d")


def price_text_flags(text: str | None) -> list[str]:
    """Flags for a price text whose sign or exponent the number reading does not keep."""
    if not text:
        return []
    if _SIGNED.search(text) or _EXPONENT.search(text):
        return [f"price_text_unread:{text.strip()[:40]}"]
    return []


def _add(offer: Offer, flag: str) -> None:
    if flag not in offer.flags:
        offer.flags.append(flag)


def _quantity(offer: Offer, name: str) -> None:
    value = getattr(offer, name)
    if value is None:
        return
    if isinstance(value, float) and not math.isfinite(value):
        _add(offer, f"{name}_not_finite")
        setattr(offer, name, None)
        return
    value = int(value)
    setattr(offer, name, value)
    if value > INT_MAX:
        _add(offer, f"{name}_too_large:{value}")
        setattr(offer, name, None)
    elif value < 0:
        _add(offer, f"{name}_negative")


def sane_offer(offer: Offer) -> tuple[Offer | None, str | None]:
    """(the offer, checked and flagged) or (None, why it cannot be stored). Idempotent."""
    try:
        price = float(offer.price)
    except (TypeError, ValueError, OverflowError):
        return None, f"price {offer.price!r} is not a number"
    if not math.isfinite(price):
        return None, f"price {offer.price!r} is not finite"
    offer.price = price
    try:
        per = int(offer.per)
    except (TypeError, ValueError, OverflowError):
        return None, f"unit count {offer.per!r} is not a number"
    if not 0 < per <= INT_MAX:
        return None, f"unit count {per} is out of range"
    offer.per = per
    if price > PRICE_MAX:
        _add(offer, "price_implausible")
    if price < 0:
        _add(offer, "price_negative")
    _quantity(offer, "min")
    _quantity(offer, "max")
    if offer.min is not None and offer.max is not None and offer.min > offer.max:
        _add(offer, "min_above_max")
    if offer.service_id is not None and len(offer.service_id) > SERVICE_ID_MAX:
        _add(offer, f"service_id_too_long:{len(offer.service_id)}")
        offer.service_id = offer.service_id[:SERVICE_ID_MAX]
    return offer, None


def sane_facts(facts: PageFacts) -> PageFacts:
    """Check every offer and lead of a page in place; what cannot be stored is named in
    `facts.errors` (`sanity: ...`) instead of reaching the database."""
    kept = []
    for offer in facts.offers:
        checked, why = sane_offer(offer)
        if checked is None:
            facts.errors.append(f"sanity: offer {offer.name[:80]!r} not stored: {why}")
        else:
            kept.append(checked)
    facts.offers = kept
    facts.payments = _fit(facts, facts.payments, "account", LEAD_MAX["account"])
    facts.contacts = _fit(facts, facts.contacts, "value", CONTACT_MAX)
    facts.identifiers = _fit(facts, facts.identifiers, "value", LEAD_MAX["value"])
    return facts


def _fit(
    facts: PageFacts, leads: list[Payment] | list[Contact] | list[Identifier], attr: str, limit: int
) -> list:
    kept = []
    for lead in leads:
        value = getattr(lead, attr)
        if value is not None and len(value) > limit:
            facts.errors.append(
                f"sanity: {type(lead).__name__.lower()} {value[:60]!r}... not stored: "
                f"{len(value)} characters (at most {limit})"
            )
            continue
        kept.append(lead)
    return kept


def finite_json(value):
    """`value` with every non-finite float (NaN, ±Infinity: older atlases may hold them) made
    None, so `json.dumps(..., allow_nan=False)` always writes strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_json(v) for v in value]
    return value
