"""`smmatlas query` is read-only for real: no statement writes, attaches or creates a file
(SQLite), and on PostgreSQL it runs only as a role that can do nothing but read."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT, run_cli
from pgserver import _as_postgres, postgres  # noqa: F401 - the module's cluster fixture


def _files(*folders: Path) -> dict[str, str]:
    out = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.endswith(("-wal", "-shm")):
                out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


@pytest.fixture()
def atlas(tmp_path) -> Path:
    folder = tmp_path / "atlas"
    db = folder / "atlas.db"
    assert run_cli("db", "--db", f"sqlite:///{db}").returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO portals (domain, url, first_seen, last_seen, status)"
            " VALUES ('a.example', 'http://a.example/', '2024-01-01', '2024-01-01', 'active')"
        )
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the row in the file, not the WAL
    return db


def _hostile_statements(tmp: Path) -> list[str]:
    return [
        f"ATTACH DATABASE '{tmp / 'attached.db'}' AS x",
        f"VACUUM INTO '{tmp / 'copy.db'}'",
        "VACUUM",
        "PRAGMA journal_mode = DELETE",
        "PRAGMA user_version = 7",
        "PRAGMA query_only = 0",
        "PRAGMA writable_schema = 1",
        "WITH d AS (SELECT 1) INSERT INTO portals (domain, url, first_seen, last_seen, status)"
        " SELECT 'b.example', 'http://b.example/', '2024', '2024', 'active' FROM d",
        "WITH d AS (SELECT id FROM portals) DELETE FROM portals WHERE id IN (SELECT id FROM d)",
        "DELETE FROM portals",
        "UPDATE portals SET status = 'parked'",
        "CREATE TABLE t (x)",
        "CREATE TEMP TABLE t (x)",
        "DROP TABLE offers",
        "BEGIN",
        f"SELECT load_extension('{tmp / 'evil.so'}')",
        "REINDEX",
        "ANALYZE",
    ]


def test_sqlite_hostile_statements_change_nothing_and_create_no_file(atlas, tmp_path):
    from atlas.query import QueryError, run_query

    url = f"sqlite:///{atlas}"
    before_files, before_dump = _files(tmp_path, ROOT / "data"), _dump(atlas)
    statements = _hostile_statements(tmp_path)
    for sql in statements:
        with pytest.raises(QueryError):
            run_query(url, sql)
    for sql in statements[:2] + statements[7:8]:  # the command line says so clearly
        proc = run_cli("query", sql, "--db", url)
        assert proc.returncode != 0, (sql, proc.stdout)
        assert "smmatlas: error:" in proc.stderr and "Traceback" not in proc.stderr, (sql, proc)
    assert not (tmp_path / "attached.db").exists()
    assert not (tmp_path / "copy.db").exists()
    assert _files(tmp_path, ROOT / "data") == before_files
    assert _dump(atlas) == before_dump
    # reads still work, pragmas that only describe included
    assert "a.example" in run_query(url, "SELECT domain FROM portals")
    assert "domain" in run_query(url, "PRAGMA table_info(portals)")
    ok = run_cli("query", "SELECT domain FROM portals", "--db", url, "--format", "csv")
    assert ok.returncode == 0 and ok.stdout.splitlines() == ["domain", "a.example"], ok.stderr


def test_sqlite_long_query_is_stopped(atlas):
    from atlas.query import QueryError, run_query

    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n"
    with pytest.raises(QueryError, match="longer than"):
        run_query(f"sqlite:///{atlas}", endless, timeout=0.5)


def test_read_only_commands_work_on_a_read_only_atlas(atlas, monkeypatch):
    """A folder the user cannot write (simulated: the tests run as root, who writes anywhere)."""
    import storage.db
    from atlas.query import open_for_reading, portal_table, run_query

    real_access = os.access
    monkeypatch.setattr(
        storage.db.os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode)
    )
    engine, sessions = open_for_reading(f"sqlite:///{atlas}")
    with sessions() as session:
        assert "a.example" in portal_table(session)
    engine.dispose()
    assert "a.example" in run_query(f"sqlite:///{atlas}", "SELECT domain FROM portals")


# --- PostgreSQL ------------------------------------------------------------------------------
READER_SQL = Path(ROOT / "README.md").read_text(encoding="utf-8")


def _reader_role_sql() -> str:
    """The README's recipe for the read-only role, as written there."""
    start = READER_SQL.index("-- read-only role for smmatlas query")
    end = READER_SQL.index("```", start)
    return READER_SQL[start:end]


def _psql(url: str, sql: str) -> None:
    port = url.rsplit(":", 1)[1].split("/")[0]
    subprocess.run(
        ["su", "postgres", "-c", f"psql -v ON_ERROR_STOP=1 -h 127.0.0.1 -p {port} -d atlas"],
        input=sql, text=True, check=True, capture_output=True, timeout=60,
    )  # fmt: skip


def test_postgres_queries_only_read(postgres, tmp_path):  # noqa: F811
    marker = Path("/tmp") / f"smmatlas-pwned-{os.getpid()}"
    marker.unlink(missing_ok=True)
    assert run_cli("db", "--db", postgres).returncode == 0
    _psql(
        postgres,
        "INSERT INTO portals (domain, url, first_seen, last_seen, status)"
        " VALUES ('a.example', 'http://a.example/', now(), now(), 'active');",
    )
    # as the superuser the atlas was created with: refused before anything runs
    proc = run_cli("query", f"COPY (SELECT 1) TO PROGRAM 'touch {marker}'", "--db", postgres)
    assert proc.returncode != 0 and "superuser" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    # as the README's read-only role
    _psql(postgres, _reader_role_sql())
    reader = postgres.replace("postgres@", "atlas_reader@")
    ok = run_cli("query", "SELECT domain FROM portals", "--db", reader)
    assert ok.returncode == 0 and "a.example" in ok.stdout, ok.stderr
    from atlas.query import QueryError, run_query

    for sql in [
        f"COPY (SELECT 1) TO PROGRAM 'touch {marker}'",
        f"COPY portals TO '{marker}'",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_ls_dir('.')",
        "SELECT lo_import('/etc/passwd')",
        "DELETE FROM portals",
        "UPDATE portals SET status = 'parked'",
        "WITH d AS (DELETE FROM portals RETURNING 1) SELECT count(*) FROM d",
        "CREATE TABLE t (x int)",
        "SET ROLE postgres",
    ]:
        with pytest.raises(QueryError):
            run_query(reader, sql)
    proc = run_cli("query", "SELECT pg_read_file('/etc/passwd')", "--db", reader)
    assert proc.returncode != 0 and "smmatlas: error:" in proc.stderr, proc.stderr
    assert "root:" not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    assert not marker.exists()
    count = run_cli("query", "SELECT count(*) AS n FROM portals", "--db", reader, "--format", "csv")
    assert count.stdout.strip().splitlines()[-1] == "1"
    with pytest.raises(QueryError, match="statement timeout"):
        run_query(reader, "SELECT pg_sleep(5)", timeout=0.5)
