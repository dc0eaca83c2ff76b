"""The atlas database: SQLAlchemy 2.0 typed ORM models.

Design rules:
- every fact row points to the portal it belongs to and to the capture (evidence) it came from;
- nothing is deleted by a crawl: a fact that disappears from a site keeps its row and its
  `last_seen`; prices that change get a new `OfferObservation` (crawl history);
- natural unique keys make every write an idempotent upsert, so a rerun duplicates nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict: JSON, list: JSON}


class CrawlRun(Base):
    """One `smmatlas crawl` invocation."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # running, finished, failed, interrupted, abandoned, lost (storage/runs.py)
    status: Mapped[str] = mapped_column(String(20))
    seeds_key: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the sorted seeds
    seeds: Mapped[list] = mapped_column(JSON)
    settings: Mapped[dict] = mapped_column(JSON)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    pid: Mapped[int | None]
    outcome: Mapped[str | None] = mapped_column(Text)


class Portal(Base):
    """A portal, keyed by its registered domain."""

    __tablename__ = "portals"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str | None] = mapped_column(String(20))
    software: Mapped[str | None] = mapped_column(String(40))
    software_evidence: Mapped[list | None] = mapped_column(JSON)
    verdict_reasons: Mapped[list | None] = mapped_column(JSON)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))

    offers: Mapped[list[Offer]] = relationship(back_populates="portal")


class PortalCrawl(Base):
    """How one portal went in one run: lets an interrupted run resume where it stopped."""

    __tablename__ = "portal_crawls"
    __table_args__ = (UniqueConstraint("run_id", "portal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"))
    portal_id: Mapped[int] = mapped_column(ForeignKey("portals.id"))
    status: Mapped[str | None] = mapped_column(String(20))
    finished_at: Mapped[datetime | None]
    pages: Mapped[int] = mapped_column(default=0)
    rendered_pages: Mapped[int] = mapped_column(default=0)
    offers: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list | None] = mapped_column(JSON)


