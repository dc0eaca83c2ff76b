"""Scheduled crawls that are safe to leave alone: one crawl per atlas at a time (SQLite file
lock, PostgreSQL advisory lock), no resume of a stale run, a dead proxy changes nothing,
exit codes, a quiet mode that is quiet, a log file, a plain progress line."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from helpers import ROOT, run_cli
from sqlalchemy import create_engine, text
from test_postgres import postgres  # noqa: F401  (the private PostgreSQL cluster fixture)

EXIT_UNREACHABLE, EXIT_LOCKED = 4, 5
TABLES = ("crawl_runs", "portals", "portal_crawls", "captures", "offers", "offer_observations",
          "payments", "contacts", "identifiers")  # fmt: skip


def _sites(manifest, n: int) -> list[str]:
    return [s["url"] for s in manifest["sites"] if not s.get("dead")][:n]


def _popen(sandbox, db, folder, urls, *extra) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "atlas.cli", "crawl", *urls, "--db", db, "--data", str(folder),
           "--proxy", sandbox.proxy_url, "--render", "never", *extra]  # fmt: skip
    return subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _rows(db: str, sql: str) -> list[tuple]:
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows


def _together(sandbox, db, folder, urls, *extra):
    procs = [_popen(sandbox, db, folder, urls, *extra) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    return [p.returncode for p in procs], outs


def _one_crawled_one_locked(db, codes, outs) -> None:
    assert sorted(codes) == [0, EXIT_LOCKED], [o[1][-1500:] for o in outs]
    locked = outs[codes.index(EXIT_LOCKED)]
    assert "smmatlas: error: another crawl is running on this atlas" in locked[1]
    assert "Traceback" not in locked[1]
    assert locked[0] == ""  # it crawled nothing, so it reports no run
    assert _rows(db, "SELECT id, status FROM crawl_runs") == [(1, "finished")]


def test_two_crawls_on_one_sqlite_atlas(sandbox, sandbox_manifest, tmp_path):
    db = f"sqlite:///{tmp_path / 'atlas.db'}"
    urls = _sites(sandbox_manifest, 2)
    assert run_cli("db", "--db", db).returncode == 0  # the schema exists before both start
    codes, outs = _together(sandbox, db, tmp_path, urls, "--log-file", str(tmp_path / "c.log"))
    _one_crawled_one_locked(db, codes, outs)
    winner = outs[codes.index(0)]
    assert f"progress: {len(urls)}/{len(urls)} portals" in winner[1]  # not a terminal: plain
    log = (tmp_path / "c.log").read_text()
    assert "[scrapy.core.engine] INFO: Spider opened" in log  # the full story is in the file

    # with --wait the second one waits for the first, then crawls
    sandbox.reset_faults()
    codes, outs = _together(sandbox, db, tmp_path, urls, "--wait", "-q")
    assert codes == [0, 0], [o[1][-1500:] for o in outs]
    runs = _rows(db, "SELECT id, started_at, finished_at FROM crawl_runs ORDER BY id")
    assert [r[0] for r in runs] == [1, 2, 3]
    assert runs[2][1] >= runs[1][2]  # run 3 began after run 2 had ended


def test_two_crawls_on_one_postgresql_atlas(postgres, sandbox, sandbox_manifest, tmp_path):  # noqa: F811
    urls = _sites(sandbox_manifest, 2)
    assert run_cli("db", "--db", postgres).returncode == 0
    codes, outs = _together(sandbox, postgres, tmp_path, urls, "-q")
    _one_crawled_one_locked(postgres, codes, outs)


def test_stale_interrupted_run_is_not_resumed(sandbox, sandbox_manifest, tmp_path):
    db = f"sqlite:///{tmp_path / 'atlas.db'}"
    urls = _sites(sandbox_manifest, 6)
    proc = _popen(sandbox, db, tmp_path, urls, "--concurrency", "1", "-q")
    finished_sql = "SELECT count(*) FROM portal_crawls WHERE finished_at IS NOT NULL"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        try:
            if _rows(db, finished_sql)[0][0] >= 1:
                break
        except Exception:  # the schema may not exist yet
            continue
    assert proc.poll() is None, "the crawl ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    kept = _rows(db, finished_sql)[0][0]
    assert kept >= 1
    con = sqlite3.connect(tmp_path / "atlas.db")
    if kept == len(urls):  # the portals ended within one poll (their last pages come last):
        # keep one finished, as a kill a moment earlier would have, so there is work to resume
        con.execute("UPDATE portal_crawls SET finished_at = NULL WHERE run_id = 1 AND id > "
                    "(SELECT min(id) FROM portal_crawls WHERE run_id = 1)")  # fmt: skip
    assert con.execute(finished_sql).fetchone()[0] < len(urls)
    assert con.execute("SELECT status FROM crawl_runs WHERE id = 1").fetchone()[0] == "running"
    # the killed run started 13 hours ago (the default limit is 12h)
    old = (datetime.now(UTC) - timedelta(hours=13)).strftime("%Y-%m-%d %H:%M:%S.%f")
    con.execute("UPDATE crawl_runs SET started_at = ? WHERE id = 1", (old,))
    con.commit()
    con.close()

    sandbox.reset_faults()
    again = run_cli("crawl", *urls, "--db", db, "--data", str(tmp_path), "--proxy",
                    sandbox.proxy_url, "--render", "never", "-q")  # fmt: skip
    assert again.returncode == 0, again.stderr[-2000:]
    assert "(resumed)" not in again.stdout and "0 already done" in again.stdout
    assert _rows(db, "SELECT id, status FROM crawl_runs ORDER BY id") == [
        (1, "abandoned"),
        (2, "finished"),
    ]
    assert _rows(db, "SELECT count(*) FROM portal_crawls WHERE run_id = 2")[0][0] == len(urls)


def _snapshot(path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    out = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
    con.close()
    return out


class _SilentProxy:
    """Accepts connections and never answers (a hung proxy)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.conns.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        self.sock.close()
        for c in self.conns:
            c.close()


