"""Extract a portal's service catalogue from raw HTML of any layout.

Entry point: `extract_offers(html, url) -> list[Offer]`. Panel tables (one row per service,
priced per N units) come from extract.tables/extract.rows; retail package cards from
extract.cards. Pure: no network, no Scrapy.
"""

from __future__ import annotations

import re

from extract.cards import card_offers
from extract.classify import classify
from extract.domains import region_for
from extract.kvrows import kv_offers
from extract.model import Offer
from extract.parsed import ParsedPage
from extract.prices import SITE_REGION, find_currency
from extract.rows import GridResult, grid_offers
from extract.tables import Grid, HtmlElement, div_grids, heading_before, table_grids

_CURRENCY_XPATH = (
    "//meta[@itemprop='priceCurrency']/@content|//*[@itemprop='priceCurrency']/@content"
    "|//meta[@property='og:price:currency' or @property='product:price:currency']/@content"
)


_SWITCHER_XPATH = "//*[not(self::select)][contains(@class,'urrenc') or contains(@id,'urrenc')]"


# The store currency a page's scripts declare: structured data (`"priceCurrency": "EUR"`) and
# shop software's page globals (Shopify's `Shopify.currency = {"active": "EUR", ...}`).
_SCRIPT_CURRENCY = re.compile(
    r"""(?:"priceCurrency"\s*:\s*|Shopify\.currency\s*=\s*\{[^{}]{0,80}?"active"\s*:\s*)"""
    r'"([A-Z]{3})"'
)


def currency_of(page: ParsedPage) -> str | None:
    """The display currency of a parsed page (the registry's `currency` extractor): price
    metadata or a currency switcher, else the currency the page's scripts declare."""
    found = page_currency(page.tree) if page.tree is not None else None
    if found is None and "currency" in page.lower:
        m = _SCRIPT_CURRENCY.search(page.html)
        found = m.group(1) if m and find_currency(m.group(1)) == m.group(1) else None
    return found


def page_currency(doc: HtmlElement) -> str | None:
    """The page's display currency from price metadata or a currency switcher."""
    for value in doc.xpath(_CURRENCY_XPATH):
        code = find_currency(str(value))
        if code:
            return code
    for select in doc.iter("select"):
        options = select.findall(".//option")
        codes = [find_currency("".join(o.itertext())) for o in options]
        short = all(len("".join(o.itertext()).strip()) <= 25 for o in options)
        if short and len(options) >= 2 and sum(1 for c in codes if c) >= len(options) - 1:
            chosen = [
                c for o, c in zip(options, codes, strict=True) if o.get("selected") is not None
            ]
            return (chosen or codes)[0]
    for el in doc.xpath(_SWITCHER_XPATH):
        text = "".join(el.itertext())
        if len(text) <= 40:
            code = find_currency(text)
            if code:
                return code
    return None


def _accept(offers: list[Offer], has_quantities: bool) -> bool:
    """A grid is a service catalogue when its rows look like unit offers for engagement."""
    if not offers:
        return False
    classified = sum(1 for o in offers if o.platform != "other" or o.product != "other")
    if classified / len(offers) < 0.25:
        return False
    return has_quantities or classified / len(offers) >= 0.6


def table_offers(doc: HtmlElement, currency: str | None) -> tuple[list[Offer], set]:
    """Offers from all service grids, and the grid elements used."""
    grids: list[Grid] = table_grids(doc)
    tables = {g.element for g in grids}
    grids += div_grids(doc)
    offers: list[Offer] = []
    used: set = set()
    accepted: list[tuple[Grid, list[Offer]]] = []
    fallback = None
    results = []
    for grid in grids:
        result = grid_offers(grid, currency, fallback if grid.element in tables else None)
        if result is None and not grid.is_table:
            found = kv_offers(grid.element.getchildren(), currency)
            result = GridResult(found, True, len(found), {}, ["kv"]) if found else None
        if result is None:
            continue
        if result.rows <= 0 and grid.element in tables:
            fallback = (result.mapping, result.headers)  # header in its own table (sticky themes)
        results.append((grid, result))
    good_headers = set()
    for grid, result in results:
        if _accept(result.offers, result.has_quantities):
            accepted.append((grid, result.offers))
            good_headers.add(tuple(result.headers))
    for grid, result in results:  # small tables sharing the header of an accepted one
        if (
            result.offers
            and tuple(result.headers) in good_headers
            and not _accept(result.offers, result.has_quantities)
        ):
            if result.has_quantities:
                accepted.append((grid, result.offers))
    nested = {a for g, _ in accepted for a in g.element.iterancestors()}
    accepted = [(g, o) for g, o in accepted if g.element not in nested]
    accepted.sort(key=lambda item: item[0].element.sourceline or 0)
    multi = len(accepted) > 1
    for grid, found in accepted:
        if multi:
            heading = heading_before(grid.element)
            for o in found:
                if o.category is None and heading:
                    o.category = heading
                    o.platform, o.product = classify(o.name, heading)
        offers.extend(found)
        used.add(grid.element)
    return offers, used


def dedupe(offers: list[Offer]) -> list[Offer]:
    seen: set = set()
    out = []
    for o in offers:
        key = ("id", o.service_id) if o.service_id else ("name", o.name, o.price, o.per)
        if key in seen:
            continue
        seen.add(key)
        out.append(o)
    return out


def extract_offers(html: str, url: str) -> list[Offer]:
    """All offers a page shows: panel service rows and retail packages."""
    return offers_of(ParsedPage.of(html, url))


def offers_of(page: ParsedPage) -> list[Offer]:
    """Offers of a parsed page (the registry's `offers` extractor; strips the shared tree)."""
    doc = page.content_tree()
    if doc is None:
        return []
    token = SITE_REGION.set(region_for(page.url))
    try:
        return _offers(doc, page.url)
    finally:
        SITE_REGION.reset(token)


def _offers(doc: HtmlElement, url: str) -> list[Offer]:
    currency = page_currency(doc)
    offers, used = table_offers(doc, currency)
    offers += card_offers(doc, url, currency, used)
    return dedupe(offers)
