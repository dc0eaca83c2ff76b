"""Sources of candidates, by name: the one place a source is added.

Each names a function `collect(ctx: Context) -> list[Found]` by import path. A source reads
what the atlas already holds (sightings of off-site links, leads) or asks an outside service
(the certificate log), records where it saw each domain (a `sightings` row: page or query URL,
capture, time, SHA-256) and returns the domains it found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from extract.registry import load_object

SOURCES: dict[str, str] = {
    "seeds": "atlas.discovery.seeds:collect",  # a seeds file or a URL list from elsewhere
    "ct": "atlas.discovery.ctlog:collect",  # certificate transparency, keyword queries
    "links": "atlas.discovery.links:collect",  # directories, "best panels" posts, cross-links
    "supply": "atlas.discovery.links:collect_supply",  # provider API URLs, child panels
    "pivots": "atlas.discovery.pivots:collect",  # values inside the atlas that name a domain
}


@dataclass
class Found:
    domain: str
    url: str  # entry URL to crawl
    reason: str  # one of candidates.REASONS
    found_from: str | None  # the domain (or source) that named it
    sighting_id: int | None


@dataclass
class Context:
    session: Session
    round: int = 0
    seeds: list[str] = field(default_factory=list)
    ct_keywords: list[str] = field(default_factory=list)
    ct_url: str | None = None
    evidence_dir: str = "data/discovery"
    log: list[str] = field(default_factory=list)


def collect(name: str, ctx: Context) -> list[Found]:
    if name not in SOURCES:
        raise ValueError(f"unknown discovery source {name!r} (one of {', '.join(SOURCES)})")
    return load_object(SOURCES[name])(ctx)
