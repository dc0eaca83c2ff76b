"""PostgreSQL through the same URL scheme: a private cluster on 127.0.0.1, started by the test."""

from __future__ import annotations

import glob
import json
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from helpers import run_cli


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: str) -> None:
    subprocess.run(["su", "postgres", "-c", cmd], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def postgres():
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    assert bins, "PostgreSQL is not installed: run scripts/setup"
    pgbin = bins[-1]
    # outside pytest's 0700 temp tree: the server runs as the postgres user
    folder = Path(tempfile.mkdtemp(prefix="smmatlas-pg-"))
    folder.chmod(0o755)
    shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
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


def test_crawl_and_export_on_postgresql_match_sqlite(postgres, sandbox, sandbox_manifest, tmp_path):
    sites = [s["url"] for s in sandbox_manifest["sites"] if not s.get("dead")][:6]
    exports = []
    for db in (postgres, f"sqlite:///{tmp_path / 'a.db'}"):
        proc = run_cli(
            "crawl", *sites, "--db", db, "--data", str(tmp_path), "--proxy", sandbox.proxy_url,
            "--render", "never", "-q",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-2000:]
        out = run_cli("export", "--db", db)
        assert out.returncode == 0, out.stderr[-2000:]
        portals = json.loads(out.stdout)["portals"]
        exports.append(
            {
                p["domain"]: (p["status"], sorted((o["name"], o["price"]) for o in p["offers"]))
                for p in portals
            }
        )
    pg, lite = exports
    assert sum(len(v[1]) for v in pg.values()) > 100
    assert pg == lite
