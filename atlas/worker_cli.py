"""Scale-out: `smmatlas crawl --queue redis://...` and `smmatlas worker --queue redis://...`.

`crawl --queue` puts its portals on a shared, persistent queue in Redis (spiders/queue.py) and
crawls from it; `worker` starts one more crawler on the same queue, on this machine or another.
Each process opens its own run in the shared PostgreSQL atlas, writes its own WARC files under
the one evidence root (`run-<run>-<pid>.warc.gz`: run ids are unique in the atlas), holds the
atlas's lock shared (workers do not exclude each other; a plain crawl excludes them all), and
acknowledges a portal on the queue only once the atlas holds its finished verdict. Its
heartbeat on the queue names its run: when a worker dies (SIGKILL, a machine lost), a survivor
or the next worker on the queue closes its run as `lost` once its portals went back.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from atlas.crawl import (
    EXIT_OK,
    EXIT_PARTIAL,
    CrawlInputError,
    CrawlOptions,
    _progress_mode,
    _report,
    check_proxy,
    crawl_settings,
)
from atlas.lock import atlas_lock
from spiders.queue import DEFAULT_KEY, PortalQueue, QueueError, check_queue_url
from storage.db import DatabaseError, data_dir, open_db

# environment overrides of the queue settings (config/settings.py SMMATLAS_QUEUE_*)
QUEUE_ENV = ("SMMATLAS_QUEUE_KEY", "SMMATLAS_QUEUE_LEASE", "SMMATLAS_QUEUE_IDLE")


def _confirmer(sessions, run_id: int) -> Callable[[list[str]], set[str]]:
    """Which of these portals have a finished verdict of this run in the atlas."""
    from sqlalchemy import select

    from storage.models import Portal, PortalCrawl

    def confirmed(domains: list[str]) -> set[str]:
        with sessions() as session:
            rows = session.execute(
                select(Portal.domain)
                .join(PortalCrawl, PortalCrawl.portal_id == Portal.id)
                .where(PortalCrawl.run_id == run_id, PortalCrawl.finished_at.is_not(None))
                .where(Portal.domain.in_(domains))
            ).scalars()
            return set(rows)

    return confirmed


def _queue_settings() -> dict:
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.setmodule("config.settings", priority="project")
    out = {name: settings.get(name) for name in QUEUE_ENV}
    for name in QUEUE_ENV:
        if os.environ.get(name):
            out[name] = os.environ[name]
    out["SMMATLAS_QUEUE_KEY"] = out["SMMATLAS_QUEUE_KEY"] or DEFAULT_KEY
    try:
        out["SMMATLAS_QUEUE_LEASE"] = float(out["SMMATLAS_QUEUE_LEASE"] or 60)
        out["SMMATLAS_QUEUE_IDLE"] = float(out["SMMATLAS_QUEUE_IDLE"] or 10)
    except ValueError as exc:
        raise CrawlInputError(f"SMMATLAS_QUEUE_LEASE / _IDLE must be seconds: {exc}") from exc
    if out["SMMATLAS_QUEUE_LEASE"] <= 0:
        raise CrawlInputError("SMMATLAS_QUEUE_LEASE must be more than 0 seconds")
    return out


def run_queue(opts: CrawlOptions, queue_url: str, targets: list[str]) -> dict:
    """Queue `targets` (none for a worker) and crawl from the queue until the job is done."""
    try:
        check_queue_url(queue_url)
    except QueueError as exc:
        raise CrawlInputError(str(exc)) from exc
    check_proxy(opts.proxy)
    if opts.budget < 1:
        raise CrawlInputError("--budget must be at least 1 page")
    db_url = opts.db or os.environ.get("SMMATLAS_DB") or ""
    if not db_url.startswith("postgresql"):
        raise CrawlInputError(
            "a queue needs a PostgreSQL atlas that every worker reaches: "
            "--db postgresql+psycopg://USER@HOST:PORT/DB (SQLite is one process's file)"
        )
    folder = Path(opts.data) if opts.data else data_dir()
    try:
        (folder / "warc").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CrawlInputError(f"the data folder {folder} is not writable: {exc}") from exc
    qset = _queue_settings()
    try:
        queue = PortalQueue.from_url(
            queue_url, qset["SMMATLAS_QUEUE_KEY"], qset["SMMATLAS_QUEUE_LEASE"]
        )
        queued = queue.push(targets) if targets else 0
    except QueueError as exc:
        raise CrawlInputError(str(exc)) from exc
    except Exception as exc:  # redis-py: refused, timed out, authentication, wrong type
        raise CrawlInputError(f"the Redis queue {_safe(queue_url)} failed: {exc}") from exc
    engine, sessions = open_db(db_url)  # workers started together take turns on the schema
    try:
        with atlas_lock(db_url, engine, opts.wait, shared=True):
            return _crawl_queue(opts, folder, db_url, sessions, queue, qset, queued)
    finally:
        engine.dispose()


def _safe(url: str) -> str:
    from storage.runs import strip_credentials

    return strip_credentials(url)


def _crawl_queue(opts, folder: Path, db_url: str, sessions, queue, qset, queued: int) -> dict:
    from scrapy.crawler import CrawlerProcess
    from sqlalchemy.exc import SQLAlchemyError

    from atlas.progress import Progress
    from spiders.portal import PortalSpider
    from spiders.scope import mask_logs
    from storage.runs import close_lost_runs, close_run, json_counts, open_run

    recorded = {"render": opts.render, "proxy": opts.proxy, "budget": opts.budget}
    recorded.update({"queue": _safe(opts.queue), "queue_key": queue.key, "worker": queue.worker})
    job = f"queue {_safe(opts.queue)} {queue.key}"  # runs of queue workers never resume
    run_id, _, _ = open_run(sessions, [job], recorded, resume=False)

    def lost(dead: list[dict]) -> list[int]:
        return close_lost_runs(sessions, dead)

    try:
        queue.register(run_id)  # its heartbeat: if it dies, another worker closes its run
        queue.requeue_expired()
        lost(queue.reap())  # workers that died before this one started
    except Exception as exc:  # noqa: BLE001 - a hiccup: the crawl's heartbeat does it again
        logging.getLogger(__name__).warning("queue heartbeat failed: %s", exc)
    settings = crawl_settings(
        opts, db_url, folder, run_id,
        SMMATLAS_QUEUE=opts.queue,
        SMMATLAS_QUEUE_WORKER=queue.worker,
        SMMATLAS_QUEUE_CONFIRM=_confirmer(sessions, run_id),
        SMMATLAS_QUEUE_LOST=lost,
        **qset,
    )  # fmt: skip
    process = CrawlerProcess(settings)
    mask_logs()
    crawler = process.create_crawler(PortalSpider)
    progress = Progress(0, _progress_mode(opts), opts.budget)
    progress.connect(crawler)
    status = "failed"
    try:
        process.crawl(crawler)
        process.start()
        reason = crawler.stats.get_value("finish_reason")
        status = "finished" if reason == "finished" else "interrupted"
    finally:
        stats = json_counts(crawler.stats.get_stats())
        stats.update({"queued": queued, "worker": queue.worker})
        try:
            close_run(sessions, run_id, status, stats)
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"could not record the end of run {run_id} ({exc.orig or exc}); what was stored "
                "is consistent; its portals go back on the queue"
            ) from exc
        try:
            queue.unregister()  # its run is closed: nobody has to close it as lost
        except Exception:  # noqa: BLE001 - its heartbeat runs out; its closed run stays as is
            pass
    logging.getLogger(__name__).info("run %s %s (worker %s)", run_id, status, queue.worker)
    try:
        left = queue.counts()
    except Exception:  # noqa: BLE001 - the queue went away at the end: say the job is open
        left = {"pending": -1, "claimed": -1, "done": 0, "seen": 0}
    over = left["pending"] == 0 and left["claimed"] == 0
    report = _report(sessions, progress.failed)
    if not over:
        report.append(
            f"the queue's job is not over ({left['pending']} pending, {left['claimed']} "
            "claimed): run `smmatlas worker` on it again"
        )
    return {
        "report": report,
        "run_id": run_id,
        "status": status,
        "resumed": False,
        "skipped": [],
        "stats": stats,
        "queue": left,
        "not_active": progress.failed,
        "exit": EXIT_OK if status == "finished" and over else EXIT_PARTIAL,
    }


# --- the command ----------------------------------------------------------------------------
def add_worker_command(sub, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser(
        "worker",
        help="one more crawler on a shared portal queue (scale-out)",
        description="Crawl portals claimed from the shared Redis queue that `smmatlas crawl "
        "--queue` fills, into a PostgreSQL atlas, until the queue's job is done. Start as "
        "many as you like, on any machine that reaches the Redis server, the atlas and the "
        "evidence root.",
    )
    p.add_argument(
        "--queue",
        required=True,
        metavar="URL",
        help="the shared queue: redis://HOST:PORT/N (job keys: $SMMATLAS_QUEUE_KEY, "
        f"default {DEFAULT_KEY})",
    )
    add_db(p)
    p.add_argument("--data", metavar="DIR", help="the evidence root every worker shares")
    p.add_argument("--proxy", metavar="URL", help="HTTP proxy for every fetch (plain and browser)")
    p.add_argument("--render", choices=["auto", "always", "never"], default="auto")
    p.add_argument("--budget", type=int, default=40, help="pages per portal (default 40)")
    p.add_argument("--concurrency", type=int, help="concurrent requests (default 32)")
    p.add_argument("--log-file", metavar="FILE", help="append the worker's full log to FILE")
    p.add_argument("--no-screenshots", action="store_true", help="take no screenshots")
    p.add_argument("--wait", action="store_true", help="wait while a plain crawl holds the atlas")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    p.add_argument("-q", "--quiet", action="store_true", help="nothing but the summary line")
    p.set_defaults(func=cmd_worker)


def cmd_worker(args: argparse.Namespace) -> int:
    from atlas.cli import UserError
    from atlas.lock import AtlasLocked

    opts = CrawlOptions(
        targets=[],
        db=args.db,
        proxy=args.proxy,
        render=args.render,
        budget=args.budget,
        data=args.data,
        concurrency=args.concurrency,
        log_level="DEBUG" if args.verbose else ("CRITICAL" if args.quiet else "WARNING"),
        wait=float("inf") if args.wait else None,
        progress="off" if args.quiet else "auto",
        log_file=args.log_file,
        screenshots=False if args.no_screenshots else None,
        queue=args.queue,
    )
    try:
        summary = run_queue(opts, args.queue, [])
    except CrawlInputError as exc:
        raise UserError(str(exc)) from exc
    except AtlasLocked as exc:
        from atlas.crawl import EXIT_LOCKED

        print(f"smmatlas: error: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    print(summary_line(summary))
    if not args.quiet:
        for line in summary["report"]:
            print(line)
    return summary["exit"]


def summary_line(summary: dict) -> str:
    stats, left = summary["stats"], summary["queue"]
    return (
        f"run {summary['run_id']} {summary['status']} (worker {stats.get('worker')}): "
        f"{stats.get('smmatlas/queue/acknowledged', 0)} portals from the queue, "
        f"{stats.get('smmatlas/pages', 0)} pages; queue: {left['done']} done, "
        f"{left['pending']} pending, {left['claimed']} claimed"
    )
