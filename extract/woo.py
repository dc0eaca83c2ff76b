"""WooCommerce variable products: the variations JSON a product form carries
(`data-product_variations`), one package per quantity variation."""

from __future__ import annotations

import json
import re

from extract.classify import classify
from extract.model import Offer
from extract.prices import find_currency, parse_quantity
from extract.tables import HtmlElement, cell_text

_LEAD_QTY = re.compile(r"^\s*(\d[\d,.]*\s*[kKmM]?)(?![\d])\s*[-_ ]*\s*(.*)$")


def _page_symbol(doc: HtmlElement) -> str | None:
    for el in doc.xpath(
        "//*[contains(@class,'currencySymbol') or contains(@class,'currency-symbol')]"
    ):
        code = find_currency(cell_text(el))
        if code:
            return code
    return None


def woo_offers(doc: HtmlElement, currency: str | None, context: str) -> list[Offer]:
    """Packages from variation data; the product title (h1) gives platform/product context."""
    forms = doc.xpath("//*[@data-product_variations]")
    if not forms:
        return []
    cur = _page_symbol(doc) or currency or "USD"
    offers = []
    for form in forms:
        try:
            variations = json.loads(form.get("data-product_variations") or "[]")
        except ValueError:
            continue
        if not isinstance(variations, list):
            continue
        for var in variations:
            if not isinstance(var, dict) or var.get("display_price") in (None, "", 0):
                continue
            for value in (var.get("attributes") or {}).values():
                label = str(value).replace("-", " ").strip()
                m = _LEAD_QTY.match(label)
                qty = parse_quantity(m.group(1)) if m else None
                if not qty or qty < 5:
                    continue
                platform, product = classify(label, context)
                if product == "other":
                    continue
                try:
                    price = float(var["display_price"])
                except (TypeError, ValueError):
                    break
                offers.append(
                    Offer(name=label, price=price, currency=cur, per=qty, platform=platform,
                          product=product, kind="package")
                )  # fmt: skip
                break
    return offers
