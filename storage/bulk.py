"""Bulk writes of a batch of pages' facts: offers, their observations, leads and sightings.

The writer (storage/writer.py) collects the facts of the pages of a batch and writes them here
just before the batch commits. Each table gets one Core upsert executed with a list of rows
(executemany), the offers' current values come from one SELECT for the whole batch, and the
new observations' offer IDs from one more: a constant number of statements per table, not one
per row (IN lists and row lists are cut in chunks of `CHUNK` for the drivers' parameter limits).

The result is the one the per-row upserts gave, row by row, in the same order:
- rows of one batch with the same key are merged first (the first row's values where the upsert
  only inserts, the last row's where it updates), which is what successive upserts leave;
- an offer gets an observation when its price, currency, size or limits differ from its stored
  values or from the previous page of the batch that held it (the batch is replayed in order).

Unchanged pages (issue 12): a page whose body is a revisit of a capture and whose facts are that
capture's stored facts (`PageRows.known`) would rewrite the same values; its rows only get
`last_seen` (sightings their capture and hash too), by one UPDATE executemany per table
(`touch_pages`). It is so only while the offers it names were last written from that same
capture and by no earlier page of the batch; otherwise it is upserted like any page. The facts
of every page extracted afresh are stored with its capture (`store_facts`, extract/serial.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from extract.model import Offer as OfferFact
from extract.model import PageFacts
from extract.serial import ReadFacts, dumps, extractor_version
from storage.models import (
    OFFER_FACTS,
    CaptureFacts,
    Contact,
    Identifier,
    Offer,
    OfferObservation,
    Payment,
    Sighting,
)

CHUNK = 500  # keys per IN list / rows per executemany
OBSERVED = ("price", "currency", "per", "min", "max")
ANY_HINT = "*"  # capture_facts.currency_hint of facts no currency hint changes


def offer_key(offer: OfferFact) -> str:
    if offer.service_id:
        return f"id:{offer.service_id}"
    return f"name:{offer.name}|per:{offer.per}"


@dataclass
class PageRows:
    """What one stored page contributes to the batch's fact tables."""

    portal_id: int
    capture_id: int
    facts: PageFacts
    now: datetime
    source: str  # the portal's domain (sightings)
    sha256: str  # of the page's body (sightings)
    known: bool = False  # a revisit whose facts are its capture's stored facts (not re-read)


def _chunks(rows: list, size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def upsert_many(
    session: Session, table: Table, rows: list[dict[str, Any]], index: tuple[str, ...],
    update: tuple[str, ...],
) -> None:  # fmt: skip
    """INSERT ... ON CONFLICT (index) DO UPDATE SET update, for rows in write order."""
    merged: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[c] for c in index)
        old = merged.get(key)
        if old is None:
            merged[key] = dict(row)
        else:
            old.update({c: row[c] for c in update})
    if not merged:
        return
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(index), set_={c: stmt.excluded[c] for c in update}
    )
    for part in _chunks(list(merged.values())):
        session.execute(stmt, part)


def _offer_ids(session: Session, keys: list[tuple[int, str]], *columns) -> list:
    out = []
    for part in _chunks(keys):
        out.extend(
            session.execute(
                select(Offer.portal_id, Offer.key, *columns).where(
                    tuple_(Offer.portal_id, Offer.key).in_(part)
                )
            )
        )
    return out


