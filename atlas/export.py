"""Exports: the JSON contract (../shared/contract/portals.schema.json) and a CSV of offers.

Every output format is registered by name in atlas/exporters.py. Offers carry
`price_usd_per_1000` (atlas/rates.py, the rate of the capture date) beside the original price;
CSV cells are spreadsheet-safe (atlas/cells.py).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.errors import ExportError  # noqa: F401 - re-exported
from storage.evidence import capture_reference
from storage.models import (
    OFFER_FACTS,
    Capture,
    Contact,
    CrawlRun,
    HostingResult,
    Identifier,
    Offer,
    Payment,
    Portal,
    PortalCrawl,
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
    "price_usd_per_1000",
    "url",
    "capture_url",
    "captured_at",
    "capture_sha256",
    "first_seen",
    "last_seen",
]


def check_domains(session: Session, domains: list[str] | None) -> list[str] | None:
    """The domains asked for, each known to the atlas; else ExportError naming the unknown."""
    if not domains:
        return None
    wanted = [d.strip().lower().rstrip(".") for d in domains if d.strip()]
    known = set(session.execute(select(Portal.domain)).scalars())
    unknown = [d for d in wanted if d not in known]
    if unknown:
        import difflib

        hints = sorted({m for d in unknown for m in difflib.get_close_matches(d, known, 3)})
        raise ExportError(
            f"no portal in the atlas has the domain {', '.join(unknown)}"
            + (f" (did you mean: {', '.join(hints)}?)" if hints else "")
            + f"; {len(known)} portals are known: `smmatlas portals` lists them"
        )
    return wanted


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
    from enrich.summary import current

    rows = []
    for r in sorted(results, key=lambda r: r.fetched_at):
        at = r.fetched_at if r.fetched_at.tzinfo else r.fetched_at.replace(tzinfo=UTC)
        rows.append(SourceResult(r.source, r.ok, r.data, r.error, at))
    latest = current(rows)  # a failed refresh never replaces good facts (issue 8)
    return summarise(latest) if latest else {}


def _payments(rows: list[Payment], ref=lambda _id: None, seen=lambda _x: {}) -> list[dict]:
    """A method shown with an account anywhere on the portal drops its bare (no account) row."""
    with_account = {x.method for x in rows if x.account}
    return [
        {
            "method": x.method,
            "account": x.account or None,
            "url": x.url,
            "capture": ref(x.capture_id),
            **seen(x),
        }
        for x in rows
        if x.account or x.method not in with_account
    ]


def _last_active_crawls(session: Session) -> dict[int, datetime]:
    """Portal id -> start of its newest run in which it answered as a portal (else its newest
    run): facts seen since then are current, older ones have vanished from the site."""
    rows = session.execute(
        select(PortalCrawl.portal_id, PortalCrawl.status, CrawlRun.started_at).join(
            CrawlRun, CrawlRun.id == PortalCrawl.run_id
        )
    )
    newest: dict[int, datetime] = {}
    active: dict[int, datetime] = {}
    for pid, status, started in rows:
        if started is None:
            continue
        newest[pid] = max(newest.get(pid, started), started)
        if status == "active":
            active[pid] = max(active.get(pid, started), started)
    return {**newest, **active}


def _seen(since: datetime | None):
    """first_seen, last_seen and current (seen in the portal's last crawl) of a fact row."""

    def fields(row) -> dict[str, Any]:
        current = since is None or (row.last_seen is not None and row.last_seen >= since)
        return {
            "first_seen": _iso(row.first_seen),
            "last_seen": _iso(row.last_seen),
            "current": current,
        }

    return fields


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


def _captures_by_id(session: Session) -> dict[int, Capture]:
    return {c.id: c for c in session.execute(select(Capture)).scalars()}


def _usd(rates, o: Offer, captures: dict[int, Capture]) -> float | None:
    capture = captures.get(o.capture_id) if o.capture_id else None
    return rates.usd_per_1000(
        o.price, o.currency, o.per, capture.fetched_at if capture else o.last_seen
    )


def portal_records(session: Session, domains: list[str] | None = None) -> list[dict[str, Any]]:
    from atlas.rates import RateTable

    rates = RateTable.load(session)
    capture_rows = _captures_by_id(session)

    def ref(capture_id: int | None) -> dict | None:  # the capture a fact came from (issue 8)
        return capture_reference(capture_rows.get(capture_id)) if capture_id else None

    offers = _by_portal(session, Offer)
    payments = _by_portal(session, Payment)
    contacts = _by_portal(session, Contact)
    identifiers = _by_portal(session, Identifier)
    captures = _by_portal(session, Capture)
    hosting = _by_portal(session, HostingResult)
    query = select(Portal).order_by(Portal.domain)
    if domains:
        query = query.where(Portal.domain.in_(domains))
    crawled_since = _last_active_crawls(session)
    records = []
    for p in session.execute(query).scalars():
        p_offers = one_sighting_each(offers[p.id])
        seen = _seen(crawled_since.get(p.id))
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
                    "price_usd_per_1000": _usd(rates, o, capture_rows),
                    "url": o.url,
                    "seen_at": _iso(o.last_seen),
                    "capture": ref(o.capture_id),
                    **seen(o),
                }
                for o in p_offers
            ],
            "payments": _payments(payments[p.id], ref, seen),
            "contacts": [
                {
                    "kind": x.kind,
                    "value": x.value,
                    "url": x.url,
                    "capture": ref(x.capture_id),
                    **seen(x),
                }
                for x in contacts[p.id]
            ],  # fmt: skip
            "identifiers": [
                {
                    "kind": x.kind,
                    "value": x.value,
                    "url": x.url,
                    "capture": ref(x.capture_id),
                    **seen(x),
                }
                for x in identifiers[p.id]
            ],  # fmt: skip
            "hosting": _hosting(hosting[p.id]),
            "evidence": [
                {
                    "url": c.url,
                    "fetched_at": _iso(c.fetched_at),
                    "http_status": c.http_status,
                    "sha256": c.sha256,
                    "warc": f"{c.warc_file}#{c.warc_offset}" if c.warc_file else "",
                    "screenshot": c.screenshot,
                    "screenshot_sha256": c.screenshot_sha256,
                    "ip_address": c.ip_address,
                    "last_fetched_at": _iso(c.last_fetched_at),
                    "revisits": c.revisits or 0,
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


def offer_rows(session: Session, domains: list[str] | None = None) -> list[list[Any]]:
    """One row per offer (OFFER_CSV_COLUMNS), by domain; raw values (not yet cell-safe)."""
    from atlas.rates import RateTable

    rates = RateTable.load(session)
    captures = _captures_by_id(session)
    query = (
        select(Portal.domain, Offer)
        .join(Offer, Offer.portal_id == Portal.id)
        .order_by(Portal.domain, Offer.id)
    )
    if domains:
        query = query.where(Portal.domain.in_(domains))
    by_portal: dict[str, list[Offer]] = {}
    for domain, o in session.execute(query):
        by_portal.setdefault(domain, []).append(o)
    rows = []
    for domain, group in by_portal.items():
        for o in one_sighting_each(group):
            c = captures.get(o.capture_id) if o.capture_id else None
            values = {
                **{name: getattr(o, name) for name in OFFER_CSV_COLUMNS if hasattr(Offer, name)},
                "domain": domain,
                "price_usd_per_1000": _usd(rates, o, captures),
                "capture_url": c.url if c else None,
                "captured_at": _iso(c.fetched_at) if c else None,
                "capture_sha256": c.sha256 if c else None,
                "first_seen": _iso(o.first_seen),
                "last_seen": _iso(o.last_seen),
            }
            rows.append([values[name] for name in OFFER_CSV_COLUMNS])
    return rows


def export_offers_csv(session: Session, domains: list[str] | None = None, bom: bool = False) -> str:
    """Offers as CSV: spreadsheet-safe cells, UTF-8 (with a byte-order mark if `bom`)."""
    from atlas.cells import safe_row

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # RFC 4180: a CR in a cell is quoted
    writer.writerow(OFFER_CSV_COLUMNS)
    for row in offer_rows(session, domains):
        writer.writerow(safe_row(row))
    return ("\ufeff" if bom else "") + buf.getvalue()
