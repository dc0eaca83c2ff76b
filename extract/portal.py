"""Site-level verdict: is this site a portal selling engagement, and of which kind?

Input: one `PageVerdictInput` per fetched page (the entry page first, or marked `entry`).
Output: `Verdict` with status in {active, blocked, parked, not_a_portal}, kind in {panel,
storefront, other, None}, a 0..1 score and reasons for analysts. "unreachable" is decided by
the spider from network errors. Thresholds are data ([verdict] in config/vocab/pages.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.model import PageFacts, PageSignals
from extract.signals import vocab


@dataclass(slots=True)
class PageVerdictInput:
    """What the verdict needs from one fetched page."""

    url: str
    status: int
    signals: PageSignals
    offers: int = 0  # offers extracted on the page
    payments: int = 0  # payment methods found on the page
    rate_offers: int = 0  # of `offers`, priced per N units (panel rows)
    package_offers: int = 0  # of `offers`, fixed packages
    with_minmax: int = 0  # of `offers`, with a min or max order quantity
    prices: int = 0  # currency amounts in the visible text (any product)
    entry: bool = False  # the portal's entry page

    @classmethod
    def from_facts(cls, facts: PageFacts, status: int, entry: bool = False) -> PageVerdictInput:
        """Build from `extract.page.extract_page` output."""
        offers = facts.offers
        return cls(
            url=facts.url,
            status=status,
            signals=facts.signals,
            offers=len(offers),
            payments=len({p.method for p in facts.payments}),
            rate_offers=sum(1 for o in offers if o.kind == "rate"),
            package_offers=sum(1 for o in offers if o.kind == "package"),
            with_minmax=sum(1 for o in offers if o.min is not None or o.max is not None),
            prices=facts.signals.prices,
            entry=entry,
        )


@dataclass(slots=True)
class Verdict:
    status: str  # active, blocked, parked, not_a_portal
    kind: str | None  # panel, storefront, other, None
    score: float  # 0..1: confidence that the site is a portal
    reasons: list[str] = field(default_factory=list)


def _entry(pages: list[PageVerdictInput]) -> PageVerdictInput:
    return next((p for p in pages if p.entry), pages[0])


def _kind(content: list[PageVerdictInput], api: str | None) -> tuple[str, str]:
    rates = sum(p.rate_offers for p in content)
    packages = sum(p.package_offers for p in content)
    minmax = sum(p.with_minmax for p in content)
    if rates > packages or (api and rates >= packages):
        why = f"{rates} per-unit rate rows" + (f", {minmax} with min/max" if minmax else "")
        return "panel", why + (f", API {api}" if api else "")
    if packages:
        return "storefront", f"{packages} fixed packages"
    if api:
        return "panel", f"panel API {api} documented"
    return "panel", "panel structure (sign-in, order and funds pages) without a public catalogue"


def portal_verdict(pages: list[PageVerdictInput]) -> Verdict:
    """Status and kind of one site from all its fetched pages."""
    cfg = vocab()["verdict"]
    if not pages:
        return Verdict("not_a_portal", None, 0.0, ["no page fetched"])
    entry = _entry(pages)
    content = [
        p
        for p in pages
        if 200 <= p.status < 300 and not p.signals.challenge and not p.signals.parked
    ]
    challenges = [p for p in pages if p.signals.challenge]
    if challenges and not content:
        return Verdict(
            "blocked",
            None,
            0.0,
            [f"anti-bot challenge at {p.url} (HTTP {p.status})" for p in challenges[:3]],
        )
    if entry.signals.parked or (not content and any(p.signals.parked for p in pages)):
        return Verdict("parked", None, 0.0, [f"parking / for-sale page at {entry.url}"])
    if not content:
        statuses = sorted({p.status for p in pages})
        if set(statuses) <= set(cfg["ban_statuses"]):
            return Verdict("blocked", None, 0.0, [f"refused on every page (HTTP {statuses})"])
        return Verdict("not_a_portal", None, 0.0, [f"no page with content (HTTP {statuses})"])

    best = max(content, key=lambda p: p.signals.portal_score)
    score = best.signals.portal_score
    offers = sum(p.offers for p in content)
    api = next((p.signals.api_variant for p in content if p.signals.api_variant), None)
    likely = [p for p in content if p.signals.portal_score >= cfg["structure_score"]]
    reasons = [f"best page score {score:.2f} at {best.url}"]
    if offers:
        where = [p.url for p in content if p.offers][:3]
        reasons.append(f"{offers} offers on {', '.join(where)}")
    if api:
        reasons.append(f"panel API {api} documented")
    payments = max((p.payments for p in content), default=0)
    if payments:
        reasons.append(f"{payments} payment methods on one page")

    active = (
        (offers >= cfg["min_offers"] and score >= cfg["min_offers_score"])
        or (offers > 0 and score >= cfg["few_offers_score"])
        or (api is not None and score >= cfg["api_score"])
        or len(likely) >= cfg["structure_pages"]
    )
    if active:
        if not offers and not api:
            reasons.append(f"{len(likely)} pages with clear panel structure, no public catalogue")
        kind, why = _kind(content, api)
        reasons.append(f"kind {kind}: {why}")
        site_score = max(score, min(1.0, 0.5 + offers / 20))
        return Verdict("active", kind, round(site_score, 4), reasons)

    if offers:
        reasons.append("offers found, but no page reads like an engagement seller")
    else:
        reasons.append("no offers and no clear panel structure")
    priced = max((p.prices for p in content), default=0)
    kind = "other" if priced >= cfg["commerce_prices"] else None
    if kind:
        reasons.append(f"sells something else: {priced} prices on one page")
    return Verdict("not_a_portal", kind, round(score, 4), reasons)
