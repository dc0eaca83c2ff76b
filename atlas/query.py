"""The analyst's read side: portal listing and read-only SQL."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from config.errors import QueryError  # noqa: F401 - re-exported


def format_rows(columns: list[str], rows: list[tuple], fmt: str = "table") -> str:
    """Rows as a table, JSON or spreadsheet-safe CSV (atlas.listing.render)."""
    from atlas.listing import render

    return render(columns, rows, fmt)


def portal_table(session: Session, status: str | None = None) -> str:
    """`smmatlas portals` as a table (atlas.listing.portal_rows)."""
    from atlas.listing import portal_rows

    return format_rows(*portal_rows(session, status))


QUERY_TIMEOUT = 30.0  # seconds one analyst statement may run
ALLOWED_ACTIONS = frozenset(
    {sqlite3.SQLITE_READ, sqlite3.SQLITE_SELECT, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
# introspection pragmas only: their argument is a table or index name, never a new value
READ_PRAGMAS = frozenset(
    {"table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
     "foreign_key_list", "collation_list", "function_list", "pragma_list", "database_list"}
)  # fmt: skip
# settings read without a value (SQLAlchemy asks for some when it connects)
READ_VALUE_PRAGMAS = frozenset(
    {"read_uncommitted", "journal_mode", "user_version", "schema_version", "foreign_keys",
     "encoding", "page_size", "page_count", "freelist_count", "application_id", "data_version",
     "compile_options", "query_only", "busy_timeout", "cache_size", "synchronous"}
)  # fmt: skip
DENIED_FUNCTIONS = frozenset({"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"})


def _authorizer(action: int, arg1, arg2, _db, _source) -> int:
    """SQLite's authorizer: reads only. ATTACH (which VACUUM INTO uses), DETACH, every write,
    transaction control and value-setting pragmas are denied when the statement is prepared."""
    if action in ALLOWED_ACTIONS:
        if action == sqlite3.SQLITE_FUNCTION and str(arg2).lower() in DENIED_FUNCTIONS:
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = str(arg1).lower()
        if name in READ_PRAGMAS or (arg2 is None and name in READ_VALUE_PRAGMAS):
            return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


class _ReadOnlyConnection(sqlite3.Connection):
    deadline = float("inf")  # monotonic time after which the running statement is interrupted


def sqlite_readonly(path: str) -> _ReadOnlyConnection:
    """A connection to the SQLite atlas at `path` that can neither write nor create a file:
    opened read-only (immutable when the folder is read-only, where WAL's shared-memory file
    cannot be created), with the read-only authorizer and a time limit per statement."""
    if not Path(path).is_file():
        raise QueryError(f"no atlas at {path}")
    uri = Path(path).resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, factory=_ReadOnlyConnection)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, factory=_ReadOnlyConnection)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.set_authorizer(_authorizer)
    conn.set_progress_handler(lambda: int(time.monotonic() > conn.deadline), 10_000)
    return conn


def _run_sqlite(path: str, sql: str, timeout: float) -> tuple[list[str], list[tuple]]:
    conn = sqlite_readonly(path)
    try:
        conn.deadline = time.monotonic() + timeout
        cur = conn.execute(sql)
        columns = [d[0] for d in cur.description or ()]
        return columns, [tuple(r) for r in cur.fetchall()]
    except sqlite3.DatabaseError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "interrupted" in reason:
            reason = f"took longer than {timeout:g} s"
        elif "not authorized" in reason or "prohibited" in reason:
            reason = "not authorized: queries may only read the atlas"
        raise QueryError(f"query failed: {reason}") from exc
    finally:
        conn.close()


def check_pg_role(conn) -> None:
    """Refuse a PostgreSQL role that can do more than read: a superuser, or a role that may run
    server programs or read and write server files (COPY ... PROGRAM, pg_read_file)."""
    row = conn.execute(
        text(
            "SELECT current_user, r.rolsuper,"
            " pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER'),"
            " pg_has_role(current_user, 'pg_read_server_files', 'MEMBER'),"
            " pg_has_role(current_user, 'pg_write_server_files', 'MEMBER'),"
            " has_function_privilege(current_user, 'pg_read_file(text)', 'EXECUTE')"
            " FROM pg_roles r WHERE r.rolname = current_user"
        )
    ).one()
    user, powers = row[0], row[1:]
    if any(powers):
        raise QueryError(
            f"refusing to run an analyst query as {user}, a role that can do more than read "
            "(superuser, server programs or server files): connect as a read-only role "
            "(README: 'A read-only role for smmatlas query')"
        )


def run_query(
    engine: Engine | str, sql: str, fmt: str = "table", timeout: float = QUERY_TIMEOUT
) -> str:
    """Run one read-only statement; the database itself refuses anything else.

    SQLite: a read-only connection with an authorizer (`sqlite_readonly`), so no statement can
    write, attach or create a file. PostgreSQL: a read-only transaction with a statement
    timeout, refused outright for a role that can do more than read (`check_pg_role`)."""
    stripped = sql.strip().rstrip(";").strip()
    if not stripped:
        raise QueryError("empty query")
    if ";" in stripped:
        raise QueryError("one statement at a time")
    url = engine if isinstance(engine, str) else engine.url.render_as_string(hide_password=False)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise QueryError("query needs an atlas file")
        columns, rows = _run_sqlite(parsed.database, stripped, timeout)
        return format_rows(columns, rows, fmt)
    own = isinstance(engine, str)
    engine = create_engine(url) if own else engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SET TRANSACTION READ ONLY"))
            conn.execute(text(f"SET LOCAL statement_timeout = {int(timeout * 1000)}"))
            check_pg_role(conn)
            try:
                result = conn.execute(text(stripped))
                columns = list(result.keys())
                rows = [tuple(r) for r in result]
            finally:
                conn.rollback()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc) or exc).splitlines()[0]
        raise QueryError(f"query failed: {reason}") from exc
    finally:
        if own:
            engine.dispose()
    return format_rows(columns, rows, fmt)


def readonly_engine(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """Engine and sessions for read-only commands on a SQLite atlas that cannot be opened for
    writing (a read-only folder or file): every connection is `sqlite_readonly`."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise QueryError(f"read-only access needs a SQLite atlas file, not {parsed.drivername}")
    path = parsed.database
    sqlite_readonly(path).close()  # fails clearly when there is no atlas there
    engine = create_engine("sqlite://", creator=lambda: sqlite_readonly(path))
    return engine, sessionmaker(engine, expire_on_commit=False)


def open_for_reading(url: str | None) -> tuple[Engine, sessionmaker[Session]]:
    """Open the atlas for a read-only command: as usual (the schema upgraded) when it can be
    written, else, for a SQLite atlas in a read-only folder or file, read-only as it is."""
    from storage.db import DatabaseError, default_url, open_db

    url = url or default_url()
    try:
        return open_db(url)
    except DatabaseError:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite" or not Path(parsed.database or "").is_file():
            raise
        return readonly_engine(url)