def write_offers(session: Session, run_id: int | None, pages: list[PageRows]) -> None:
    rows: list[tuple[tuple[int, str], OfferFact, PageRows]] = []
    for page in pages:
        for key, o in {offer_key(o): o for o in page.facts.offers}.items():
            rows.append(((page.portal_id, key), o, page))
    if not rows:
        return
    keys = list(dict.fromkeys(k for k, _, _ in rows))
    current = {
        (r.portal_id, r.key): tuple(r[2:])
        for r in _offer_ids(session, keys, *(getattr(Offer, c) for c in OBSERVED))
    }
    offers: list[dict[str, Any]] = []
    observations: list[tuple[tuple[int, str], dict[str, Any]]] = []
    for key, o, page in rows:
        offers.append(
            {
                "portal_id": key[0],
                "key": key[1],
                "first_seen": page.now,
                **{name: getattr(o, name) for name in OFFER_FACTS},
                "kind": o.kind,
                "flags": list(o.flags) or None,
                "url": page.facts.url,
                "capture_id": page.capture_id,
                "last_seen": page.now,
            }
        )
        values = tuple(getattr(o, c) for c in OBSERVED)
        if current.get(key) != values:
            current[key] = values
            observations.append(
                (
                    key,
                    {
                        "run_id": run_id,
                        "seen_at": page.now,
                        "capture_id": page.capture_id,
                        **dict(zip(OBSERVED, values, strict=True)),
                    },
                )  # fmt: skip
            )
    updated = tuple(c for c in offers[0] if c not in ("portal_id", "key", "first_seen"))
    upsert_many(session, Offer.__table__, offers, ("portal_id", "key"), updated)
    if not observations:
        return
    wanted = list(dict.fromkeys(k for k, _ in observations))
    ids = {(r.portal_id, r.key): r.id for r in _offer_ids(session, wanted, Offer.id)}
    table = OfferObservation.__table__
    rows_out = [{"offer_id": ids[k], **v} for k, v in observations]
    for part in _chunks(rows_out):
        session.execute(table.insert(), part)


LEADS = (
    (Payment, ("method", "account"), lambda f: [(p.method, p.account or "", p.evidence)
                                                 for p in f.payments]),
    (Contact, ("kind", "value"), lambda f: [(c.kind, c.value, c.evidence) for c in f.contacts]),
    (Identifier, ("kind", "value"), lambda f: [(i.kind, i.value, i.evidence)
                                               for i in f.identifiers]),
)  # fmt: skip


def write_leads(session: Session, pages: list[PageRows]) -> None:
    for model, (col_a, col_b), read in LEADS:
        rows = []
        for page in pages:
            for a, b, evidence in dict.fromkeys(read(page.facts)):
                rows.append(
                    {"portal_id": page.portal_id, col_a: a, col_b: b,
                     "capture_id": page.capture_id, "url": page.facts.url,
                     "evidence": (evidence or "")[:500] or None,
                     "first_seen": page.now, "last_seen": page.now}
                )  # fmt: skip
        upsert_many(session, model.__table__, rows, ("portal_id", col_a, col_b), ("last_seen",))


def write_sightings(session: Session, pages: list[PageRows]) -> None:
    """Off-site links of the pages (discovery): where each was seen, with page and capture."""
    rows = []
    for page in pages:
        for link in page.facts.offsite:
            rows.append(
                {"kind": link.kind, "value": link.url[:500], "domain": link.domain[:253],
                 "source": page.source, "portal_id": page.portal_id, "url": page.facts.url,
                 "text": link.text[:200] or None, "context": link.context[:300] or None,
                 "role": link.source_role[:20], "seen_at": page.now,
                 "capture_id": page.capture_id, "sha256": page.sha256, "last_seen": page.now}
            )  # fmt: skip
    upsert_many(
        session, Sighting.__table__, rows, ("url", "kind", "value"),
        ("capture_id", "sha256", "last_seen"),
    )  # fmt: skip


def _touchable(session: Session, pages: list[PageRows]) -> list[PageRows]:
    """The known pages whose offers' rows hold exactly what they would write again: each row
    last written from the page's own capture (so by its stored facts) and by no page of the
    batch that comes before it and is upserted."""
    keys = list(
        dict.fromkeys((p.portal_id, offer_key(o)) for p in pages if p.known for o in p.facts.offers)
    )
    stored = _offer_ids(session, keys, Offer.capture_id)
    written = {(r.portal_id, r.key): r.capture_id for r in stored}
    dirty: set[tuple[int, str]] = set()
    touched = []
    for page in pages:
        mine = {(page.portal_id, offer_key(o)) for o in page.facts.offers}
        if page.known and not mine & dirty and all(written.get(k) == page.capture_id for k in mine):
            touched.append(page)
        else:
            dirty |= mine
    return touched


