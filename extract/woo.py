"""WooCommerce variable products: the variations JSON a product form carries
(`data-product_variations`), one package per quantity variation."""

from __future__ import annotations

import json
import re
from functools import cache

from extract.classify import classify
from extract.model import Offer
from extract.numbers import multiplier_pattern
from extract.prices import find_currency, parse_quantity
from extract.tables import HtmlElement, cell_text


@cache
def _lead_qty() -> re.Pattern[str]:
    """A label that starts with a quantity ("10k-followers", "1 lakh likes")."""
    mult = multiplier_pattern()
    return re.compile(rf"^\s*(\d[\d,.]*\s*(?:{mult})?)(?![\d])\s*[-_ ]*\s*(.*)$", re.I)


def _option_labels(form: HtmlElement) -> dict[tuple[str, str], str]:
    """(attribute name, option value) -> the option's text, from the form's variation selects."""
    out = {}
    for select in form.iter("select"):
        name = select.get("name") or select.get("data-attribute_name") or ""
        for option in select.iter("option"):
            value = option.get("value")
            if value:
                out[(name, value)] = cell_text(option)
    return out


def _page_symbol(doc: HtmlElement) -> str | None:
    for el in doc.xpath(
        "//*[contains(@class,'currencySymbol') or contains(@class,'currency-symbol')]"
    ):
        code = find_currency(cell_text(el))
        if code:
            return code
    return None


def woo_offers(doc: HtmlElement, currency: str | None, context: str) -> list[Offer]:
    """Packages from variation data; the product title (h1) gives platform/product context.

    A package is named as the shop's cart names it ("<product> - <variation>") and keeps the
    variation's id."""
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
        labels = _option_labels(form)
        title = _product_title(form) or context
        for var in variations:
            if not isinstance(var, dict) or var.get("display_price") in (None, "", 0):
                continue
            for attr, value in (var.get("attributes") or {}).items():
                label = labels.get((attr, str(value))) or str(value).replace("-", " ").strip()
                m = _lead_qty().match(label)
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
                vid = var.get("variation_id")
                offers.append(
                    Offer(name=f"{title} - {label}" if title else label, price=price,
                          currency=cur, per=qty, platform=platform, product=product,
                          service_id=str(vid) if isinstance(vid, int) else None, kind="package")
                )  # fmt: skip
                break
    return offers


def _product_title(form: HtmlElement) -> str:
    """The product title of a variations form: the nearest heading before it."""
    node = form
    for _ in range(6):
        node = node.getparent()
        if node is None:
            return ""
        for heading in node.xpath(".//h1|.//*[contains(@class,'product_title')]"):
            text = cell_text(heading)
            if text and len(text) <= 120:
                return text
    return ""
