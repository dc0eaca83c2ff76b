"""All facts of one page: the single entry point the spider calls (pure, no Scrapy).

The page is parsed once (`ParsedPage`) and handed to the extractors registered in
extract/registry.py, each on the pages that need it.
"""

from __future__ import annotations

from extract.catalogue import dedupe
from extract.model import PageFacts
from extract.parsed import ParsedPage
from extract.registry import NO_CATALOGUE_ROLES, PRICES_FOR_CATALOGUE, steps


def extract_page(
    html: str,
    url: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    role: str = "other",
    currency_hint: str | None = None,
) -> PageFacts:
    """Signals, links, catalogue, leads and software hints of one fetched page."""
    return facts_of(ParsedPage.of(html, url, status, headers, role, currency_hint))


def facts_of(page: ParsedPage) -> PageFacts:
    """Run the registered extractors on `page`.

    A challenge or parking page yields its signals only: what stands on it is not the portal's.
    Error pages (4xx/5xx) yield signals and software hints but no catalogue or leads.
    An extractor that raises is recorded in `facts.errors` and the others still run.
    """
    facts = PageFacts(url=page.url)
    for name, step, func in steps():
        if not _runs(step.when, page, facts):
            continue
        try:
            value = func(page)
        except Exception as exc:  # one failing extractor never sinks the page's other facts
            facts.errors.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
            continue
        parts = (value,) if len(step.into) == 1 else value
        for field_name, part in zip(step.into, parts, strict=True):
            current = getattr(facts, field_name)
            if isinstance(current, list) and current:
                current.extend(part)
            else:
                setattr(facts, field_name, part)
    if facts.offers:
        facts.offers = dedupe(facts.offers)
    return facts


def _runs(when: str, page: ParsedPage, facts: PageFacts) -> bool:
    if page.is_json:
        return when == "json" and page.ok
    if when == "json":
        return False
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
