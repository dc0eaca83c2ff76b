"""Facts extracted from one page: the shared vocabulary of every stage after the fetch.

Pure data (dataclasses); no Scrapy, no SQLAlchemy. Every extractor returns these and the
storage layer persists them as they are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(slots=True)
class Offer:
    """One priced service or package, as the page shows it."""

    name: str  # as shown, whitespace collapsed
    price: float  # in `currency`, for `per` units
    currency: str  # ISO 4217, upper case
    per: int  # 1000 for a rate per 1000, the package size for a package
    platform: str  # contract vocabulary (config/vocab/platforms.toml)
    product: str  # contract vocabulary (config/vocab/products.toml)
    service_id: str | None = None  # the portal's own ID, as shown
    category: str | None = None
    min: int | None = None
    max: int | None = None
    refill: bool | None = None
    kind: str = "rate"  # "rate" (price per `per` units, panel rows) or "package" (fixed bundle)
    flags: list[str] = field(default_factory=list)  # implausible values, extract/sanity.py


@dataclass(slots=True)
class Payment:
    method: str  # contract vocabulary (config/vocab/gateways.toml)
    account: str | None = None  # receiving account: VPA, PayPal e-mail, crypto, bank account
    evidence: str | None = None  # the snippet / attribute it was read from


@dataclass(slots=True)
class Contact:
    kind: str  # email, phone, whatsapp, telegram, skype, discord, instagram, facebook, twitter
    value: str  # normalised: E.164 phones, lower-case e-mail, telegram handle without @
    evidence: str | None = None


@dataclass(slots=True)
class Identifier:
    kind: str  # google_analytics, google_tag_manager, ..., favicon_mmh3, upstream_panel
    value: str
    evidence: str | None = None


@dataclass(slots=True)
class SoftwareHint:
    name: str  # perfectpanel, smartpanel, wordpress, woocommerce, ...
    evidence: str  # the marker that matched
    weight: float = 1.0


@dataclass(slots=True)
class Link:
    url: str  # absolute
    text: str
    role: str  # services, pricing, api, payment, faq, contact, terms, signup, next_page, other


@dataclass(slots=True)
class OffsiteLink:
    """A link to another site, with its context (discovery: extract/offsite.py)."""

    url: str  # absolute
    domain: str  # its registered domain
    text: str  # anchor text
    kind: str  # listing, cross_link, provider_api, child_panel
    context: str = ""  # words around the link
    source_role: str = "other"  # the role the crawl gave the page it stands on


@dataclass(slots=True)
class PageSignals:
    """What a page is, independent of its catalogue."""

    title: str = ""
    challenge: bool = False  # anti-bot challenge / ban page
    parked: bool = False  # parking or for-sale page
    portal_score: float = 0.0  # 0..1: how much the page looks like it sells engagement
    needs_render: bool = False  # the plain HTML lacks what the page promises (JS shell)
    render_reason: str | None = None
    api_variant: str | None = None  # "v2", "v1", ... when the page documents a panel API
    prices: int = 0  # currency amounts in the visible text (any product)
    redirect: str | None = None  # meta refresh / script redirect target (absolute URL)
    favicon_urls: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PageFacts:
    url: str
    offers: list[Offer] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    software: list[SoftwareHint] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    offsite: list[OffsiteLink] = field(default_factory=list)  # links to other sites
    signals: PageSignals = field(default_factory=PageSignals)
    currency: str | None = None  # the page's display currency (price metadata, switcher)
    errors: list[str] = field(default_factory=list)  # "extractor: error" of steps that failed

    def to_dict(self) -> dict:
        return asdict(self)
