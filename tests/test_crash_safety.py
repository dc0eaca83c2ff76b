"""Crash safety: a SIGKILL at any point leaves an atlas the next run opens and completes.

- schema creation: the first `open_db` is killed right before each of its SQL statements in
  turn (every point), then opened again;
- crawls: crawls of six curated sandbox portals are killed at random moments, each followed by
  the same command, and the final atlas equals an uninterrupted crawl's.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from helpers import ROOT, run_cli

# One process imports the atlas once, then forks a child per point: the child is killed right
# before its Nth SQL statement of a first `open_db`; the parent opens the same file again.
KILL_EVERY_POINT = textwrap.dedent(
    """
    import json, os, signal, sqlite3, sys
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from storage.db import open_db

    folder, seen, target = sys.argv[1], [0], [0]

    @event.listens_for(Engine, "before_cursor_execute")
    def count(conn, cursor, statement, *args):
        seen[0] += 1
        if seen[0] == target[0]:
            os.kill(os.getpid(), signal.SIGKILL)

    def tables(path):
        con = sqlite3.connect(path)
        try:
            rows = con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            return sorted(r[0] for r in rows)
        finally:
            con.close()

    def in_child(path, n):
        pid = os.fork()
        if pid == 0:
            target[0], seen[0] = n, 0
            try:
                engine, _ = open_db(f"sqlite:///{path}")
                engine.dispose()
            except BaseException as exc:
                print(repr(exc), file=sys.stderr)
                os._exit(3)
            os._exit(0)
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])

    engine, _ = open_db(f"sqlite:///{folder}/full.db")
    engine.dispose()
    total, expected = seen[0], tables(f"{folder}/full.db")
    results = []
    for n in range(1, total + 1):
        path = f"{folder}/killed-{n}.db"
        killed = in_child(path, n)
        reopened = in_child(path, 0)
        results.append([n, killed, reopened, tables(path) == expected])
    print(json.dumps({"total": total, "tables": expected, "results": results}))
    """
)


def test_schema_creation_killed_at_every_statement_leaves_an_atlas_that_opens(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", KILL_EVERY_POINT, str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["total"] > 20 and "crawl_runs" in report["tables"]
    assert len(report["results"]) == report["total"]
    for n, killed, reopened, same_tables in report["results"]:
        assert killed == -signal.SIGKILL, (n, proc.stderr[-1500:])
        assert reopened == 0, (n, proc.stderr[-1500:])
        assert same_tables, n


# --- crawls killed at random points --------------------------------------------------------
# Six curated portals that answer at once (blocked and dead ones spend their time in retries):
# panels, a storefront, a parked domain and a site that sells nothing.
SUBSET_STATUSES = {"active": 4, "parked": 1, "not_a_portal": 1}
VOLATILE = {"evidence", "hosting", "generated_at", "current", "vanished", "captures", "capture"}


def _stable(value):
    """An export without what differs between two crawls of the same web: times, evidence."""
    if isinstance(value, dict):
        return {
            k: _stable(v)
            for k, v in value.items()
            if k not in VOLATILE and not k.endswith(("_at", "_seen", "seen")) and "warc" not in k
        }
    if isinstance(value, list):
        return sorted((_stable(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _export(db: str) -> dict:
    out = run_cli("export", "--format", "json", "--db", db)
    assert out.returncode == 0, out.stderr[-2000:]
    portals = json.loads(out.stdout)["portals"]
    return {p["domain"]: _stable(p) for p in portals}


@pytest.fixture(scope="module")
def subset(sandbox_manifest, truth, tmp_path_factory) -> Path:
    wanted, picked = dict(SUBSET_STATUSES), []
    for site in sandbox_manifest["sites"]:
        status = truth[site["domain"]]["status"]
        if wanted.get(status, 0) > 0 and not truth[site["domain"]].get("js_rendered"):
            wanted[status] -= 1
            picked.append(site["url"])
    assert len(picked) == 6, picked
    seeds = tmp_path_factory.mktemp("subset") / "seeds.txt"
    seeds.write_text("\n".join(picked) + "\n")
    return seeds


def _crawl_args(seeds: Path, folder: Path, proxy: str) -> list[str]:
    return [
        "crawl", "--seeds", str(seeds), "--db", f"sqlite:///{folder / 'atlas.db'}",
        "--data", str(folder), "--proxy", proxy, "--render", "never", "--no-health-check", "-q",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def uninterrupted(sandbox, subset, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("uninterrupted")
    proc = run_cli(*_crawl_args(subset, folder, sandbox.proxy_url))
    assert proc.returncode == 0, proc.stderr[-3000:]
    export = _export(f"sqlite:///{folder / 'atlas.db'}")
    assert len(export) == 6 and sum(len(p["offers"]) for p in export.values()) > 100
    return export


def _opens_cleanly(db: Path) -> None:
    if not db.exists():
        return
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables:  # a schema is all there or not there at all
            assert "alembic_version" in tables and "crawl_runs" in tables, tables
    finally:
        con.close()


# The kill loop runs in one process that imports the atlas once and forks each crawl (the
# same `smmatlas crawl` main, its own reactor): start-up costs a fork, not a Python start, so
# 20 kills fit in about a minute. A run is killed during start-up (schema, run row, lock) one
# time in four, else 0-2.5 s after it starts writing evidence.
KILL_LOOP = """
import json, os, random, signal, sys, time
from pathlib import Path


