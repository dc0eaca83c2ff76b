"""Links and listings, and the supply chain: candidates from off-site links of crawled pages.

The storage writer keeps every off-site link of a crawled page as a sighting (page URL, capture,
SHA-256, anchor text, role of the page). `collect` turns directory and "best panels" entries and
cross-links into candidates; `collect_supply` turns provider API URLs (a reseller's upstream)
and child-panel references into candidates.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from atlas.discovery.sources import Context, Found
from storage.models import Sighting

LINK_KINDS = {"listing": "listing", "cross_link": "linked_from_portal"}
SUPPLY_KINDS = {"provider_api": "provider_api", "child_panel": "child_panel"}


def _root(url: str) -> str:
    """The site's entry: `http://host/` for an http link, else the bare host (the crawl tries
    https, then http)."""
    parts = urlsplit(url)
    return f"http://{parts.hostname}/" if parts.scheme == "http" else str(parts.hostname)


def _from(ctx: Context, kinds: dict[str, str]) -> list[Found]:
    rows = ctx.session.execute(
        select(Sighting.id, Sighting.kind, Sighting.value, Sighting.domain, Sighting.source)
        .where(Sighting.kind.in_(list(kinds)))
        .order_by(Sighting.id)
    )
    return [
        Found(domain, _root(value), kinds[kind], source, sid)
        for sid, kind, value, domain, source in rows
        if domain != source
    ]


def collect(ctx: Context) -> list[Found]:
    return _from(ctx, LINK_KINDS)


def collect_supply(ctx: Context) -> list[Found]:
    return _from(ctx, SUPPLY_KINDS)
