"""The pipeline writes in its own thread: the reactor keeps fetching while a batch commits, and a
write error there still ends the crawl with `write_error`, naming every page not stored.

Each crawl runs in a subprocess (a Twisted reactor starts once per process) with
`AtlasWriter.commit` instrumented: the thread of every commit, a slow commit, a failing one."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import ROOT
from sqlalchemy import create_engine, text

CRAWL = r"""
import json, sys, threading, time
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
from sqlalchemy.exc import OperationalError

import storage.writer
from spiders.items import PageItem
from spiders.portal import PortalSpider

args = json.loads(sys.argv[1])
record = {"main": threading.get_ident(), "commits": [], "slow": None, "responses": [],
          "pages": []}
plain_commit = storage.writer.AtlasWriter.commit

def commit(self):
    start = time.monotonic()
    record["commits"].append(threading.get_ident())
    if len(record["commits"]) == args["slow_commit"]:
        time.sleep(args["sleep"])
        record["slow"] = [start, time.monotonic()]
    if len(record["commits"]) == args["fail_commit"]:
        time.sleep(args["sleep"])  # the reactor has handed the last item over by now
        raise OperationalError("COMMIT", {}, Exception("database or disk is full"))
    plain_commit(self)

storage.writer.AtlasWriter.commit = commit
settings = get_project_settings()
settings.setdict(args["settings"], priority="cmdline")
process = CrawlerProcess(settings)
crawler = process.create_crawler(PortalSpider)
crawler.signals.connect(lambda response, **kw: record["responses"].append(time.monotonic()),
                        signal=signals.response_received, weak=False)
crawler.signals.connect(
    lambda item, **kw: isinstance(item, PageItem) and record["pages"].append(item.url),
    signal=signals.item_scraped, weak=False)
process.crawl(crawler, urls=args["urls"])
process.start()
stats = crawler.stats.get_stats()
record["finish_reason"] = stats.get("finish_reason")
record["unstored"] = stats.get("smmatlas/unstored_items", [])
record["stored_pages"] = stats.get("smmatlas/pages", 0)
print("RECORD " + json.dumps(record))
"""


def _crawl(tmp_path, sandbox, urls, slow_commit=0, fail_commit=0, sleep=0.0, batch=300):
    db = f"sqlite:///{tmp_path / 'atlas.db'}"
    args = {
        "urls": urls, "slow_commit": slow_commit, "fail_commit": fail_commit, "sleep": sleep,
        "settings": {
            "SMMATLAS_DB": db, "SMMATLAS_DATA_DIR": str(tmp_path), "SMMATLAS_RENDER": "never",
            "SMMATLAS_PROXY": sandbox.proxy_url, "SMMATLAS_BATCH_SIZE": batch,
            "SMMATLAS_EXTRACT_WORKERS": 0, "LOG_LEVEL": "WARNING",
        },
    }  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-c", CRAWL, json.dumps(args)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RECORD "))
    return db, json.loads(line.removeprefix("RECORD ")), proc.stderr


def _panels(truth, n):
    return [t["url"] for _, t in sorted(truth.items()) if t["kind"] == "panel" and t["offers"]][:n]


def _rows(db, sql):
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(text(sql)).all()
    engine.dispose()
    return rows


def test_commits_run_off_the_reactor_thread_and_fetching_goes_on_during_a_slow_commit(
    sandbox, truth, tmp_path
):
    urls = _panels(truth, 6)
    db, record, stderr = _crawl(tmp_path, sandbox, urls, slow_commit=1, sleep=2.0, batch=5)
    # (a) every commit ran in one thread, never the reactor's (the main thread here)
    assert record["commits"], stderr[-2000:]
    assert len(set(record["commits"])) == 1
    assert record["main"] not in record["commits"]
    # (b) while the first commit slept for 2 s, the crawl kept receiving responses
    start, end = record["slow"]
    during = [t for t in record["responses"] if start < t < end]
    assert len(during) >= 3, (len(during), len(record["responses"]))
    # and nothing was lost on the way: every page handed over is stored, every portal finished
    assert record["finish_reason"] == "finished"
    assert record["unstored"] == []
    assert record["stored_pages"] == len(record["pages"])
    captured = {url for (url,) in _rows(db, "SELECT url FROM captures")}
    assert set(record["pages"]) <= captured
    finished = _rows(db, "SELECT count(*) FROM portal_crawls WHERE finished_at IS NOT NULL")
    assert finished[0][0] == len(urls)
    assert _rows(db, "SELECT status FROM crawl_runs") == [("finished",)]


def test_a_write_error_in_the_writer_thread_ends_the_crawl_naming_every_page_lost(
    sandbox, truth, tmp_path
):
    # one portal, one batch: the only commit is its verdict's, the last item of the crawl, so
    # the reactor is idle by the time it fails: the crawl must still end with `write_error`
    [url] = _panels(truth, 1)
    db, record, stderr = _crawl(tmp_path, sandbox, [url], fail_commit=1, sleep=1.0)
    assert record["finish_reason"] == "write_error", stderr[-2000:]
    assert record["pages"], stderr[-2000:]
    domain = next(d for d, t in truth.items() if t["url"] == url)
    # every page of the rolled-back batch is named, and none of them is in the atlas
    assert sorted(record["unstored"]) == sorted(record["pages"] + [f"portal verdict of {domain}"])
    assert record["stored_pages"] == 0
    assert _rows(db, "SELECT url FROM captures") == []
    assert "items were not stored" in stderr and "database or disk is full" in stderr
    assert all(p in stderr for p in record["pages"])
    # the portal is left for a resumed run, and the run is recorded as interrupted
    assert _rows(db, "SELECT count(*) FROM portal_crawls WHERE finished_at IS NOT NULL") == [(0,)]
    assert _rows(db, "SELECT status FROM crawl_runs") == [("interrupted",)]
