"""`smmatlas enrich`: hosting records for portals in the atlas, cached with a time-to-live.

Each source's answer is a `hosting_results` row (kept, never overwritten: history of hosting);
the newest row per source is the current record, and fresh ones are reused instead of asked
again. A failing source is recorded as a row with its error; it never stops the run, never
replaces an earlier good answer in outputs (enrich.summary.current), and makes the command exit
non-zero (1) once every portal is done, naming what failed.
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

import config.settings as default_settings
from enrich.config import EnrichConfig
from enrich.runner import SourceResult, enrich_domain
from storage.db import open_db
from storage.models import Capture, HostingResult, Portal


def enrich_settings(args: argparse.Namespace) -> dict:
    """Flat ENRICH_* settings: config/settings.py, then the environment, then the options."""
    settings = {k: getattr(default_settings, k) for k in dir(default_settings) if k.isupper()}
    settings.update({k: v for k, v in os.environ.items() if k.startswith("ENRICH_")})
    if args.dns:
        settings["ENRICH_DNS_SERVERS"] = list(args.dns)
    if args.rdap_domain:
        settings["ENRICH_RDAP_DOMAIN_URL"] = args.rdap_domain
    if args.rdap_ip:
        settings["ENRICH_RDAP_IP_URL"] = args.rdap_ip
    settings["ENRICH_TLS"] = bool(args.tls)
    return settings


def latest_results(session, portal_id: int) -> dict[str, SourceResult]:
    rows = session.execute(
        select(HostingResult)
        .where(HostingResult.portal_id == portal_id)
        .order_by(HostingResult.fetched_at)
    ).scalars()
    return {
        r.source: SourceResult(r.source, r.ok, r.data, r.error, _utc(r.fetched_at)) for r in rows
    }


def entry_headers(session, portal: Portal) -> dict[str, str] | None:
    """Response headers of the portal's newest entry-page capture (CDN markers: cf-ray, ...)."""
    row = session.execute(
        select(Capture.headers)
        .where(Capture.portal_id == portal.id, Capture.url == portal.url)
        .order_by(Capture.last_fetched_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    return row or None


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def run_enrich(args: argparse.Namespace) -> tuple[str, list[str]]:
    from atlas.cli import UserError

    try:
        config = EnrichConfig.from_settings(enrich_settings(args))
    except ValueError as exc:
        raise UserError(f"enrich settings: {exc}") from exc
    engine, sessions = open_db(args.db)
    with sessions() as session:
        query = select(Portal).order_by(Portal.domain)
        if args.domains:
            wanted = [d.strip().lower() for d in args.domains]
            query = query.where(Portal.domain.in_(wanted))
        portals = list(session.execute(query).scalars())
        if args.domains:
            unknown = sorted(set(wanted) - {p.domain for p in portals})
            if unknown:
                raise UserError(f"not in the atlas (crawl them first): {', '.join(unknown)}")
        caches = {p.id: ({} if args.refresh else latest_results(session, p.id)) for p in portals}
        jobs = [
            (p.id, p.domain, p.url.startswith("https://"), caches[p.id], entry_headers(session, p))
            for p in portals
            if p.status not in ("not_a_portal",)
        ]

        names = {p.id: p.domain for p in portals}

        def work(job):
            pid, domain, tls, cache, headers = job
            return pid, cache, enrich_domain(domain, config, tls=tls, cache=cache, headers=headers)

        asked = failed = 0
        failures: list[str] = []
        with ThreadPoolExecutor(max_workers=8) as pool:
            for pid, cache, results in pool.map(work, jobs):
                for source, res in results.items():
                    if cache.get(source) is res:
                        continue  # fresh cached answer, reused
                    asked += 1
                    failed += not res.ok
                    if not res.ok:
                        failures.append(f"{names[pid]} {source}: {res.error}")
                    session.add(
                        HostingResult(
                            portal_id=pid,
                            source=source,
                            ok=res.ok,
                            data=res.data,
                            error=res.error,
                            fetched_at=res.fetched_at,
                            expires_at=res.fetched_at + timedelta(hours=config.ttl_hours),
                        )
                    )
                session.commit()
    engine.dispose()
    summary = (
        f"enriched {len(jobs)} portals: {asked} source answers stored "
        f"({failed} failed, recorded), {sum(len(c) for c in caches.values())} cached considered"
    )
    return summary, failures