@pytest.mark.parametrize("proxy_kind", ["refused", "silent"])
def test_dead_proxy_aborts_and_changes_nothing(crawled, sandbox_manifest, tmp_path, proxy_kind):
    # a copy of the shared crawled atlas (the backup API includes what is still in the WAL)
    src = sqlite3.connect(crawled["folder"] / "atlas.db")
    dst = sqlite3.connect(tmp_path / "atlas.db")
    src.backup(dst)
    src.close()
    dst.close()
    before = _snapshot(tmp_path / "atlas.db")
    silent = None
    if proxy_kind == "refused":
        with socket.socket() as s:  # a port nothing listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    else:
        silent = _SilentProxy()
        port = silent.port
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("\n".join(s["url"] for s in sandbox_manifest["sites"]) + "\n")
    env = {"SMMATLAS_HEALTH_TIMEOUT": "2"}
    try:
        proc = run_cli("crawl", "--seeds", str(seeds), "--db", f"sqlite:///{tmp_path / 'atlas.db'}",
                       "--data", str(tmp_path), "--proxy", f"http://127.0.0.1:{port}",
                       "--render", "never", env=env, timeout=120)  # fmt: skip
    finally:
        if silent:
            silent.close()
    assert proc.returncode == EXIT_UNREACHABLE, proc.stderr[-2000:]
    assert proc.stderr.startswith("smmatlas: error: the proxy http://127.0.0.1:")
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert _snapshot(tmp_path / "atlas.db") == before  # no run, no status, no last_seen moved
    assert not list((tmp_path / "warc").glob("*.warc.gz"))


def test_quiet_crawl_is_quiet(crawled, truth):
    # the shared crawl ran with -q over a world with a dead host, faults and retries
    assert any(t["status"] == "unreachable" for t in truth.values())
    assert crawled["stderr"] == ""
    assert crawled["stdout"].count("\n") == 1 and crawled["stdout"].startswith("run 1 finished")


def test_db_typo_is_an_error_not_a_new_atlas(tmp_path):
    missing = tmp_path / "atlsa.db"
    for argv in (["export"], ["portals"], ["diff"], ["query", "SELECT 1"]):
        proc = run_cli(*argv, "--db", f"sqlite:///{missing}")
        assert proc.returncode == 2, (argv, proc.stderr)  # bad input
        assert proc.stderr.startswith(f"smmatlas: error: no atlas at {missing}")
        assert not missing.exists()
    made = run_cli("portals", "--db", f"sqlite:///{missing}", "--create")
    assert made.returncode == 0, made.stderr
    assert missing.exists()


def test_data_home_is_not_the_current_directory(tmp_path):
    env = {"SMMATLAS_DATA": "", "SMMATLAS_DB": "", "SMMATLAS_HOME": "",
           "XDG_DATA_HOME": str(tmp_path / "xdg")}  # fmt: skip
    proc = run_cli("db", env=env)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "xdg" / "smmatlas" / "atlas.db").is_file()
    proc = run_cli("db", env={**env, "SMMATLAS_HOME": str(tmp_path / "home")})
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "home" / "atlas.db").is_file()


def test_bad_ages_and_options_are_usage_errors(tmp_path):
    proc = run_cli("crawl", "a.example", "--resume-within", "soon", "--db",
                   f"sqlite:///{tmp_path / 'a.db'}")  # fmt: skip
    assert proc.returncode == 2 and "smmatlas: error: not an age: 'soon'" in proc.stderr
