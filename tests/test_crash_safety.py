"""Crash safety: a SIGKILL at any point leaves an atlas the next run opens and completes.

- schema creation: the first `open_db` is killed right before each of its SQL statements in
  turn (every point), then opened again;
- crawls: crawls of six curated sandbox portals are killed at random moments, each followed by
  the same command, and the final atlas equals an uninterrupted crawl's.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap

from helpers import ROOT

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
