"""Run a crawl in this process: open (or resume) a run, crawl with Scrapy, close the run."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from extract.domains import normalise_seed, registered_domain
from spiders.portal import PortalSpider
from spiders.render import RENDER_MODES
from storage.db import data_dir, default_url, open_db
from storage.runs import close_run, json_counts, open_run


class CrawlInputError(ValueError):
    """Bad crawl input: a message for the user."""


@dataclass
class CrawlOptions:
    targets: list[str]
    db: str | None = None
    proxy: str | None = None
    render: str = "auto"
    budget: int = 40
    data: str | None = None
    resume: bool = True
    concurrency: int | None = None
    log_level: str = "INFO"


def read_seeds(path: str) -> list[str]:
    """One URL or domain per line; blank lines and # comments are skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CrawlInputError(f"seeds file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CrawlInputError(f"cannot read seeds file {path}: {exc}") from exc
    return [ln.split("#", 1)[0].strip() for ln in text.splitlines() if ln.split("#", 1)[0].strip()]


def check_targets(targets: list[str]) -> list[str]:
    if not targets:
        raise CrawlInputError("nothing to crawl: give URLs or domains, or --seeds FILE")
    for target in targets:
        try:
            normalise_seed(target)
        except ValueError as exc:
            raise CrawlInputError(str(exc)) from exc
    return list(dict.fromkeys(t.strip() for t in targets))


def check_proxy(proxy: str | None) -> None:
    if proxy is None:
        return
    try:
        url = normalise_seed(proxy)[0]
    except ValueError as exc:
        raise CrawlInputError(f"--proxy: {exc}") from exc
    if not url.startswith("http://") or "://" not in proxy:
        raise CrawlInputError(
            f"--proxy must be an http:// URL, e.g. http://127.0.0.1:8899: {proxy!r}"
        )


def run_crawl(opts: CrawlOptions) -> dict:
    """Crawl `opts.targets`; return the run's summary. Raises CrawlInputError / DatabaseError."""
    targets = check_targets(opts.targets)
    check_proxy(opts.proxy)
    if opts.render not in RENDER_MODES:
        raise CrawlInputError(f"--render must be one of {', '.join(RENDER_MODES)}")
    if opts.budget < 1:
        raise CrawlInputError("--budget must be at least 1 page")
    folder = Path(opts.data) if opts.data else data_dir()
    try:
        (folder / "warc").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CrawlInputError(f"the data folder {folder} is not writable: {exc}") from exc
    if not os.access(folder / "warc", os.W_OK):
        raise CrawlInputError(f"the data folder {folder} is not writable")
    db_url = opts.db or (f"sqlite:///{folder / 'atlas.db'}" if opts.data else default_url())
    engine, sessions = open_db(db_url)
    recorded = {"render": opts.render, "proxy": opts.proxy, "budget": opts.budget}
    run_id, done, resumed = open_run(sessions, targets, recorded, resume=opts.resume)
    skip = sorted(
        d for d in done if d in {registered_domain(normalise_seed(t)[0]) for t in targets}
    )

    settings = get_project_settings()
    settings.setmodule("config.settings", priority="project")
    overrides = {
        "SMMATLAS_DB": db_url,
        "SMMATLAS_DATA_DIR": str(folder),
        "SMMATLAS_RUN_ID": run_id,
        "SMMATLAS_PROXY": opts.proxy,
        "SMMATLAS_RENDER": opts.render,
        "SMMATLAS_PAGE_BUDGET": opts.budget,
        "SMMATLAS_SKIP_DOMAINS": skip,
        "LOG_LEVEL": opts.log_level,
    }
    if opts.concurrency:
        overrides["CONCURRENT_REQUESTS"] = opts.concurrency
    settings.setdict(overrides, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(PortalSpider)
    status = "failed"
    try:
        process.crawl(crawler, urls=targets)
        process.start()
        reason = crawler.stats.get_value("finish_reason")
        status = "finished" if reason == "finished" else "interrupted"
    finally:
        stats = json_counts(crawler.stats.get_stats())
        stats.update({"skipped_finished": len(skip), "resumed": resumed})
        close_run(sessions, run_id, status, stats)
        engine.dispose()
    logging.getLogger(__name__).info("run %s %s", run_id, status)
    return {"run_id": run_id, "status": status, "resumed": resumed, "skipped": skip, "stats": stats}
