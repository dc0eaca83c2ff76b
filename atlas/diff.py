"""`smmatlas diff`: what changed in the atlas since a run or a date.

The baseline is a run (`--since RUN`), the newest run that started before a date
(`--since 2026-11-30`), or by default the run before the newest one. For each portal crawled
after the baseline, its state at the baseline (its newest crawl up to that run) is compared
with its newest crawl:
- portals: `new` (never crawled up to the baseline), `gone` (unreachable now, reachable then;
  `runs` says for how many crawls in a row), `back`, `status` (any other status change);
- offers: `added`, `removed`, `repriced` (old -> new, % change);
- payment accounts, contacts, identifiers: `added`, `removed`;
- hosting (from `smmatlas enrich`): IPs, ASN, registrar, CDN changed.
A row counts as present in a crawl when its first/last sighting brackets that crawl. Offers and
leads of a portal that is gone are not listed one by one (the portal's row says it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.errors import DiffError  # noqa: F401 - re-exported
from storage.models import (
    LEAD_MODELS,
    CrawlRun,
    HostingResult,
    Offer,
    OfferObservation,
    Portal,
    PortalCrawl,
)

COLUMNS = ["portal", "what", "change", "item", "old", "new", "pct"]
LEAD_LABEL = {"payments": "payment", "contacts": "contact", "identifiers": "identifier"}
LEAD_COLS = {"payments": ("method", "account"), "contacts": ("kind", "value")}


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class Window:
    """When one portal was crawled in one run."""

    run_id: int
    start: datetime
    end: datetime
    status: str | None

    def holds(self, first_seen: datetime, last_seen: datetime) -> bool:
        return _utc(first_seen) <= self.end and _utc(last_seen) >= self.start


def _parse_date(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise DiffError(f"--since takes a run number or a date (2026-11-30): {text!r}") from exc
    return _utc(moment)


def pick_runs(session: Session, since: str | None) -> tuple[CrawlRun, CrawlRun]:
    """(baseline run, newest run) among runs that crawled at least one portal."""
    ids = select(PortalCrawl.run_id).distinct()
    runs = list(
        session.execute(select(CrawlRun).where(CrawlRun.id.in_(ids)).order_by(CrawlRun.id))
        .scalars()
        .all()
    )
    if len(runs) < 2:
        raise DiffError(f"a diff needs two crawls of the atlas; it has {len(runs)}")
    newest = runs[-1]
    if since is None:
        return runs[-2], newest
    if re.fullmatch(r"\d+", since.strip()):
        base = next((r for r in runs if r.id == int(since)), None)
        if base is None or base.id == newest.id:
            known = ", ".join(str(r.id) for r in runs[:-1])
            raise DiffError(f"no earlier crawl run {since} (runs: {known})")
        return base, newest
    moment = _parse_date(since.strip())
    before = [r for r in runs[:-1] if _utc(r.started_at) <= moment]
    if not before:
        raise DiffError(f"no crawl run started before {since}")
    return before[-1], newest


def _windows(session: Session, runs: dict[int, CrawlRun]) -> dict[int, list[Window]]:
    """Per portal, its crawls in run order."""
    out: dict[int, list[Window]] = {}
    for pc in session.execute(select(PortalCrawl).order_by(PortalCrawl.run_id)).scalars():
        run = runs[pc.run_id]
        end = _utc(pc.finished_at or run.finished_at) or datetime.now(UTC)
        out.setdefault(pc.portal_id, []).append(
            Window(pc.run_id, _utc(run.started_at), end, pc.status)
        )
    return out


def _money(price: float, currency: str, per: int) -> str:
    return f"{price:g} {currency}/{per}"


def _price_at(observations: list[OfferObservation], moment: datetime) -> OfferObservation | None:
    seen = [o for o in observations if _utc(o.seen_at) <= moment]
    return seen[-1] if seen else None


def _offer_changes(session, pid, base: Window, cur: Window) -> list[dict[str, Any]]:
    out = []
    offers = session.execute(select(Offer).where(Offer.portal_id == pid)).scalars().all()
    obs: dict[int, list[OfferObservation]] = {}
    for o in session.execute(
        select(OfferObservation)
        .join(Offer, Offer.id == OfferObservation.offer_id)
        .where(Offer.portal_id == pid)
        .order_by(OfferObservation.seen_at, OfferObservation.id)
    ).scalars():
        obs.setdefault(o.offer_id, []).append(o)
    for offer in offers:
        then, now = (
            base.holds(offer.first_seen, offer.last_seen),
            cur.holds(offer.first_seen, offer.last_seen),
        )
        item = {"key": offer.key, "service_id": offer.service_id, "name": offer.name}
        price = _money(offer.price, offer.currency, offer.per)
        if now and not then:
            out.append({"what": "offer", "change": "added", "item": item, "new": price})
        elif then and not now:
            old = _price_at(obs.get(offer.id, []), base.end)
            shown = _money(old.price, old.currency, old.per) if old else price
            out.append({"what": "offer", "change": "removed", "item": item, "old": shown})
        elif then and now:
            old, new = (
                _price_at(obs.get(offer.id, []), base.end),
                _price_at(obs.get(offer.id, []), cur.end),
            )
            if (
                old
                and new
                and (old.price, old.currency, old.per)
                != (
                    new.price,
                    new.currency,
                    new.per,
                )
            ):
                pct = None
                if old.currency == new.currency and old.per == new.per and old.price:
                    pct = round((new.price - old.price) / old.price * 100, 1)
                out.append(
                    {
                        "what": "offer",
                        "change": "repriced",
                        "item": item,
                        "old": _money(old.price, old.currency, old.per),
                        "new": _money(new.price, new.currency, new.per),
                        "pct": pct,
                    }
                )
    return out


def _lead_changes(session, pid, base: Window, cur: Window) -> list[dict[str, Any]]:
    out = []
    for table, model in LEAD_MODELS.items():
        a, b = LEAD_COLS.get(table, ("kind", "value"))
        for row in session.execute(select(model).where(model.portal_id == pid)).scalars():
            then, now = (
                base.holds(row.first_seen, row.last_seen),
                cur.holds(row.first_seen, row.last_seen),
            )
            if then == now:
                continue
            item = {a: getattr(row, a), b: getattr(row, b) or None}
            change = "added" if now else "removed"
            out.append({"what": LEAD_LABEL[table], "change": change, "item": item})
    return out


def _hosting_facts(rows: list[HostingResult]) -> dict[str, Any]:
    latest: dict[str, HostingResult] = {}
    for r in rows:
        if r.ok:
            latest[r.source] = r
    data = {k: (r.data or {}) for k, r in latest.items()}
    by_ip = data.get("asn", {}).get("by_ip", {})
    return {
        "ips": sorted(data.get("dns", {}).get("a", [])) or None,
        "asn": sorted({v.get("asn") for v in by_ip.values() if v.get("asn")}) or None,
        "registrar": (data.get("rdap_domain", {}).get("registrar") or {}).get("name"),
        "cdn": data.get("cdn", {}).get("cdn"),
    }


def _hosting_changes(session, pid, base: Window, cur: Window) -> list[dict[str, Any]]:
    rows = list(
        session.execute(
            select(HostingResult)
            .where(HostingResult.portal_id == pid)
            .order_by(HostingResult.fetched_at, HostingResult.id)
        ).scalars()
    )
    then = _hosting_facts([r for r in rows if _utc(r.fetched_at) <= base.end])
    now = _hosting_facts(rows)
    return [
        {"what": "hosting", "change": "changed", "item": {"field": k}, "old": then[k], "new": v}
        for k, v in now.items()
        if then[k] is not None and v is not None and then[k] != v
    ]


def diff(session: Session, since: str | None = None) -> dict[str, Any]:
    base_run, newest = pick_runs(session, since)
    runs = {r.id: r for r in session.execute(select(CrawlRun)).scalars()}
    domains = dict(session.execute(select(Portal.id, Portal.domain)).all())
    changes: list[dict[str, Any]] = []
    for pid, windows in sorted(_windows(session, runs).items(), key=lambda kv: domains[kv[0]]):
        cur = windows[-1]
        if cur.run_id <= base_run.id:
            continue  # not crawled since the baseline
        before = [w for w in windows if w.run_id <= base_run.id]
        portal = domains[pid]
        rows: list[dict[str, Any]] = []
        if not before:
            rows.append({"what": "portal", "change": "new", "new": cur.status})
        else:
            base = before[-1]
            if base.status != cur.status:
                if cur.status == "unreachable":
                    streak = 0
                    for w in reversed(windows):
                        if w.status != "unreachable":
                            break
                        streak += 1
                    change, extra = "gone", {"runs": streak}
                elif base.status == "unreachable":
                    change, extra = "back", {}
                else:
                    change, extra = "status", {}
                rows.append(
                    {"what": "portal", "change": change, "old": base.status, "new": cur.status}
                    | extra
                )
            if cur.status != "unreachable" and base.status != "unreachable":
                rows += _offer_changes(session, pid, base, cur)
                rows += _lead_changes(session, pid, base, cur)
            rows += _hosting_changes(session, pid, base, cur)
        changes += [{"portal": portal, **r} for r in rows]
    counts: dict[str, int] = {}
    for c in changes:
        counts[f"{c['what']}_{c['change']}"] = counts.get(f"{c['what']}_{c['change']}", 0) + 1
    return {
        "since_run": base_run.id,
        "since": _utc(base_run.started_at).isoformat(),
        "run": newest.id,
        "counts": counts,
        "changes": changes,
    }


def _label(item: dict | None) -> str:
    if not item:
        return ""
    if "key" in item:
        return f"{item['service_id'] or ''} {item['name']}".strip()
    return " ".join(str(v) for v in item.values() if v is not None)


def diff_rows(result: dict[str, Any]) -> tuple[list[str], list[tuple]]:
    rows = [
        (
            c["portal"],
            c["what"],
            c["change"] + (f" ({c['runs']} runs)" if c.get("runs") else ""),
            _label(c.get("item")),
            "" if c.get("old") is None else c["old"],
            "" if c.get("new") is None else c["new"],
            "" if c.get("pct") is None else f"{c['pct']:+g}%",
        )
        for c in result["changes"]
    ]
    return COLUMNS, rows


def summary_line(result: dict[str, Any]) -> str:
    """One line for the end of a crawl: what changed since the run before."""
    c = result["counts"]
    parts = [
        f"{c.get('portal_new', 0)} new portals",
        f"{c.get('portal_gone', 0)} gone",
        f"{c.get('portal_back', 0)} back",
        f"offers +{c.get('offer_added', 0)} -{c.get('offer_removed', 0)} "
        f"~{c.get('offer_repriced', 0)} repriced",
        f"payment accounts +{c.get('payment_added', 0)} -{c.get('payment_removed', 0)}",
        f"contacts +{c.get('contact_added', 0)}, identifiers +{c.get('identifier_added', 0)}",
    ]
    return f"since run {result['since_run']}: " + ", ".join(parts)
