"""All facts of one page: the single entry point the spider calls (pure, no Scrapy)."""

from __future__ import annotations

from extract.catalogue import extract_offers
from extract.leads import extract_leads
from extract.links import find_links
from extract.model import PageFacts
from extract.signals import page_signals
from extract.software import detect_software


def extract_page(
    html: str, url: str, status: int = 200, headers: dict[str, str] | None = None
) -> PageFacts:
    """Signals, links, catalogue, leads and software hints of one fetched page.

    A challenge or parking page yields its signals only: what stands on it is not the portal's.
    Error pages (4xx/5xx) yield signals and software hints but no catalogue or leads.
    """
    signals = page_signals(html, url, status, headers)
    facts = PageFacts(url=url, signals=signals)
    if signals.challenge or signals.parked:
        return facts
    facts.software = detect_software(html, url, headers)
    if not 200 <= status < 300:
        return facts
    facts.links = find_links(html, url)
    facts.offers = extract_offers(html, url)
    facts.payments, facts.contacts, facts.identifiers = extract_leads(html, url)
    return facts
