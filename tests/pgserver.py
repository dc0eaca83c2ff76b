"""A private PostgreSQL cluster on 127.0.0.1 for tests (imported as `pgserver`: pytest puts
tests/ on sys.path). `postgres` yields the URL of a database named `atlas`; `createdb` makes
more on the same server."""

from __future__ import annotations

import glob
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: str) -> None:
    subprocess.run(["su", "postgres", "-c", cmd], check=True, capture_output=True, timeout=60)


def _pgbin() -> str:
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    assert bins, "PostgreSQL is not installed: run scripts/setup"
    return bins[-1]


def createdb(url: str, name: str) -> str:
    """A new database `name` on the server of `url`; its URL."""
    port = url.rsplit(":", 1)[1].split("/", 1)[0]
    _as_postgres(f"{_pgbin()}/createdb -h 127.0.0.1 -p {port} -U postgres {name}")
    return url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="module")
def postgres():
    pgbin = _pgbin()
    # outside pytest's 0700 temp tree: the server runs as the postgres user
    folder = Path(tempfile.mkdtemp(prefix="smmatlas-pg-"))
    folder.chmod(0o755)
    shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    _as_postgres(f"{pgbin}/initdb -D {folder}/data -A trust -U postgres")
    _as_postgres(
        f"{pgbin}/pg_ctl -D {folder}/data -l {folder}/pg.log -w start "
        f"-o '-p {port} -k {folder} -c listen_addresses=127.0.0.1'"
    )
    try:
        _as_postgres(f"{pgbin}/createdb -h 127.0.0.1 -p {port} -U postgres atlas")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/atlas"
    finally:
        _as_postgres(f"{pgbin}/pg_ctl -D {folder}/data -m immediate stop")
        shutil.rmtree(folder, ignore_errors=True)
