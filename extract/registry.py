"""Extractors by name, in the order they run: the one place an extractor is added.

Each entry names a function `f(page: ParsedPage) -> value` by its import path (loaded once,
as Scrapy loads its `FEED_EXPORTERS`), the `PageFacts` field(s) its value fills, and the pages
it runs on:
- `always`: every page (what the page is: challenge, parking, JS shell, prices);
- `answered`: every page that is not a challenge or parking page (error pages included);
- `content`: 2xx pages that are not a challenge or parking page;
- `catalogue`: content pages whose role can hold a catalogue, or that show prices anyway;
- `json`: 2xx JSON responses (an app's or a shop's catalogue JSON); they run nothing else.
The catalogue extractor strips scripts from the shared tree, so it comes last. Steps that fill
the same list field add to it (offers are deduplicated once all have run).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

WHEN = ("always", "answered", "content", "catalogue", "json")


@dataclass(frozen=True)
class Step:
    target: str  # "package.module:function"
    into: tuple[str, ...]  # PageFacts fields the function's value fills (a tuple: several)
    when: str = "content"


EXTRACTORS: dict[str, Step] = {
    "signals": Step("extract.signals:signals_of", ("signals",), "always"),
    "software": Step("extract.software:software_of", ("software",), "answered"),
    "links": Step("extract.links:links_of", ("links",), "content"),
    "app_links": Step("extract.applinks:app_links_of", ("links",), "content"),
    "offsite": Step("extract.offsite:offsite_of", ("offsite",), "content"),
    "leads": Step("extract.leads:leads_of", ("payments", "contacts", "identifiers"), "content"),
    "currency": Step("extract.catalogue:currency_of", ("currency",), "content"),
    "inline_json_offers": Step("extract.jsonpage:inline_json_offers_of", ("offers",), "catalogue"),
    "credits": Step("extract.leads:credits_of", ("software",), "content"),
    "offers": Step("extract.catalogue:offers_of", ("offers",), "catalogue"),
    "json_offers": Step("extract.jsonpage:json_offers_of", ("offers",), "json"),
}

# Roles of pages that never hold the catalogue (their prices are prose, plans or fees) unless
# they show many prices anyway.
NO_CATALOGUE_ROLES = frozenset({"api", "contact", "faq", "terms", "signup", "payment"})
PRICES_FOR_CATALOGUE = 5


def load_object(path: str) -> Callable[..., Any]:
    """The object named "package.module:name" (or "package.module.name")."""
    module, _, name = path.partition(":") if ":" in path else path.rpartition(".")
    if not module or not name:
        raise ValueError(f"not an import path: {path!r}")
    return getattr(importlib.import_module(module), name)


@cache
def steps() -> tuple[tuple[str, Step, Callable[..., Any]], ...]:
    """(name, step, function) of every registered extractor, in order."""
    out = []
    for name, step in EXTRACTORS.items():
        if step.when not in WHEN:
            raise ValueError(f"extractor {name}: unknown `when` {step.when!r}")
        out.append((name, step, load_object(step.target)))
    return tuple(out)
