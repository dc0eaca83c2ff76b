"""All facts of one page: the single entry point the spider calls (pure, no Scrapy).

The page is parsed once (`ParsedPage`) and handed to the extractors registered in
extract/registry.py, each on the pages that need it.
"""

from __future__ import annotations

from extract.model import PageFacts
from extract.parsed import ParsedPage
from extract.registry import NO_CATALOGUE_ROLES, PRICES_FOR_CATALOGUE, steps


def extract_page(
    html: str,
    url: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    role: str = "other",
) -> PageFacts:
    """Signals, links, catalogue, leads and software hints of one fetched page."""
    return facts_of(ParsedPage.of(html, url, status, headers, role))


def facts_of(page: ParsedPage) -> PageFacts:
    """Run the registered extractors on `page`.

    A challenge or parking page yields its signals only: what stands on it is not the portal's.
    Error pages (4xx/5xx) yield signals and software hints but no catalogue or leads.
    """
    facts = PageFacts(url=page.url)
    for _name, step, func in steps():
        if not _runs(step.when, page, facts):
            continue
        value = func(page)
        if len(step.into) == 1:
            setattr(facts, step.into[0], value)
        else:
            for field_name, part in zip(step.into, value, strict=True):
                setattr(facts, field_name, part)
    return facts


def _runs(when: str, page: ParsedPage, facts: PageFacts) -> bool:
    if when == "always":
        return True
    signals = facts.signals
    if signals.challenge or signals.parked:
        return False
    if when == "answered":
        return True
    if not page.ok:
        return False
    if when == "content":
        return True
    return page.role not in NO_CATALOGUE_ROLES or signals.prices >= PRICES_FOR_CATALOGUE
