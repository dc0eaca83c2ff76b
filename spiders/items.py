"""The items the spider hands to storage, as dataclasses (Scrapy takes dataclass objects as items
through itemadapter).

Three kinds, told apart by their class (storage/pipelines.py dispatches with `isinstance`):
- `PageItem`: one fetched page, or one part of a rendered page (a state behind a category
  choice, a JSON body it loaded);
- `ScreenshotItem`: a screenshot of a page captured before, taken after the crawl's pages;
- `PortalItem`: a portal's verdict, when its last request is done (or when the crawl ends with
  the portal still open, through the `open_portals` signal, config/signals.py).

Dataclasses only, no Scrapy: storage imports this module. Every value in them came from a
hostile site or was derived from one; storage cleans what it keeps (credentials in URLs,
request headers) on a copy, never on the item itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from extract.model import PageFacts


@dataclass(slots=True)
class PageItem:
    """A fetched page: its evidence (`url`, `status`, `headers`, `body`, `fetched_at`,
    `rendered`, `ip_address`, `request_headers`, `screenshot`) is kept as a WARC record and a
    capture row; its `facts` (extract.model.PageFacts) become offers, leads and sightings.

    `ip_address` is the address the response came from (a proxy's, through one);
    `request_headers` are the request's headers as sent (None for the parts of a rendered page:
    no request of their own); `screenshot` is the PNG of a rendered page shot live."""

    domain: str  # the portal's registrable domain
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    rendered: bool
    facts: PageFacts
    ip_address: str | None = None
    request_headers: list[tuple[str, str]] | None = None
    screenshot: bytes | None = None


@dataclass(slots=True)
class ScreenshotItem:
    """A PNG (`png`, `taken_at`: evidence) of the page at `url` whose captured body has SHA-256
    `sha256` (hex); storage attaches it to that capture if it has none yet."""

    domain: str
    url: str
    sha256: str
    png: bytes
    taken_at: datetime


@dataclass(slots=True)
class PortalItem:
    """A portal's verdict: `status` and `kind` (vocabulary of the contract), the panel
    `software` and its evidence (`software_evidence`: the markers and the pages they were on),
    `reasons` for the verdict, and the crawl's counts (`pages` fetched, `rendered_pages`,
    `offers`) and `errors`. Storage marks the portal finished only when every one of its
    `pages` this run fetched was stored."""

    domain: str
    url: str  # the entry page reached (after redirects), else the last entry URL tried
    status: str
    kind: str | None = None
    software: str | None = None
    software_evidence: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    pages: int = 0
    rendered_pages: int = 0
    offers: int = 0
    errors: list[str] = field(default_factory=list)


ITEMS = (PageItem, ScreenshotItem, PortalItem)
