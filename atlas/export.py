"""Exports: the JSON contract (../shared/contract/portals.schema.json) and a CSV of offers."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import (
    OFFER_FACTS,
    Capture,
    Contact,
    HostingResult,
    Identifier,
    Offer,
    Payment,
    Portal,
)

SCHEMA_ID = "smmatlas/portals@1"
OFFER_CSV_COLUMNS = [
    "domain",
    "service_id",
    "name",
    "category",
    "platform",
    "product",
    "price",
    "currency",
    "per",
    "min",
    "max",
    "refill",
    "kind",
    "url",
    "first_seen",
    "last_seen",
]


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite returns naive datetimes; we store UTC only
        value = value.replace(tzinfo=UTC)
    return value.isoformat().replace("+00:00", "Z")


def _by_portal(session: Session, model) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for row in session.execute(select(model).order_by(model.id)).scalars():
        out[row.portal_id].append(row)
    return out


def _hosting(results: list[HostingResult]) -> dict[str, Any]:
    """The newest answer of each source, summarised for a takedown request ({} if none)."""
    from enrich.runner import SourceResult, summarise

    latest: dict[str, SourceResult] = {}
    for r in sorted(results, key=lambda r: r.fetched_at):
        at = r.fetched_at if r.fetched_at.tzinfo else r.fetched_at.replace(tzinfo=UTC)
        latest[r.source] = SourceResult(r.source, r.ok, r.data, r.error, at)
    return summarise(latest) if latest else {}


def _payments(rows: list[Payment]) -> list[dict[str, Any]]:
    """A method shown with an account anywhere on the portal drops its bare (no account) row."""
    with_account = {x.method for x in rows if x.account}
    return [
        {"method": x.method, "account": x.account or None, "url": x.url}
        for x in rows
        if x.account or x.method not in with_account
    ]


def one_sighting_each(offers: list[Offer]) -> list[Offer]:
    """A shop's package seen twice — with its id in the product JSON, without it in the HTML of
    a product page — is one offer: the id-less sighting is left out of outputs (it stays in
    the atlas)."""
    keyed = [o for o in offers if o.service_id]
    if not keyed or len(keyed) == len(offers):
        return offers
    names = {(" ".join(o.name.split()).casefold(), o.per) for o in keyed}
    facts = {(o.per, round(o.price, 4), o.currency, o.platform, o.product) for o in keyed}
    return [
        o
        for o in offers
        if o.service_id
        or o.kind != "package"
        or (
            (" ".join(o.name.split()).casefold(), o.per) not in names
            and (o.per, round(o.price, 4), o.currency, o.platform, o.product) not in facts
        )
    ]


def portal_records(session: Session, domains: list[str] | None = None) -> list[dict[str, Any]]:
    offers = _by_portal(session, Offer)
    payments = _by_portal(session, Payment)
    contacts = _by_portal(session, Contact)
    identifiers = _by_portal(session, Identifier)
    captures = _by_portal(session, Capture)
    hosting = _by_portal(session, HostingResult)
    query = select(Portal).order_by(Portal.domain)
    if domains:
        query = query.where(Portal.domain.in_(domains))
    records = []
    for p in session.execute(query).scalars():
        p_offers = one_sighting_each(offers[p.id])
        record: dict[str, Any] = {
            "domain": p.domain,
            "url": p.url,
            "status": p.status or "unreachable",
            "kind": p.kind,
            "software": p.software,
            "currencies": sorted({o.currency for o in p_offers}),
            "platforms": sorted({o.platform for o in p_offers}),
            "first_seen": _iso(p.first_seen),
            "last_seen": _iso(p.last_seen),
            "offers": [
                {
                    **{name: getattr(o, name) for name in OFFER_FACTS},
                    "url": o.url,
                    "seen_at": _iso(o.last_seen),
                }
                for o in p_offers
            ],
            "payments": _payments(payments[p.id]),
            "contacts": [{"kind": x.kind, "value": x.value, "url": x.url} for x in contacts[p.id]],
            "identifiers": [
                {"kind": x.kind, "value": x.value, "url": x.url} for x in identifiers[p.id]
            ],
            "hosting": _hosting(hosting[p.id]),
            "evidence": [
                {
                    "url": c.url,
                    "fetched_at": _iso(c.fetched_at),
                    "http_status": c.http_status,
                    "sha256": c.sha256,
                    "warc": f"{c.warc_file}#{c.warc_offset}" if c.warc_file else "",
                    "screenshot": c.screenshot,
                }
                for c in captures[p.id]
            ],
        }
        records.append(record)
    return records


def export_json(session: Session, domains: list[str] | None = None) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "generated_at": _iso(datetime.now(UTC)),
        "portals": portal_records(session, domains),
    }


def export_offers_csv(session: Session) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(OFFER_CSV_COLUMNS)
    rows = session.execute(
        select(Portal.domain, Offer)
        .join(Offer, Offer.portal_id == Portal.id)
        .order_by(Portal.domain, Offer.id)
    )
    by_portal: dict[str, list[Offer]] = {}
    for domain, o in rows:
        by_portal.setdefault(domain, []).append(o)
    for domain, o in ((d, o) for d, group in by_portal.items() for o in one_sighting_each(group)):
        writer.writerow(
            [domain]
            + [
                getattr(o, c) if "seen" not in c else _iso(getattr(o, c))
                for c in OFFER_CSV_COLUMNS[1:]
            ]
        )
    return buf.getvalue()
