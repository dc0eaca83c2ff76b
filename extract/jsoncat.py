"""Service catalogues read from JSON, whatever its key names (config/vocab/jsonkeys.toml).

A front-end loads its catalogue as JSON (an SMM API v2 `services` answer, nested categories with
their services, a dict keyed by service id, a Next.js page's props ...). `offers_from_json` finds
every array of service-like objects at any depth, decides per array which key is the id, name,
category, rate, min, max, currency or package quantity (by key-name vocabulary, checked against
the values' types, with a fallback on types alone for the name and the rate), and reads one
`Offer` per object. An array is a catalogue only when its rows carry a price and either min/max
limits or names that classify as engagement: configs, translations and analytics give nothing.
`json_candidates` finds the inline JSON of a page worth reading. Pure: no network.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from config.vocab import load
from extract.classify import classify
from extract.model import Offer
from extract.prices import find_currency, parse_price, parse_quantity
from extract.shopjson import shop_offers
from extract.text import collapse_ws, squash

MAX_DEPTH = 14
MAX_NODES = 300_000
MAX_OFFERS = 20_000
MAX_BLOB = 5_000_000
MAX_CANDIDATES = 24

_PLAIN_NUM = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")
_NUMERIC = re.compile(
    r"^\s*[^\w\s]{0,3}\s*[A-Za-z]{0,3}\.?\s*\d[\d.,\s\u00a0']*\s*[^\w\s]{0,3}\s*[A-Za-z]{0,3}\s*$"
)
_LEAD_QTY = re.compile(r"^\s*(\d[\d,.]*\s*[kKmM]?)(?![\w.,])")
_KEY_PER = re.compile(r"(?:per|for|x)(\d+)(k?)|(\d+)(k?)(?:units?|adet|pcs)?$")
_NOT_NAME = (
    "desc",
    "note",
    "detail",
    "info",
    "keterangan",
    "aciklama",
    "url",
    "link",
    "image",
    "icon",
    "slug",
    "img",
    "photo",
    "thumb",
    "type",
    "status",
    "time",
    "date",
    "speed",
)
_ROLE_ORDER = (
    "id",
    "name",
    "category",
    "list_price",
    "minor_unit",
    "currency",
    "min",
    "max",
    "per",
    "rate",
    "quantity",
    "refill",
)


@cache
def _vocab() -> tuple[dict[str, tuple[frozenset[str], tuple[str, ...]]], frozenset, frozenset]:
    data = load("jsonkeys")
    roles = {
        role: (
            frozenset(squash(w) for w in spec.get("exact", [])),
            tuple(squash(w) for w in spec.get("contains", [])),
        )
        for role, spec in data["roles"].items()
    }
    minor = frozenset(squash(w) for w in data.get("minor_keys", []))
    children = frozenset(squash(w) for w in data.get("children", []))
    return roles, minor, children


def _key_score(role: str, key: str) -> int:
    exact, contains = _vocab()[0].get(role, (frozenset(), ()))
    if key in exact:
        return 2
    return 1 if any(c and c in key for c in contains) else 0


# -- value types ---------------------------------------------------------------------------


def _is_number(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    return isinstance(v, str) and bool(_NUMERIC.match(v)) and len(v) <= 40


def _is_int(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    if isinstance(v, float):
        return v.is_integer()
    return isinstance(v, str) and bool(re.fullmatch(r"\s*\d[\d,.\s]*[kKmM]?\s*", v))


def _is_text(v: Any) -> bool:
    return (
        isinstance(v, str)
        and 2 <= len(v) <= 500
        and re.search(r"[^\W\d_]", v) is not None
        and not v.startswith(("http://", "https://", "/"))
    )


def _is_id(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    return isinstance(v, str) and 0 < len(v) <= 24 and " " not in v.strip()


def _is_code(v: Any) -> bool:
    return isinstance(v, str) and find_currency(v) is not None and len(v) <= 12


_TYPES = {
    "id": _is_id,
    "name": _is_text,
    "category": lambda v: (
        _is_text(v) or (isinstance(v, dict) and _is_text(v.get("name") or v.get("title")))
    ),
    "rate": _is_number,
    "list_price": _is_number,
    "min": _is_int,
    "max": _is_int,
    "quantity": _is_int,
    "per": _is_int,
    "currency": _is_code,
    "minor_unit": _is_int,
    "refill": lambda v: isinstance(v, (bool, int)) or str(v).lower() in ("true", "false", "0", "1"),
}


# -- key roles of one array ----------------------------------------------------------------


def _fits(rows: list[dict], key: str, test) -> bool:
    values = [r[key] for r in rows if r.get(key) not in (None, "")]
    present = sum(1 for r in rows if key in r)
    if not values or present < 0.5 * len(rows):
        return False
    return sum(1 for v in values if test(v)) >= 0.8 * len(values)


def _roles(rows: list[dict]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for r in rows[:200]:
        for k in r:
            if isinstance(k, str) and k not in keys:
                keys[k] = squash(k)
    sample = rows[:200]
    roles: dict[str, str] = {}
    taken: set[str] = set()
    for role in _ROLE_ORDER:
        best = None
        for key, sq in keys.items():
            if key in taken:
                continue
            score = _key_score(role, sq)
            if score and (best is None or score > best[0]) and _fits(sample, key, _TYPES[role]):
                best = (score, key)
        if best:
            roles[role] = best[1]
            taken.add(best[1])
    if "name" not in roles:  # the longest free text that is not a description or a URL
        texts = [
            (sum(len(str(r.get(k) or "")) for r in sample), k)
            for k, sq in keys.items()
            if k not in taken and not any(w in sq for w in _NOT_NAME) and _fits(sample, k, _is_text)
        ]
        if texts:
            roles["name"] = max(texts)[1]
            taken.add(roles["name"])
    if "rate" not in roles and "name" in roles:  # one key of decimal numbers
        decimals = [
            k
            for k in keys
            if k not in taken
            and _fits(sample, k, _is_number)
            and any(isinstance(r.get(k), (float, str)) and "." in str(r.get(k)) for r in sample)
        ]
        if len(decimals) == 1:
            roles["rate"] = decimals[0]
    return roles


# -- reading values ------------------------------------------------------------------------


def _int(v: Any) -> int | None:
    if isinstance(v, bool) or v in (None, ""):
        return None
    if isinstance(v, (int, float)):
        return int(v)
    return parse_quantity(str(v))


def _per_from_key(sq: str) -> int | None:
    m = _KEY_PER.search(sq)
    if not m:
        return None
    digits, k = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    per = int(digits) * (1000 if k else 1)
    return per if per in (1, 10, 100, 1000, 10000, 100000, 1000000) else None


def _amount(v: Any, cur: str | None, minor: int | None) -> tuple[float, str | None] | None:
    """(amount in major units, currency named by the value) of a price value."""
    if isinstance(v, bool) or v in (None, ""):
        return None
    named = None
    if isinstance(v, (int, float)):
        amount = float(v)
        whole = isinstance(v, int)
    elif _PLAIN_NUM.match(v):
        amount = float(v)
        whole = "." not in v
    else:
        got = parse_price(v, cur or "USD")
        if got is None:
            return None
        amount, named = got[0], find_currency(v)
        whole = False
    if minor and whole:
        amount = amount / 10**minor
    return (amount, named) if amount >= 0 else None


def _currency(v: Any) -> str | None:
    if not isinstance(v, str):
        return None
    if re.fullmatch(r"[A-Za-z]{3}", v.strip()):
        return find_currency(v.strip().upper()) or v.strip().upper()
    return find_currency(v)


def _category(v: Any) -> str | None:
    if isinstance(v, dict):
        v = v.get("name") or v.get("title")
    return collapse_ws(v) if isinstance(v, str) and v.strip() else None


def _truthy(v: Any) -> bool | None:
    if v is None or v == "":
        return None
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes")
    return bool(v)


def _read_rows(
    rows: list[tuple[dict, str | None]], ctx: dict, currency_hint: str | None
) -> list[Offer]:
    dicts = [r for r, _ in rows]
    roles = _roles(dicts)
    if "name" not in roles or "rate" not in roles:
        return []
    _, minor_keys, _ = _vocab()
    rate_sq = squash(roles["rate"])
    key_minor = 2 if rate_sq in minor_keys else None
    key_per = _per_from_key(rate_sq)
    limits = "min" in roles or "max" in roles
    offers: list[Offer] = []
    engagement = 0
    for row, fallback_id in rows:
        name = row.get(roles["name"])
        if not _is_text(name):
            continue
        name = collapse_ws(name)
        cur = _currency(row.get(roles.get("currency", ""))) or ctx.get("currency")
        minor = _int(row.get(roles.get("minor_unit", ""))) or ctx.get("minor_unit") or key_minor
        got = _amount(row.get(roles["rate"]), cur or currency_hint, minor)
        if got is None:
            continue
        price, named = got
        currency = cur or named or currency_hint or "USD"
        category = _category(row.get(roles.get("category", ""))) or ctx.get("category")
        qty = _int(row.get(roles.get("quantity", "")))
        per_val = _int(row.get(roles.get("per", "")))
        lead = _LEAD_QTY.match(name)
        kind, per, lo, hi = "rate", 1000, None, None
        if qty and qty > 0 and not limits:
            kind, per = "package", qty
        elif per_val and per_val > 0:
            per = per_val
        elif key_per:
            per = key_per
        elif not limits and "rate" not in rate_sq and lead and (_int(lead.group(1)) or 0) >= 5:
            kind, per = "package", _int(lead.group(1)) or 1000
        if kind == "rate":
            lo, hi = _int(row.get(roles.get("min", ""))), _int(row.get(roles.get("max", "")))
        platform, product = classify(name, category)
        if platform != "other" or product != "other":
            engagement += 1
        sid = row.get(roles["id"]) if "id" in roles else fallback_id
        offers.append(
            Offer(
                name=name,
                price=round(price, 6),
                currency=currency,
                per=per,
                platform=platform,
                product=product,
                service_id=None if sid in (None, "") else str(sid),
                category=category,
                min=lo,
                max=hi,
                refill=_truthy(row.get(roles.get("refill", ""))),
                kind=kind,
            )
        )
    if not offers or len(offers) < 0.5 * len(rows):
        return []
    if not limits and engagement < 0.5 * len(offers):
        return []  # priced objects that sell no engagement: a shop, analytics, a config
    return offers


# -- walking the document ------------------------------------------------------------------


def _context(node: dict, ctx: dict) -> dict:
    """Currency, minor unit and category an object passes on to the arrays below it."""
    new = dict(ctx)
    for key, value in node.items():
        if not isinstance(key, str) or isinstance(value, (dict, list)):
            continue
        sq = squash(key)
        if _key_score("currency", sq) == 2 and _currency(value):
            new["currency"] = _currency(value)
        elif _key_score("minor_unit", sq) == 2 and _is_int(value):
            new["minor_unit"] = _int(value)
    _, _, children = _vocab()
    if any(
        isinstance(k, str) and squash(k) in children and isinstance(v, (list, dict))
        for k, v in node.items()
    ):
        for key in ("name", "title", "category", "label", "category_name"):
            if _is_text(node.get(key)):
                new["category"] = collapse_ws(node[key])
                break
    return new


def _arrays(data: Any) -> list[tuple[list[tuple[dict, str | None]], dict]]:
    found: list[tuple[list[tuple[dict, str | None]], dict]] = []
    stack: list[tuple[Any, dict, int]] = [(data, {}, 0)]
    _, _, children = _vocab()
    seen = 0
    while stack and seen < MAX_NODES:
        node, ctx, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH:
            continue
        if isinstance(node, list):
            rows = [x for x in node if isinstance(x, dict)]
            if rows and len(rows) >= 0.8 * len(node):
                found.append(([(r, None) for r in rows], ctx))
            stack.extend((x, ctx, depth + 1) for x in reversed(node) if isinstance(x, (list, dict)))
        elif isinstance(node, dict):
            ctx = _context(node, ctx)
            values = list(node.values())
            rows = [(v, str(k)) for k, v in node.items() if isinstance(v, dict)]
            if len(rows) >= 2 and len(rows) >= 0.8 * len(values):
                found.append((rows, ctx))  # a dict keyed by service id
            for key, value in reversed(list(node.items())):
                if not isinstance(value, (list, dict)):
                    continue
                sub = ctx
                if (
                    isinstance(key, str)
                    and isinstance(value, list)
                    and squash(key) not in children
                    and _is_text(key)
                    and value
                    and all(isinstance(x, dict) for x in value)
                ):
                    sub = {**ctx, "category": collapse_ws(key)}  # {"Instagram Likes": [...]}
                stack.append((value, sub, depth + 1))
    return found


def offers_from_json(data: Any, url: str, currency_hint: str | None = None) -> list[Offer]:
    """Offers of every service-like array in a JSON document (or its text); [] if none."""
    if isinstance(data, (str, bytes)):
        if len(data) > MAX_BLOB:
            return []
        try:
            data = json.loads(data)
        except ValueError:
            return []
    shop = shop_offers(data, currency_hint)
    if shop is not None:
        return shop
    offers: list[Offer] = []
    seen: set[tuple] = set()
    for rows, ctx in _arrays(data):
        for o in _read_rows(rows, ctx, currency_hint):
            key = (o.service_id, o.name, o.price, o.per, o.currency)
            if key not in seen:
                seen.add(key)
                offers.append(o)
        if len(offers) >= MAX_OFFERS:
            break
    return offers[:MAX_OFFERS]


# -- inline JSON in a page -----------------------------------------------------------------

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_ASSIGN = re.compile(
    r"(?:window\.|var\s+|let\s+|const\s+|self\.)\s*([\w$.\[\]'\"]{1,80})\s*=\s*(?=[\[{])"
)
_PARSE = re.compile(r"JSON\.parse\(\s*(?=\")")


def json_candidates(html: str) -> list[Any]:
    """Inline JSON a page carries: JSON script blocks, `__NEXT_DATA__`, `window.X = {...}`,
    `var services = [...]`, `JSON.parse("...")`. Bounded in number and size."""
    out: list[Any] = []
    decoder = json.JSONDecoder()
    for m in _SCRIPT.finditer(html or ""):
        if len(out) >= MAX_CANDIDATES:
            break
        attrs, body = m.group(1).lower(), m.group(2)
        if not body.strip() or len(body) > MAX_BLOB:
            continue
        if "application/json" in attrs or "__next_data__" in attrs:
            try:
                out.append(json.loads(body))
            except ValueError:
                pass
            continue
        if "src=" in attrs or (
            "type=" in attrs and "javascript" not in attrs and "module" not in attrs
        ):
            continue
        for am in _ASSIGN.finditer(body):
            try:
                value, _ = decoder.raw_decode(body, am.end())
            except ValueError:
                continue
            if isinstance(value, (list, dict)) and value:
                out.append(value)
        for pm in _PARSE.finditer(body):
            try:
                text, _ = decoder.raw_decode(body, pm.end())
                value = json.loads(text) if isinstance(text, str) else None
            except ValueError:
                continue
            if isinstance(value, (list, dict)) and value:
                out.append(value)
    return out[:MAX_CANDIDATES]
