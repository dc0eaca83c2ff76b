"""Engine, sessions and schema upgrades for the atlas database.

`--db URL` or `SMMATLAS_DB` picks the database; the embedded default is SQLite under the data
folder (WAL mode). PostgreSQL works through the same URL scheme
(`postgresql+psycopg://user@host:5432/atlas`). The schema is managed by Alembic
(storage/migrations); `open_db` upgrades it to head before use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from config.errors import DatabaseError  # noqa: F401 - re-exported

MIGRATIONS = Path(__file__).with_name("migrations")
SCHEMA_LOCK_KEY = 0x534D4D4D49475241  # pg_advisory_lock key of "changing the schema"


def data_dir() -> Path:
    """The data folder: SMMATLAS_DATA or ./data."""
    return Path(os.environ.get("SMMATLAS_DATA", "data"))


def default_url() -> str:
    return os.environ.get("SMMATLAS_DB") or f"sqlite:///{data_dir() / 'atlas.db'}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for `url` (default: `default_url()`), with SQLite tuned for crawling."""
    url = url or default_url()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r} (e.g. sqlite:///data/atlas.db)") from exc
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create the database folder {folder}: {exc}") from exc
        if not os.access(folder, os.W_OK):
            raise DatabaseError(f"the database folder {folder} is not writable")
    try:
        engine = create_engine(url, future=True)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"cannot use database {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection_engine"] = engine
    return cfg


def at_head(engine: Engine) -> bool:
    """Whether the schema is already at the newest revision (a read, no lock taken)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(_alembic_config(engine)).get_heads())
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads


def _transactional_sqlite(engine: Engine) -> Engine:
    """An engine on the same SQLite file whose transactions really hold DDL.

    Python's sqlite3 module commits before every CREATE/ALTER on its own, so a schema
    creation killed half-way would leave tables without a revision ("table crawl_runs already
    exists" on the next run). Here the driver's own transaction handling is off and every
    transaction is an explicit BEGIN IMMEDIATE: all migrations commit at once or not at all,
    and two processes upgrading together take turns.
    """
    ddl = create_engine(engine.url, poolclass=NullPool)

    @event.listens_for(ddl, "connect")
    def _connect(dbapi_conn, record) -> None:
        _sqlite_pragmas(dbapi_conn, record)
        dbapi_conn.isolation_level = None

    @event.listens_for(ddl, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return ddl


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent, atomic).

    All pending revisions run in one transaction (on SQLite too, see `_transactional_sqlite`),
    so a process killed at any point leaves either the old schema or the new one.
    """
    if at_head(engine):
        return
    if engine.dialect.name == "postgresql":
        with _schema_lock(engine):
            if not at_head(engine):  # another process may have upgraded it meanwhile
                _upgrade(engine)
        return
    _upgrade(engine)


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    """Hold PostgreSQL's advisory lock of "changing the schema" on a connection of its own:
    processes opening one new atlas at once (workers started together, a crawl and a report)
    create or upgrade its schema one after another, not all at once."""
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": SCHEMA_LOCK_KEY})
        conn.commit()  # the lock belongs to the session, not to a transaction
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SCHEMA_LOCK_KEY})
            conn.commit()


def _upgrade(engine: Engine) -> None:
    from alembic import command

    target = engine
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        target = _transactional_sqlite(engine)
    try:
        command.upgrade(_alembic_config(target), "head")
    finally:
        if target is not engine:
            target.dispose()


def open_db(url: str | None = None, migrate: bool = True) -> tuple[Engine, sessionmaker[Session]]:
    """Connect, check the connection, upgrade the schema; raise DatabaseError with a clear text."""
    engine = make_engine(url)
    safe = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        if migrate:
            upgrade(engine)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseError(f"cannot connect to the database {safe}: {reason}") from exc
    except SQLAlchemyError as exc:
        raise DatabaseError(f"database {safe} failed: {exc}") from exc
    return engine, sessionmaker(engine, expire_on_commit=False)


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())
