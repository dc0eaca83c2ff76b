"""One crawl at a time per atlas: a file lock beside a SQLite atlas, an advisory lock on a
PostgreSQL one. Held for the whole run; released by the operating system (file) or the server
(session) when the process ends, even after SIGKILL, so a dead run never leaves it taken."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

# pg_advisory_lock key of "the crawl of this database" (any fixed 64-bit number; "SMMATLAS")
PG_LOCK_KEY = 0x534D4D41544C4153
POLL_SECONDS = 0.5


class AtlasLocked(RuntimeError):
    """Another crawl holds the atlas's lock."""


def lock_file(url: str) -> Path | None:
    """The lock file of a SQLite atlas (`<db>.lock`), None for other databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database + ".lock")


def _deadline(wait: float | None) -> float | None:
    """None: do not wait; inf: wait for ever; else seconds."""
    return None if wait is None else time.monotonic() + wait


def _expired(deadline: float | None) -> bool:
    return deadline is None or time.monotonic() >= deadline


@contextmanager
def _file_lock(path: Path, wait: float | None) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = _deadline(wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if _expired(deadline):
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
                    who = f" (pid {holder})" if holder.isdigit() else ""
                    raise AtlasLocked(
                        f"another crawl is running on this atlas{who}: lock {path}"
                    ) from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextmanager
def _pg_lock(engine: Engine, wait: float | None, shared: bool = False) -> Iterator[None]:
    kind = "_shared" if shared else ""  # queue workers share the atlas; a plain crawl excludes
    conn = engine.connect()
    try:
        deadline = _deadline(wait)
        while not conn.execute(
            text(f"SELECT pg_try_advisory_lock{kind}(:k)"), {"k": PG_LOCK_KEY}
        ).scalar():
            conn.rollback()
            if _expired(deadline):
                holder = conn.execute(
                    text(
                        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                        "AND ((classid::bigint << 32) | objid::bigint) = :k"
                    ),
                    {"k": PG_LOCK_KEY},
                ).scalar()
                who = f" (server pid {holder})" if holder else ""
                raise AtlasLocked(f"another crawl is running on this atlas{who}")
            time.sleep(POLL_SECONDS)
        conn.commit()
        yield
        conn.execute(text(f"SELECT pg_advisory_unlock{kind}(:k)"), {"k": PG_LOCK_KEY})
        conn.commit()
    finally:
        conn.close()


@contextmanager
def atlas_lock(
    url: str, engine: Engine, wait: float | None = None, shared: bool = False
) -> Iterator[None]:
    """Hold the atlas's crawl lock; raise AtlasLocked if taken (after `wait` seconds).
    `shared` (queue workers, PostgreSQL only): workers hold it together, a plain crawl waits."""
    path = lock_file(url)
    if path is not None:
        with _file_lock(path, wait):
            yield
    elif engine.dialect.name == "postgresql":
        with _pg_lock(engine, wait, shared):
            yield
    else:  # other databases: no lock available; runs are not protected against overlap
        yield