class Capture(Base):
    """Evidence: one distinct fetched body of one URL (WARC record, SHA-256, UTC time)."""

    __tablename__ = "captures"
    __table_args__ = (UniqueConstraint("url", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    portal_id: Mapped[int] = mapped_column(ForeignKey("portals.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    http_status: Mapped[int]
    content_type: Mapped[str | None] = mapped_column(String(200))
    headers: Mapped[dict | None] = mapped_column(JSON)  # response headers, lower-case names
    length: Mapped[int]
    rendered: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[datetime]  # first time this body was seen at this URL
    last_fetched_at: Mapped[datetime]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None]
    screenshot: Mapped[str | None] = mapped_column(Text)
    # evidence-grade capture (issue 8): where the response came from, its WARC record, the
    # newest record proving presence (a revisit on a recrawl), and a hashed screenshot
    ip_address: Mapped[str | None] = mapped_column(String(45))
    warc_record_id: Mapped[str | None] = mapped_column(String(100))
    last_warc_file: Mapped[str | None] = mapped_column(Text)
    last_warc_offset: Mapped[int | None]
    revisits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    screenshot_sha256: Mapped[str | None] = mapped_column(String(64))
    screenshot_at: Mapped[datetime | None]


class Offer(Base):
    """One service or package of a portal's catalogue (its current state)."""

    __tablename__ = "offers"
    __table_args__ = (UniqueConstraint("portal_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    portal_id: Mapped[int] = mapped_column(ForeignKey("portals.id"), index=True)
    key: Mapped[str] = mapped_column(Text)  # service ID, or name + package size
    service_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    platform: Mapped[str] = mapped_column(String(40), index=True)
    product: Mapped[str] = mapped_column(String(40), index=True)
    price: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    per: Mapped[int] = mapped_column(Integer)
    min: Mapped[int | None]
    max: Mapped[int | None]
    refill: Mapped[bool | None]
    kind: Mapped[str] = mapped_column(String(10), default="rate")
    url: Mapped[str] = mapped_column(Text)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    flags: Mapped[list | None] = mapped_column(JSON)  # implausible values (extract/sanity.py)

    portal: Mapped[Portal] = relationship(back_populates="offers")


class OfferObservation(Base):
    """Crawl history: an offer's price and limits each time they were first seen or changed."""

    __tablename__ = "offer_observations"
    __table_args__ = (Index("ix_offer_observations_offer", "offer_id", "seen_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    seen_at: Mapped[datetime]
    price: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    per: Mapped[int]
    min: Mapped[int | None]
    max: Mapped[int | None]
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))


class _Lead:
    """Columns shared by payments, contacts and identifiers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]


class Payment(_Lead, Base):
    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("portal_id", "method", "account"),)

    portal_id: Mapped[int] = mapped_column(ForeignKey("portals.id"), index=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    method: Mapped[str] = mapped_column(String(40))
    account: Mapped[str] = mapped_column(String(200), default="")  # "" when none is shown


class Contact(_Lead, Base):
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("portal_id", "kind", "value"),)

    portal_id: Mapped[int] = mapped_column(ForeignKey("portals.id"), index=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(320), index=True)


class Identifier(_Lead, Base):
    __tablename__ = "identifiers"
    __table_args__ = (UniqueConstraint("portal_id", "kind", "value"),)

    portal_id: Mapped[int] = mapped_column(ForeignKey("portals.id"), index=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    kind: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(200), index=True)


class HostingResult(Base):
    """One enrichment source's answer for one portal (kept: each fetch is a row)."""

    __tablename__ = "hosting_results"
    __table_args__ = (Index("ix_hosting_portal_source", "portal_id", "source", "fetched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    portal_id: Mapped[int] = mapped_column(ForeignKey("portals.id"))
    source: Mapped[str] = mapped_column(String(30))
    ok: Mapped[bool]
    data: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class ExchangeRate(Base):
    """Units of a currency per 1 US dollar on a date (issue 11): the shipped rates file
    (config/rates/usd.csv) and rates a user imports (`smmatlas rates import`). Rows are never
    replaced: for one date the newest import wins."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("currency", "date", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), index=True)
    date: Mapped[date]
    per_usd: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)  # the file (and its stated source)
    imported_at: Mapped[datetime]


# the facts of an offer as extracted (extract.model.Offer) and as exported (the contract)
OFFER_FACTS = (
    "service_id", "name", "category", "platform", "product", "price", "currency", "per",
    "min", "max", "refill",
)  # fmt: skip

LEAD_MODELS = {"payments": Payment, "contacts": Contact, "identifiers": Identifier}


class Sighting(Base):
    """Where an off-site link or a shared value was seen: page, capture, time, hash (issue 9).

    Kinds: listing, cross_link, provider_api, child_panel (off-site links of crawled pages),
    ct_log (a certificate-log answer), seed, shared_value (a pivot inside the atlas)."""

    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("url", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(500))  # the link's URL, the name, the shared value
    domain: Mapped[str] = mapped_column(String(253), index=True)  # the domain it names
    source: Mapped[str | None] = mapped_column(String(253))  # portal (or source) it was seen on
    portal_id: Mapped[int | None] = mapped_column(ForeignKey("portals.id"), index=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    url: Mapped[str] = mapped_column(Text)  # the page (or query) it stands on
    text: Mapped[str | None] = mapped_column(Text)  # anchor text
    context: Mapped[str | None] = mapped_column(Text)  # words around it
    role: Mapped[str | None] = mapped_column(String(20))  # the source page's role
    sha256: Mapped[str | None] = mapped_column(String(64))  # of the page / answer body
    seen_at: Mapped[datetime]
    last_seen: Mapped[datetime]


class Candidate(Base):
    """A domain discovery found: why, how strongly, and what became of it (issue 9)."""

    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    url: Mapped[str] = mapped_column(Text)  # entry URL to crawl
    reason: Mapped[str] = mapped_column(String(30))  # why it was first found
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # every reason seen since
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # new, queued, crawled, portal, rejected, approved, ignored
    state: Mapped[str] = mapped_column(String(12), index=True, default="new")
    found_from: Mapped[str | None] = mapped_column(String(253))  # who named it first
    sighting_id: Mapped[int | None] = mapped_column(ForeignKey("sightings.id"))  # first sighting
    round: Mapped[int] = mapped_column(default=0)  # the discover round that found it
    verdict: Mapped[str | None] = mapped_column(String(20))  # portal status once crawled
    note: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]


class CaptureFacts(Base):
    """The facts extracted from one capture's body (issue 12): a recrawl that fetches the same
    body again reuses them instead of extracting it again (storage/known.py). Only facts of
    the same extractor version (extract/serial.py), role and currency hint are reused."""

    __tablename__ = "capture_facts"

    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"), primary_key=True)
    version: Mapped[str] = mapped_column(String(64))  # extract.serial.extractor_version()
    role: Mapped[str] = mapped_column(String(40))  # the role the crawl gave the page
    currency_hint: Mapped[str] = mapped_column(String(8))  # the portal's currency so far, or ""
    context: Mapped[str] = mapped_column(String(64))  # status and headers read (extract.serial)
    facts: Mapped[bytes] = mapped_column(LargeBinary)  # zlib JSON (extract.serial.dumps)
    stored_at: Mapped[datetime]
