"""PostgreSQL through the same URL scheme: a private cluster on 127.0.0.1, started by the test."""

from __future__ import annotations

import json

import pgserver
from helpers import run_cli

postgres = pgserver.postgres  # the private PostgreSQL fixture (tests/pgserver.py)


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
