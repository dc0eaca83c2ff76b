"""`scrapy crawl portal` works from the project folder, as Scrapy users expect."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT
from sqlalchemy import create_engine, text


def test_scrapy_crawl_portal_stores_a_finished_run(sandbox, truth, tmp_path):
    domain = next(d for d, t in sorted(truth.items()) if t["kind"] == "panel" and t["offers"])
    db = f"sqlite:///{tmp_path / 'atlas.db'}"
    settings = {
        "SMMATLAS_PROXY": sandbox.proxy_url, "SMMATLAS_DB": db, "SMMATLAS_RENDER": "never",
        "SMMATLAS_DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    args = [a for k, v in settings.items() for a in ("-s", f"{k}={v}")]
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"urls={truth[domain]['url']}",
         *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    engine = create_engine(db)
    with engine.connect() as conn:
        runs = conn.execute(text("SELECT status FROM crawl_runs")).scalars().all()
        offers = conn.execute(text("SELECT count(*) FROM offers")).scalar_one()
        status = conn.execute(text("SELECT status FROM portals")).scalar_one()
    engine.dispose()
    assert runs == ["finished"]
    assert status == "active"
    assert offers == len(truth[domain]["offers"])


def test_a_crawl_stopped_early_records_its_open_portals_unfinished(sandbox, truth, tmp_path):
    """The pipeline learns the portals still open from the spider through a signal
    (config/signals.py): each gets its verdict and a crawl row left unfinished."""
    panels = [t["url"] for _, t in sorted(truth.items()) if t["kind"] == "panel" and t["offers"]]
    db = f"sqlite:///{tmp_path / 'atlas.db'}"
    settings = {
        "SMMATLAS_PROXY": sandbox.proxy_url, "SMMATLAS_DB": db, "SMMATLAS_RENDER": "never",
        "SMMATLAS_DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING",
        "SMMATLAS_CONCURRENT_PORTALS": "3", "CLOSESPIDER_PAGECOUNT": "4",
    }  # fmt: skip
    args = [a for k, v in settings.items() for a in ("-s", f"{k}={v}")]
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "urls=" + ",".join(panels[:3]),
         *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    engine = create_engine(db)
    with engine.connect() as conn:
        runs = conn.execute(text("SELECT status FROM crawl_runs")).scalars().all()
        crawls = conn.execute(
            text("SELECT p.domain, c.finished_at, c.status FROM portal_crawls c "
                 "JOIN portals p ON p.id = c.portal_id")
        ).all()  # fmt: skip
    engine.dispose()
    assert runs == ["interrupted"]
    assert len(crawls) == 3  # every portal it had opened has its crawl row
    assert all(finished is None for _, finished, _ in crawls)  # none marked finished
    assert all(status for _, _, status in crawls)  # each with a verdict
