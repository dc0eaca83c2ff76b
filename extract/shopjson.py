"""Storefront product JSON: each variant (or each simple product) a package.

Shapes read (public, no login):
- Shopify `/products.json` and `/products/<handle>.json`: `products[].title`,
  `variants[].title / option1..3` ("1000 Followers"), `price` a string in major units ("4.99").
- Shopify `/products/<handle>.js`: one product, variant prices integers in minor units (499).
- WooCommerce Store API `/wp-json/wc/store/v1/products[/<id>]`: `name`, `prices.price` in minor
  units with `prices.currency_minor_unit` and `prices.currency_code`; a variable product lists
  `variations` (attributes only, unless its variation objects carry their own `prices`);
  a variation fetched by id has its attributes in `variation` ("Quantity: 1000 Followers").
Price = the package price (sale price, never the struck-through list price); per = the package
size read from the variant label or the title ("10K Followers" -> 10000); min/max None.
"""

from __future__ import annotations

import re
from typing import Any

from extract.classify import classify
from extract.model import Offer
from extract.prices import parse_quantity
from extract.text import collapse_ws, words

_QTY = re.compile(r"(?<![\w.,])(\d[\d,.]*\s*(?:[kKmM]|lakh|crore)?)(?![\w.,])")


def _quantity(label: str) -> tuple[int, str] | None:
    """The package size a label names ("10K Followers" -> 10000) and its text."""
    m = _QTY.search(label or "")
    if not m:
        return None
    qty = parse_quantity(m.group(1))
    return (qty, m.group(1).strip()) if qty and qty >= 5 else None


def _name(title: str, label: str | None) -> str:
    """ "1000 Instagram Followers" when the variant only adds a quantity, else "title - label"."""
    title = collapse_ws(title)
    label = collapse_ws(label)
    if not label or label.lower() in ("default title", "default"):
        return title
    got = _quantity(label)
    if got and not _quantity(title):
        rest = set(words(label.replace(got[1], " ", 1)))
        if rest <= set(words(title)):
            return f"{got[1]} {title}"
    return f"{title} - {label}"


def _package(
    name: str, size_from: list[str], price: float, currency: str, context: str, sid: Any
) -> Offer | None:
    qty = next((q for q in (_quantity(s) for s in size_from if s) if q), None)
    if qty is None or price < 0:
        return None
    platform, product = classify(name, context)
    if platform == "other" and product == "other":
        return None
    return Offer(
        name=name,
        price=round(price, 6),
        currency=currency,
        per=qty[0],
        platform=platform,
        product=product,
        service_id=None if sid in (None, "") else str(sid),
        category=context or None,
        kind="package",
    )


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or v in (None, ""):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


# -- Shopify -------------------------------------------------------------------------------


def _is_shopify_product(p: Any) -> bool:
    return (
        isinstance(p, dict)
        and isinstance(p.get("title"), str)
        and isinstance(p.get("variants"), list)
        and ("handle" in p or "product_type" in p or "options" in p)
    )


def _shopify(product: dict, currency: str, cents: bool) -> list[Offer]:
    title = product["title"]
    context = " ".join(x for x in (title, product.get("product_type") or "") if x)
    offers = []
    for v in product["variants"]:
        if not isinstance(v, dict):
            continue
        price = _num(v.get("price"))
        if price is None:
            continue
        if cents or isinstance(v.get("price"), int):
            price /= 100
        options = [v.get(k) for k in ("option1", "option2", "option3")]
        options = [o for o in options if isinstance(o, str)]
        label = v.get("title") if isinstance(v.get("title"), str) else " / ".join(options)
        name = _name(title, label)
        offer = _package(name, [label, *options, title], price, currency, context, v.get("id"))
        if offer:
            offers.append(offer)
    return offers


# -- WooCommerce Store API -----------------------------------------------------------------


def _is_woo(p: Any) -> bool:
    return (
        isinstance(p, dict)
        and isinstance(p.get("prices"), dict)
        and ("currency_minor_unit" in p["prices"] or "currency_code" in p["prices"])
        and isinstance(p.get("name"), str)
    )


def _woo_price(prices: dict) -> tuple[float, str] | None:
    raw = prices.get("sale_price") or prices.get("price")
    amount = _num(raw)
    if amount is None:
        return None
    minor = prices.get("currency_minor_unit")
    if isinstance(minor, int) and 0 <= minor <= 4:
        amount /= 10**minor
    code = prices.get("currency_code")
    return amount, code.upper() if isinstance(code, str) and code else ""


def _woo_label(p: dict) -> str:
    if isinstance(p.get("variation"), str):
        return re.sub(r"^[^:]{1,40}:\s*", "", p["variation"].strip())
    attrs = p.get("attributes")
    if isinstance(attrs, list):
        vals = [a.get("value") or a.get("option") for a in attrs if isinstance(a, dict)]
        return " / ".join(str(v) for v in vals if v)
    return ""


def _woo(p: dict, hint: str) -> list[Offer]:
    title = collapse_ws(re.sub(r"<[^>]+>", " ", p["name"]))
    cats = [c.get("name", "") for c in p.get("categories") or [] if isinstance(c, dict)]
    context = " ".join([title, *cats])
    offers = []
    variations = [v for v in p.get("variations") or [] if isinstance(v, dict)]
    priced = [v for v in variations if isinstance(v.get("prices"), dict)]
    if variations and not priced:
        return []  # variation prices live at /wc/store/v1/products/<variation id>
    targets = [(v, v["prices"]) for v in priced] or [(p, p["prices"])]
    for item, prices in targets:
        got = _woo_price(prices)
        if got is None:
            continue
        label = _woo_label(item) if item is not p or p.get("variation") else ""
        name = _name(title, label)
        offer = _package(name, [label, title], got[0], got[1] or hint, context, item.get("id"))
        if offer:
            offers.append(offer)
    return offers


def woo_variation_ids(data: Any) -> list[int]:
    """Variation ids of variable Store API products whose list entry carries no prices
    (each is readable at /wp-json/wc/store/v1/products/<id>)."""
    items = data if isinstance(data, list) else [data]
    ids = []
    for p in items:
        if _is_woo(p):
            for v in p.get("variations") or []:
                if isinstance(v, dict) and isinstance(v.get("id"), int) and "prices" not in v:
                    ids.append(v["id"])
    return ids


def shop_offers(data: Any, currency_hint: str | None = None) -> list[Offer] | None:
    """Packages of a shop's product JSON; None when `data` is not shop product JSON."""
    hint = (currency_hint or "USD").upper()
    if isinstance(data, dict):
        if isinstance(data.get("products"), list) and any(
            _is_shopify_product(p) for p in data["products"]
        ):
            return [
                o
                for p in data["products"]
                if _is_shopify_product(p)
                for o in _shopify(p, hint, cents=False)
            ]
        if _is_shopify_product(data.get("product")):
            return _shopify(data["product"], hint, cents=False)
        if _is_shopify_product(data) and isinstance(data.get("price"), int):
            return _shopify(data, hint, cents=True)  # /products/<handle>.js
        if _is_woo(data):
            return _woo(data, hint)
        return None
    if isinstance(data, list) and data and any(_is_woo(p) for p in data):
        return [o for p in data if _is_woo(p) for o in _woo(p, hint)]
    return None
