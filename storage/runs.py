"""Crawl runs: open, resume after a kill, close; close the runs of queue workers that died.

Statuses: `running`, `finished`, `interrupted` (stopped early; resumable), `failed`, `abandoned`
(interrupted and too old to resume), `lost` (a queue worker that died: its heartbeat ran out on
the shared queue and its unfinished portals went to other workers; closed by one of them)."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Capture, CrawlRun, Portal, PortalCrawl

SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
SECRET_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey")


def strip_credentials(url: str) -> str:
    """`url` without its user:password@ part (a seed or proxy URL may carry them)."""
    if not isinstance(url, str) or "@" not in url:
        return url
    try:
        parts = urlsplit(url)
        if parts.username is None and parts.password is None:
            return url
        return parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]).geturl()
    except ValueError:
        return url.rsplit("@", 1)[-1]


def clean_settings(settings: dict) -> dict:
    """Settings safe to store: URLs without credentials, secret-named values left out."""
    out = {}
    for key, value in settings.items():
        if any(word in key.lower() for word in SECRET_WORDS):
            continue
        if isinstance(value, str):
            value = strip_credentials(value)
        elif isinstance(value, list | tuple):
            value = [strip_credentials(v) if isinstance(v, str) else v for v in value]
        out[key] = value
    return out


def clean_request_headers(headers):
    """Request headers safe to keep as evidence: no credentials or cookies."""
    if not headers:
        return headers
    return [(k, v) for k, v in headers if str(k).lower() not in SECRET_HEADERS]


def seeds_key(seeds: list[str]) -> str:
    return hashlib.sha256(json.dumps(sorted(set(seeds))).encode()).hexdigest()


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not alive
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def open_run(
    sessions: sessionmaker[Session],
    seeds: list[str],
    settings: dict,
    resume: bool = True,
    resume_within: timedelta | None = None,
) -> tuple[int, set[str], bool]:
    """Start a run, or resume the newest interrupted run of the same seeds.

    A run that started longer than `resume_within` ago is not resumed: it is marked
    `abandoned` (its facts stay) and a new run starts. Returns (run_id, domains already
    finished in it, resumed?).
    """
    seeds = [strip_credentials(s) for s in seeds]  # never store a seed's user:password
    settings = clean_settings(settings)
    key = seeds_key(seeds)
    with sessions() as session:
        if resume:
            previous = session.execute(
                select(CrawlRun)
                .where(CrawlRun.seeds_key == key, CrawlRun.status.in_(("running", "interrupted")))
                .order_by(CrawlRun.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            stale = (
                previous is not None
                and resume_within is not None
                and datetime.now(UTC) - _utc(previous.started_at) > resume_within
            )
            if stale and not _alive(previous.pid):
                previous.status = "abandoned"
                previous.outcome = "; ".join(
                    x for x in (previous.outcome, f"not resumed: older than {resume_within}") if x
                )
                session.commit()
            elif previous is not None and not _alive(previous.pid):
                done = set(
                    session.execute(
                        select(Portal.domain)
                        .join(PortalCrawl, PortalCrawl.portal_id == Portal.id)
                        .where(PortalCrawl.run_id == previous.id)
                        .where(PortalCrawl.finished_at.is_not(None))
                    ).scalars()
                )
                previous.status = "running"
                previous.pid = os.getpid()
                previous.outcome = f"resumed at {datetime.now(UTC).isoformat()}"
                session.commit()
                return previous.id, done, True
        run = CrawlRun(
            started_at=datetime.now(UTC),
            status="running",
            seeds_key=key,
            seeds=sorted(set(seeds)),
            settings=settings,
            counts={},
            pid=os.getpid(),
        )
        session.add(run)
        session.commit()
        return run.id, set(), False


def json_counts(stats: dict) -> dict:
    """The numbers of a Scrapy stats dict (datetimes and objects left out), for the run row."""
    return {k: v for k, v in (stats or {}).items() if isinstance(v, bool | int | float | str)}


def close_run(
    sessions: sessionmaker[Session], run_id: int, status: str, counts: dict, outcome: str = ""
) -> None:
    with sessions() as session:
        run = session.get(CrawlRun, run_id)
        run.status = status
        run.finished_at = datetime.now(UTC)
        run.counts = json_counts(counts)
        note = f"{status}: {run.counts.get('smmatlas/portals', 0)} portals, "
        note += f"{run.counts.get('smmatlas/pages', 0)} pages"
        run.outcome = "; ".join(x for x in (run.outcome, outcome or note) if x)
        session.commit()


def close_lost_runs(sessions: sessionmaker[Session], lost: list[dict]) -> list[int]:
    """Close as `lost` the runs of queue workers that died (spiders.queue.PortalQueue.reap:
    `{"worker", "run", "seen"}` each), with their counts as the atlas holds them: portals
    finished, portals begun, pages stored. A run is closed only if it is still `running` and
    is that worker's (a worker reaped while merely stalled closes its run itself later).
    Returns the runs closed."""
    closed = []
    with sessions() as session:
        for dead in lost:
            run = session.get(CrawlRun, dead.get("run")) if dead.get("run") else None
            if run is None or run.status != "running":
                continue
            if (run.settings or {}).get("worker") != dead.get("worker"):
                continue
            crawls = select(func.count()).select_from(PortalCrawl)
            crawls = crawls.where(PortalCrawl.run_id == run.id)
            begun = session.execute(crawls).scalar_one()
            finished = session.execute(crawls.where(PortalCrawl.finished_at.is_not(None)))
            finished = finished.scalar_one()
            pages = session.execute(
                select(func.count()).select_from(Capture).where(Capture.run_id == run.id)
            ).scalar_one()
            seen = dead.get("seen")
            last = datetime.fromtimestamp(float(seen), UTC) if seen else datetime.now(UTC)
            run.status = "lost"
            run.finished_at = max(last, _utc(run.started_at))
            run.counts = {
                **(run.counts or {}),
                "smmatlas/portals": finished,
                "smmatlas/portals_begun": begun,
                "smmatlas/pages": pages,
            }
            note = (
                f"lost: worker {dead.get('worker')} stopped answering on the queue (last "
                f"heartbeat {last.isoformat(timespec='seconds')}); {finished} portals finished, "
                f"{pages} pages stored; its unfinished portals went to other workers"
            )
            run.outcome = "; ".join(x for x in (run.outcome, note) if x)
            closed.append(run.id)
        session.commit()
    return closed
