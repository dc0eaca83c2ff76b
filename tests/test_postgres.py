"""PostgreSQL through the same URL scheme: a private cluster on 127.0.0.1, started by the test."""

from __future__ import annotations

import json

import pgserver
import sqlalchemy
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


def _export_and_counts(db: str) -> tuple[dict, list[dict]]:
    out = run_cli("export", "--db", db)
    assert out.returncode == 0, out.stderr[-2000:]
    facts = {}
    for p in json.loads(out.stdout)["portals"]:
        facts[p["domain"]] = {
            "status": p["status"],
            "offers": sorted((o["name"], o["price"], o["currency"]) for o in p["offers"]),
            "payments": sorted((x["method"], x.get("account") or "") for x in p["payments"]),
            "contacts": sorted((x["kind"], x["value"]) for x in p["contacts"]),
        }
    engine = sqlalchemy.create_engine(db)  # `smmatlas query` refuses a superuser: read here
    with engine.connect() as con:
        rows = con.execute(sqlalchemy.text("SELECT counts FROM crawl_runs ORDER BY id")).all()
    engine.dispose()
    counts = [c if isinstance(c, dict) else json.loads(c) for (c,) in rows]
    return facts, counts


def test_an_unchanged_recrawl_on_postgresql_reads_nothing_again(
    postgres, sandbox, sandbox_manifest, tmp_path
):
    """Unchanged pages (issue 12) on PostgreSQL: the second crawl of the same web recognises
    every page by its stored facts, extracts none, and leaves the same atlas."""
    db = pgserver.createdb(postgres, "unchanged")
    sites = [s["url"] for s in sandbox_manifest["sites"] if not s.get("dead")][6:10]
    states = []
    for _ in range(2):
        proc = run_cli(
            "crawl", *sites, "--db", db, "--data", str(tmp_path), "--proxy", sandbox.proxy_url,
            "--render", "never", "-q",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-2000:]
        states.append(_export_and_counts(db))
    (first, _), (again, counts) = states
    read = counts[0].get("smmatlas/extract/extracted", 0)
    assert read > 10, counts[0]
    assert counts[1].get("smmatlas/extract/extracted", 0) == 0, counts[1]
    assert counts[1].get("smmatlas/extract/unchanged", 0) == read
    assert sum(len(p["offers"]) for p in first.values()) > 50
    assert again == first