def _update_many(session: Session, table: Table, keys: tuple[str, ...], values: tuple[str, ...],
                 rows: dict[tuple, dict[str, Any]]) -> None:  # fmt: skip
    """UPDATE table SET values WHERE keys = ..., executemany over rows (keyed, last wins)."""
    if not rows:
        return
    stmt = (
        update(table)
        .where(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
        .values({v: bindparam(f"v_{v}") for v in values})
    )
    for part in _chunks(list(rows.values())):
        session.execute(stmt, part)


def touch_pages(session: Session, pages: list[PageRows]) -> None:
    """`last_seen` of exactly the offers, leads and sightings the pages name (and a sighting's
    capture and hash, as its upsert sets them): rows that exist only, nothing inserted."""
    offers: dict[tuple, dict[str, Any]] = {}
    for page in pages:
        for o in page.facts.offers:
            key = (page.portal_id, offer_key(o))
            offers[key] = {"k_portal_id": key[0], "k_key": key[1], "v_last_seen": page.now}
    _update_many(session, Offer.__table__, ("portal_id", "key"), ("last_seen",), offers)
    for model, (col_a, col_b), read in LEADS:
        leads: dict[tuple, dict[str, Any]] = {}
        for page in pages:
            for a, b, _ in read(page.facts):
                leads[(page.portal_id, a, b)] = {
                    "k_portal_id": page.portal_id, f"k_{col_a}": a, f"k_{col_b}": b,
                    "v_last_seen": page.now,
                }  # fmt: skip
        _update_many(session, model.__table__, ("portal_id", col_a, col_b), ("last_seen",), leads)
    sightings: dict[tuple, dict[str, Any]] = {}
    for page in pages:
        for link in page.facts.offsite:
            key = (page.facts.url, link.kind, link.url[:500])
            sightings[key] = {"k_url": key[0], "k_kind": key[1], "k_value": key[2],
                              "v_capture_id": page.capture_id, "v_sha256": page.sha256,
                              "v_last_seen": page.now}  # fmt: skip
    _update_many(session, Sighting.__table__, ("url", "kind", "value"),
                 ("capture_id", "sha256", "last_seen"), sightings)  # fmt: skip


def _hint(facts: ReadFacts) -> str:
    """The currency hint the facts hold for: "*" (any) when they hold no offer, as the hint
    only prices offers of JSON (extract/jsoncat.py), else the hint they were read with."""
    return (facts.currency_hint or "")[:8] if facts.offers else ANY_HINT


def store_facts(session: Session, pages: list[PageRows]) -> None:
    """The facts of the pages extracted afresh, kept with their capture for the next fetch of
    the same body (one upsert executemany). Facts of an extraction cut short by its time limit
    are not kept: the page is read again next time."""
    version = extractor_version()
    rows = []
    for page in pages:
        facts = page.facts
        if not isinstance(facts, ReadFacts) or facts.known:
            continue
        if any(e.startswith("timeout:") for e in facts.errors):
            continue
        blob = dumps(facts)
        if blob is not None:
            rows.append(
                {"capture_id": page.capture_id, "version": version, "role": facts.role[:40],
                 "currency_hint": _hint(facts),
                 "context": facts.context[:64], "facts": blob,
                 "stored_at": page.now}
            )  # fmt: skip
    upsert_many(session, CaptureFacts.__table__, rows, ("capture_id",),
                ("version", "role", "currency_hint", "context", "facts", "stored_at"))  # fmt: skip


def write_pages(session: Session, run_id: int | None, pages: list[PageRows]) -> None:
    """Everything the batch's pages found, in bulk (before the batch commits)."""
    if not pages:
        return
    touched = _touchable(session, pages) if any(p.known for p in pages) else []
    if touched:
        skip = {id(p) for p in touched}
        pages = [p for p in pages if id(p) not in skip]
        touch_pages(session, touched)
    write_offers(session, run_id, pages)
    write_leads(session, pages)
    write_sightings(session, pages)
    store_facts(session, pages)
