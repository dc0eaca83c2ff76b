"""`smmatlas stats`: the market as one crawl run saw it, in the published study's terms.

Nevado-Catalán et al. (Computers & Security 124, 2023) describe the market by the median price
per 1000 units of each platform and product, how many offers and portals each platform has,
and the currencies and payment methods in use. This table is the same for one run of the
atlas: the portals crawled in that run, their offers seen during it (each at the price it had
then, from the price history), converted to USD at the rate of the day (atlas/rates.py).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atlas.export import one_sighting_each
from atlas.rates import RateTable
from config.errors import StatsError  # noqa: F401 - re-exported
from storage.models import CrawlRun, Offer, OfferObservation, Payment, Portal, PortalCrawl

COLUMNS = ["section", "group", "offers", "portals", "share", "median_usd_per_1000"]
SECTIONS = {
    "price": "Median price per 1000 (USD) by platform and product",
    "platform": "Offers and portals per platform",
    "currency": "Currency mix (share of offers)",
    "payment": "Payment-method mix (share of portals with offers)",
}


@dataclass
class RunStats:
    run_id: int
    started_at: datetime | None
    portals: int
    offers: int
    rows: list[tuple] = field(default_factory=list)  # COLUMNS


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def pick_run(session: Session, run_id: int | None) -> CrawlRun:
    runs = list(session.execute(select(CrawlRun).order_by(CrawlRun.id)).scalars())
    if not runs:
        raise StatsError("the atlas holds no crawl run yet: run `smmatlas crawl` first")
    if run_id is None:
        return runs[-1]
    for run in runs:
        if run.id == run_id:
            return run
    raise StatsError(f"no crawl run {run_id}; valid runs: {', '.join(str(r.id) for r in runs)}")


def run_stats(session: Session, run_id: int | None = None) -> RunStats:
    run = pick_run(session, run_id)
    start = _utc(run.started_at)
    end = _utc(run.finished_at) or datetime.now(UTC)
    portal_ids = set(
        session.execute(select(PortalCrawl.portal_id).where(PortalCrawl.run_id == run.id)).scalars()
    )
    if not portal_ids:  # an older run that left no per-portal rows: its last-run portals
        portal_ids = set(
            session.execute(select(Portal.id).where(Portal.last_run_id == run.id)).scalars()
        )
    offers: dict[int, list[Offer]] = defaultdict(list)
    for o in session.execute(
        select(Offer).where(Offer.portal_id.in_(portal_ids)).order_by(Offer.id)
    ).scalars():
        if _utc(o.first_seen) <= end and _utc(o.last_seen) >= start:
            offers[o.portal_id].append(o)
    # the price each offer had during the run: its newest observation up to the run's end
    newest = (
        select(OfferObservation.offer_id, func.max(OfferObservation.id).label("id"))
        .where(OfferObservation.seen_at <= end)
        .group_by(OfferObservation.offer_id)
        .subquery()
    )
    observed = {
        ob.offer_id: ob
        for ob in session.execute(
            select(OfferObservation).join(newest, newest.c.id == OfferObservation.id)
        ).scalars()
    }
    rates = RateTable.load(session)
    price: dict[tuple[str, str], list[float]] = defaultdict(list)
    price_portals: dict[tuple[str, str], set[int]] = defaultdict(set)
    platform: dict[str, list[int]] = defaultdict(list)
    currency: dict[str, list[int]] = defaultdict(list)
    total = 0
    for pid, group in offers.items():
        for o in one_sighting_each(group):
            ob = observed.get(o.id)
            amount, cur, per, day = (
                (ob.price, ob.currency, ob.per, ob.seen_at)
                if ob
                else (o.price, o.currency, o.per, o.last_seen)
            )
            total += 1
            platform[o.platform].append(pid)
            currency[cur].append(pid)
            usd = rates.usd_per_1000(amount, cur, per, day)
            if usd is not None:
                price[(o.platform, o.product)].append(usd)
                price_portals[(o.platform, o.product)].add(pid)
    with_offers = set(offers)
    methods: dict[str, set[int]] = defaultdict(set)
    for pid, method in session.execute(
        select(Payment.portal_id, Payment.method).where(Payment.portal_id.in_(with_offers))
    ):
        methods[method].add(pid)
    rows: list[tuple] = []
    for (plat, prod), values in sorted(price.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        rows.append(
            ("price", f"{plat} {prod}", len(values), len(price_portals[(plat, prod)]), None,
             round(statistics.median(values), 4))
        )  # fmt: skip
    for section, counts in (("platform", platform), ("currency", currency)):
        for key, pids in sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            share = round(len(pids) / total, 4)
            rows.append((section, key, len(pids), len(set(pids)), share, None))
    for method, pids in sorted(methods.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        share = round(len(pids) / len(with_offers), 4)
        rows.append(("payment", method, None, len(pids), share, None))
    return RunStats(run.id, start, len(with_offers), total, rows)


def render_stats(stats: RunStats, fmt: str = "table") -> str:
    from atlas.listing import render

    if fmt in ("json", "csv"):
        text = render(COLUMNS, stats.rows, fmt)
        if fmt == "json":
            import json

            return json.dumps(
                {
                    "run": stats.run_id,
                    "started_at": stats.started_at.isoformat().replace("+00:00", "Z")
                    if stats.started_at
                    else None,
                    "portals": stats.portals,
                    "offers": stats.offers,
                    "rows": json.loads(text),
                },
                indent=1,
                ensure_ascii=False,
            )
        return text
    out = [
        f"run {stats.run_id}: {stats.portals} portals with offers, {stats.offers} offers "
        "(USD at the rate of each offer's day; share = fraction of offers, or of portals "
        "for payment methods)"
    ]
    for section, title in SECTIONS.items():
        rows = [r for r in stats.rows if r[0] == section]
        if not rows:
            continue
        keep = {
            "price": ["group", "offers", "portals", "median_usd_per_1000"],
            "platform": ["group", "offers", "portals", "share"],
            "currency": ["group", "offers", "portals", "share"],
            "payment": ["group", "portals", "share"],
        }[section]
        idx = [COLUMNS.index(c) for c in keep]
        out += ["", title, render(keep, [[r[i] for i in idx] for r in rows], "table")]
    return "\n".join(out)
