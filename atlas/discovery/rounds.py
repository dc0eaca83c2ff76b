"""`smmatlas discover`: rounds of find -> crawl -> verdict -> find again.

Each round collects candidates from every registered source, takes the best `per_round` new
ones (in review mode: the ones an analyst approved), crawls them with `smmatlas crawl` in a
subprocess (a Twisted reactor runs once per process) within a page budget per site, and records
each crawled domain's verdict: `portal` when the portal classifier says it sells engagement
(status active, kind panel or storefront), else `crawled`. Directory and decoy pages are thus
never reported as portals. Rounds stop when nothing is left to crawl, when `max_portals` portals
are known or when the total page budget is spent.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from atlas.discovery.candidates import add_candidate
from atlas.discovery.sources import SOURCES, Context, collect
from storage.db import data_dir, open_db
from storage.models import Candidate, CrawlRun, Portal, PortalCrawl

PORTAL_KINDS = ("panel", "storefront")


@dataclass
class DiscoverOptions:
    seeds: list[str]
    ct_keywords: list[str] = field(default_factory=list)
    ct_url: str | None = None
    db: str | None = None
    data: str | None = None
    proxy: str | None = None
    render: str = "auto"
    rounds: int = 5
    max_portals: int | None = None
    max_pages: int | None = None
    budget: int = 15  # pages per site
    per_round: int = 40
    review: bool = False


@dataclass
class RoundReport:
    number: int
    crawled: list[str]
    portals: list[str]
    pages: int


def _collect_all(ctx: Context, review: bool) -> int:
    added = 0
    for name in SOURCES:
        for f in collect(name, ctx):
            state = "approved" if (review and f.reason == "seed") else "new"
            before = ctx.session.execute(
                select(Candidate.id).where(Candidate.domain == f.domain)
            ).scalar_one_or_none()
            add_candidate(ctx.session, f.domain, f.url, f.reason, f.found_from, f.sighting_id,
                          ctx.round, state)  # fmt: skip
            added += before is None
    ctx.session.commit()
    return added


def _crawl(
    session, urls: list[str], opts: DiscoverOptions, db_url: str, folder: Path
) -> tuple[list[int], str]:
    """Crawl `urls` with `smmatlas crawl` in a subprocess; return the new run ids and output."""
    before = session.execute(select(func.coalesce(func.max(CrawlRun.id), 0))).scalar_one()
    session.commit()
    cmd = [sys.executable, "-m", "atlas.cli", "crawl", *urls, "--db", db_url,
           "--data", str(folder), "--budget", str(opts.budget), "--render", opts.render,
           "--no-resume", "-q"]  # fmt: skip
    if opts.proxy:
        cmd += ["--proxy", opts.proxy]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    runs = list(session.execute(select(CrawlRun.id).where(CrawlRun.id > before)).scalars())
    if not runs:
        raise RuntimeError(f"crawl failed: {proc.stderr.strip()[-800:]}")
    return runs, (proc.stdout + proc.stderr).strip()[-2000:]


def _portal_count(session) -> int:
    return session.execute(
        select(func.count()).select_from(Candidate).where(Candidate.state == "portal")
    ).scalar_one()


def run_discover(opts: DiscoverOptions) -> dict:
    """Run discovery rounds; return a summary (rounds, portals, pages, candidates)."""
    folder = Path(opts.data) if opts.data else data_dir()
    db_url = opts.db or f"sqlite:///{folder / 'atlas.db'}"
    engine, sessions = open_db(db_url)
    reports: list[RoundReport] = []
    pages_total = 0
    log: list[str] = []
    with sessions() as session:
        ctx = Context(session, 0, list(opts.seeds), list(opts.ct_keywords), opts.ct_url,
                      str(folder / "discovery"), log)  # fmt: skip
        for number in range(1, opts.rounds + 1):
            ctx.round = number
            _collect_all(ctx, opts.review)
            ctx.seeds, ctx.ct_keywords = [], []  # asked once
            if opts.max_portals and _portal_count(session) >= opts.max_portals:
                break
            if opts.max_pages and pages_total >= opts.max_pages:
                log.append(f"page budget of {opts.max_pages} spent")
                break
            wanted = "approved" if opts.review else "new"
            picked = list(
                session.execute(
                    select(Candidate)
                    .where(Candidate.state.in_([wanted, "approved"]))
                    .order_by(Candidate.score.desc(), Candidate.id)
                    .limit(opts.per_round)
                ).scalars()
            )
            if not picked:
                break
            known = _known_verdicts(session, [c.domain for c in picked])
            to_crawl = [c for c in picked if c.domain not in known]
            for c in picked:
                c.state = "queued"
            session.commit()
            runs: list[int] = []
            if to_crawl:
                runs, out = _crawl(session, [c.url for c in to_crawl], opts, db_url, folder)
                log.append(out)
            verdicts = _known_verdicts(session, [c.domain for c in picked])
            portals = []
            for c in picked:
                status, kind = verdicts.get(c.domain, ("unreachable", None))
                c.verdict = status
                c.state = "portal" if status == "active" and kind in PORTAL_KINDS else "crawled"
                if c.state == "portal":
                    portals.append(c.domain)
            pages = 0
            if runs:
                pages = session.execute(
                    select(func.coalesce(func.sum(PortalCrawl.pages), 0)).where(
                        PortalCrawl.run_id.in_(runs)
                    )
                ).scalar_one()
            pages_total += pages
            session.commit()
            reports.append(RoundReport(number, [c.domain for c in to_crawl], portals, pages))
        ctx.round = len(reports) + 1
        _collect_all(ctx, opts.review)  # what the last round's portals link to, for the record
        states = dict(
            session.execute(select(Candidate.state, func.count()).group_by(Candidate.state)).all()
        )
        portals_all = sorted(
            session.execute(select(Candidate.domain).where(Candidate.state == "portal")).scalars()
        )
    engine.dispose()
    return {
        "rounds": [r.__dict__ for r in reports],
        "portals": portals_all,
        "pages": pages_total,
        "candidates": states,
        "log": log,
        "db": db_url,
    }


def _known_verdicts(session, domains: list[str]) -> dict[str, tuple[str, str | None]]:
    rows = session.execute(
        select(Portal.domain, Portal.status, Portal.kind).where(
            Portal.domain.in_(domains), Portal.status.is_not(None)
        )
    )
    return {d: (s, k) for d, s, k in rows}