def main():
    import atlas.cli, atlas.crawl, extract.page, spiders.portal, storage.pipelines  # noqa: F401

    args, kills_wanted = json.loads(sys.argv[1]), int(sys.argv[2])
    warc = Path(args[args.index("--data") + 1]) / "warc"
    rng, kills, alone = random.Random(int(sys.argv[3])), 0, []
    while kills < kills_wanted:
        pid = os.fork()
        if pid == 0:  # the crawl's own summary line must not mix with this loop's reports
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            os._exit(atlas.cli.main(args))
        if rng.random() < 0.25:
            deadline = time.monotonic() + rng.uniform(0.05, 1.0)
        else:
            until = time.monotonic() + 30
            while time.monotonic() < until and not os.waitpid(pid, os.WNOHANG)[0]:
                if any(warc.glob(f"run-*-{pid}.warc.gz")):
                    break
                time.sleep(0.02)
            deadline = time.monotonic() + rng.uniform(0.0, 2.5)
        done = 0
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.01)
        if done:
            alone.append(os.waitstatus_to_exitcode(status))
            continue
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        kills += 1
        print(json.dumps({"killed": kills}), flush=True)
    print(json.dumps({"kills": kills, "ended_alone": alone}), flush=True)


if __name__ == "__main__":
    main()
"""


def test_crawls_killed_at_random_points_resume_to_the_uninterrupted_atlas(
    sandbox, subset, uninterrupted, tmp_path
):
    folder = tmp_path / "killed"
    args = _crawl_args(subset, folder, sandbox.proxy_url)
    script = tmp_path / "kill_loop.py"
    script.write_text(KILL_LOOP)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, str(script), json.dumps(args), "20", "20261130"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    kills = 0
    for line in proc.stdout:  # after each kill: the atlas on disk is whole
        report = json.loads(line)
        kills = report.get("killed", kills)
        _opens_cleanly(folder / "atlas.db")
    assert proc.wait(timeout=300) == 0, proc.stderr.read()[-3000:]
    assert kills == 20 and report["kills"] == 20
    assert all(code == 0 for code in report["ended_alone"]), proc.stderr.read()[-3000:]
    loop_seconds = time.monotonic() - started
    final = run_cli(*args)  # the same command, once more, to the end
    assert final.returncode == 0, final.stderr[-3000:]
    assert _export(f"sqlite:///{folder / 'atlas.db'}") == uninterrupted
    print(f"20 kills in {loop_seconds:.0f} s; {len(report['ended_alone'])} runs ended first")


def test_a_full_atlas_ends_the_crawl_non_zero_naming_every_item_not_stored(
    sandbox, subset, uninterrupted, tmp_path
):
    folder = tmp_path / "full"
    db = folder / "atlas.db"
    made = run_cli("db", "--db", f"sqlite:///{db}", "--create")
    assert made.returncode == 0, made.stderr[-2000:]
    schema_pages = sqlite3.connect(db).execute("PRAGMA page_count").fetchone()[0]
    args = [a for a in _crawl_args(subset, folder, sandbox.proxy_url) if a != "-q"]
    # the atlas may grow by 14 pages (56 KiB): SQLite answers "database or disk is full"
    proc = run_cli(*args, env={"SMMATLAS_SQLITE_MAX_PAGES": str(schema_pages + 14)})
    assert proc.returncode != 0
    assert "database or disk is full" in proc.stderr
    assert "Traceback" not in proc.stderr
    block = proc.stderr.split("items were not stored", 1)[1].split("the atlas holds", 1)[0]
    named = [ln.strip() for ln in block.splitlines()[1:] if ln.strip()]
    assert named and f"resume with: smmatlas {' '.join(args)}" in proc.stderr
    assert "NOT STORED" in proc.stdout  # the end-of-run summary says it too
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {r[0] for r in con.execute("SELECT url FROM captures")}
    urls = [n for n in named if n.startswith("http")]
    assert urls and not stored & set(urls)  # what is named was really not stored
    finished = {
        r[0]
        for r in con.execute(
            "SELECT domain FROM portals JOIN portal_crawls ON portal_id = portals.id "
            "WHERE finished_at IS NOT NULL"
        )
    }
    con.close()
    partial = _export(f"sqlite:///{db}")
    for domain in finished:  # a portal marked finished holds all of its facts
        assert partial[domain] == uninterrupted[domain], domain
    assert len(finished) < 6
    again = run_cli(*args)  # disk space back: the same command completes the atlas
    assert again.returncode == 0, again.stderr[-3000:]
    assert _export(f"sqlite:///{db}") == uninterrupted
