"""A rerun duplicates nothing; a crawl killed with SIGKILL loses nothing and finishes the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import ROOT, run_cli
from sqlalchemy import create_engine, text

TABLES = ("portals", "captures", "offers", "offer_observations", "payments", "contacts",
          "identifiers")  # fmt: skip


def _counts(db: str) -> dict[str, int]:
    engine = create_engine(db)
    with engine.connect() as conn:
        out = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
    engine.dispose()
    return out


def _rows(db: str, sql: str) -> set[tuple]:
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = {tuple(r) for r in conn.execute(text(sql))}
    engine.dispose()
    return rows


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


SITES = 14  # the first panels of the curated world (its faults among them): enough to resume


def _seeds(tmp_path, manifest) -> str:
    path = tmp_path / "seeds.txt"
    path.write_text("\n".join(s["url"] for s in manifest["sites"][:SITES]) + "\n")
    return str(path)


def _crawl(sandbox, seeds, db, folder, *extra):
    return run_cli(
        "crawl", "--seeds", seeds, "--db", db, "--data", str(folder),
        "--proxy", sandbox.proxy_url, "--render", "never", "-q", *extra,
    )  # fmt: skip


def test_rerun_duplicates_nothing(sandbox, sandbox_manifest, tmp_path):
    db = f"sqlite:///{tmp_path / 'atlas.db'}"
    seeds = _seeds(tmp_path, sandbox_manifest)
    first = _crawl(sandbox, seeds, db, tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    before = _counts(db)
    assert before["offers"] > 1000 and before["captures"] > 50
    sandbox.reset_faults()
    second = _crawl(sandbox, seeds, db, tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    assert _counts(db) == before


def test_sigkill_then_rerun_loses_nothing_and_finishes(sandbox, sandbox_manifest, tmp_path):
    db = f"sqlite:///{tmp_path / 'atlas.db'}"
    seeds = _seeds(tmp_path, sandbox_manifest)
    cmd = [sys.executable, "-m", "atlas.cli", "crawl", "--seeds", seeds, "--db", db,
           "--data", str(tmp_path), "--proxy", sandbox.proxy_url, "--render", "never",
           "--concurrency", "1", "-q"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finished_sql = "SELECT count(*) FROM portal_crawls WHERE finished_at IS NOT NULL"
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            done = next(iter(_rows(db, finished_sql)))[0]
        except Exception:  # the schema may not exist yet
            continue
        if done >= 3:
            break
    assert proc.poll() is None, "the crawl ended before it could be killed"
    workers = _children(proc.pid)
    assert workers  # the extraction pool is running
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(2)
    assert [pid for pid in workers if _alive(pid)] == []  # extraction workers left with it
    kept_offers = _rows(db, "SELECT portal_id, key, price FROM offers")
    kept_done = next(iter(_rows(db, finished_sql)))[0]
    total = len({s["domain"] for s in sandbox_manifest["sites"][:SITES]})
    assert 3 <= kept_done < total

    again = _crawl(sandbox, seeds, db, tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "(resumed)" in again.stdout and f"{kept_done} already done" in again.stdout
    assert kept_offers <= _rows(db, "SELECT portal_id, key, price FROM offers")
    runs = _rows(db, "SELECT id, status FROM crawl_runs")
    assert runs == {(1, "finished")}
    finished = next(iter(_rows(db, finished_sql)))[0]
    assert finished == total

    # and the result equals a crawl that was never interrupted
    clean_db = f"sqlite:///{tmp_path / 'clean.db'}"
    clean = _crawl(sandbox, seeds, clean_db, tmp_path / "clean")
    assert clean.returncode == 0, clean.stderr[-2000:]
    key_sql = "SELECT p.domain, o.key, o.price FROM offers o JOIN portals p ON p.id = o.portal_id"
    assert _rows(db, key_sql) == _rows(clean_db, key_sql)
