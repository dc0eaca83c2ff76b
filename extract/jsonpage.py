"""Catalogues carried as JSON: a JSON response a page or app loads (panel API, shop product
JSON), and JSON inline in an HTML page (`__NEXT_DATA__`, `window.__STATE__ = {...}`).

Registry adapters over extract.jsoncat (any service-like arrays) and extract.shopjson (shop
product JSON, tried first by `offers_from_json`).
"""

from __future__ import annotations

from extract.jsoncat import json_candidates, offers_from_json
from extract.model import Offer
from extract.parsed import ParsedPage


def json_offers_of(page: ParsedPage) -> list[Offer]:
    """Offers of a JSON response (the registry's `json_offers` extractor)."""
    return offers_from_json(page.html, page.url, page.currency_hint)


def inline_json_offers_of(page: ParsedPage) -> list[Offer]:
    """Offers of the JSON an HTML page carries in its scripts."""
    if "<script" not in page.lower:
        return []
    offers: list[Offer] = []
    for data in json_candidates(page.html):
        offers += offers_from_json(data, page.url, page.currency_hint)
    return offers
