"""The `candidates` table: each domain discovery found, why, its score and its state.

States: new (found, not yet crawled), queued (in a crawl round), crawled (crawled: not a
portal), portal (crawled: the portal verdict says it sells engagement), approved / rejected (an
analyst's decision in review mode), ignored (never crawl: a platform, a search engine...).
Every candidate points to the first sighting that named it (page or query URL, capture, time,
SHA-256); later sightings add reasons and raise the score.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from config.vocab import load
from storage.models import Candidate, Capture, Sighting

STATES = ("new", "queued", "crawled", "portal", "rejected", "approved", "ignored")
REASONS = (
    "seed", "listing", "linked_from_portal", "provider_api", "child_panel", "shared_value",
    "ct_log",
)  # fmt: skip


def _insert(session: Session, model):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


@cache
def _score_cfg() -> dict:
    return load("discovery")["score"]


def score_of(domain: str, reasons: list[str]) -> float:
    """Best reason's base score, a little more per further reason and for a field word."""
    cfg = _score_cfg()
    base = max((cfg.get(r, 0.3) for r in reasons), default=0.0)
    base += cfg["per_extra_reason"] * max(0, len(set(reasons)) - 1)
    if any(w in domain for w in cfg["name_words"]):
        base += cfg["name_bonus"]
    return round(min(1.0, base), 3)


def record_sighting(
    session: Session,
    kind: str,
    value: str,
    domain: str,
    url: str,
    *,
    source: str | None = None,
    portal_id: int | None = None,
    capture_id: int | None = None,
    sha256: str | None = None,
    text: str | None = None,
    context: str | None = None,
    role: str | None = None,
) -> int:
    """Upsert where `value` (naming `domain`) was seen; return the sighting's id. A sighting on
    a captured page carries that capture's SHA-256."""
    now = datetime.now(UTC)
    if capture_id is not None and sha256 is None:
        sha256 = session.execute(
            select(Capture.sha256).where(Capture.id == capture_id)
        ).scalar_one_or_none()
    values = {"last_seen": now, "capture_id": capture_id, "sha256": sha256}
    stmt = _insert(session, Sighting).values(
        kind=kind, value=value[:500], domain=domain[:253], source=source, portal_id=portal_id,
        url=url, text=text, context=context, role=role, seen_at=now, **values,
    )  # fmt: skip
    stmt = stmt.on_conflict_do_update(index_elements=["url", "kind", "value"], set_=values)
    session.execute(stmt)
    return session.execute(
        select(Sighting.id).where(
            Sighting.url == url, Sighting.kind == kind, Sighting.value == value[:500]
        )
    ).scalar_one()


def add_candidate(
    session: Session,
    domain: str,
    url: str,
    reason: str,
    found_from: str | None,
    sighting_id: int | None,
    round_no: int,
    state: str = "new",
) -> Candidate:
    """Insert a new candidate or add a reason to a known one (its state is kept)."""
    now = datetime.now(UTC)
    row = session.execute(select(Candidate).where(Candidate.domain == domain)).scalar_one_or_none()
    if row is None:
        row = Candidate(
            domain=domain, url=url, reason=reason, reasons=[reason],
            score=score_of(domain, [reason]), state=state, found_from=found_from,
            sighting_id=sighting_id, round=round_no, first_seen=now, last_seen=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row
    row.last_seen = now
    if reason not in row.reasons:
        row.reasons = [*row.reasons, reason]
        row.score = score_of(domain, row.reasons)
    if reason == "seed" and row.state in ("new", "rejected", "ignored"):
        row.state, row.url = state, url
    return row


def set_state(session: Session, domains: list[str], state: str) -> list[str]:
    """Set the state of known candidates; return the domains not found."""
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    rows = session.execute(select(Candidate).where(Candidate.domain.in_(domains))).scalars().all()
    for row in rows:
        row.state = state
        row.last_seen = datetime.now(UTC)
    known = {r.domain for r in rows}
    return [d for d in domains if d not in known]


def candidate_rows(session: Session, state: str | None = None) -> tuple[list[str], list[tuple]]:
    """Table rows of candidates, best first, each with the page it was first found on."""
    query = (
        select(Candidate, Sighting.url, Sighting.capture_id)
        .outerjoin(Sighting, Sighting.id == Candidate.sighting_id)
        .order_by(Candidate.score.desc(), Candidate.domain)
    )
    if state:
        query = query.where(Candidate.state == state)
    rows = [
        (c.domain, c.state, c.score, ",".join(c.reasons), c.found_from or "", c.verdict or "",
         c.round, url or "", capture or "")
        for c, url, capture in session.execute(query)
    ]  # fmt: skip
    head = ["domain", "state", "score", "reasons", "found_from", "verdict", "round",
            "found_on", "capture_id"]  # fmt: skip
    return head, rows
