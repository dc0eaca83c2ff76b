"""`smmatlas enrich` on the crawled sandbox: hosting from the local DNS and RDAP doubles, cached
with a TTL; a failing source is recorded and never touches the crawl data."""

from __future__ import annotations

import json
import shutil
import socket

import pytest
from helpers import run_cli

from sandbox.dns import DnsDouble
from sandbox.rdap import RdapDouble


@pytest.fixture()
def atlas_copy(crawled, tmp_path) -> str:
    src = crawled["folder"] / "atlas.db"
    for suffix in ("", "-wal", "-shm"):
        if src.with_name(src.name + suffix).exists():
            shutil.copy(src.with_name(src.name + suffix), tmp_path / f"atlas.db{suffix}")
    return f"sqlite:///{tmp_path / 'atlas.db'}"


def _export(db: str) -> dict:
    out = run_cli("export", "--db", db)
    assert out.returncode == 0, out.stderr[-2000:]
    return {p["domain"]: p for p in json.loads(out.stdout)["portals"]}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_enrich_fills_hosting_of_every_sandbox_portal(atlas_copy, sandbox_root, sandbox_manifest):
    manifest = sandbox_root / "late" / "manifest.json"
    with (
        DnsDouble.from_manifest(manifest) as dns,
        RdapDouble.from_manifest(manifest) as rdap,
    ):
        args = ["--db", atlas_copy, "--dns", dns.address, "--rdap-domain", rdap.url]
        proc = run_cli("enrich", *args, "--rdap-ip", rdap.url)
        assert proc.returncode == 0, proc.stderr[-2000:]
        again = run_cli("enrich", *args, "--rdap-ip", rdap.url)
        assert again.returncode == 0, again.stderr[-2000:]
        assert " 0 source answers stored" in again.stdout  # all fresh: reused from the cache
    portals = _export(atlas_copy)
    checked = 0
    for site in sandbox_manifest["sites"]:
        if site.get("dead") or site["domain"] not in portals:
            continue
        if portals[site["domain"]]["status"] == "not_a_portal":
            continue
        truth, hosting = site["hosting"], portals[site["domain"]]["hosting"]
        assert sorted(hosting["ips"]) == sorted(truth["ipv4"]), site["domain"]
        assert sorted(hosting["ns"]) == sorted(truth["ns"])
        assert hosting["asn"] == truth["asn"]
        assert hosting["registrar"]["abuse_email"] == truth["registrar"]["abuse_email"]
        assert truth["ip_network"]["abuse_email"] in hosting["abuse_emails"]
        assert hosting["cdn"] == truth.get("cdn")
        checked += 1
    assert checked >= 15


def test_failing_dns_and_rdap_leave_crawl_data_intact(atlas_copy):
    before = _export(atlas_copy)
    dead = _closed_port()
    proc = run_cli(
        "enrich", "--db", atlas_copy, "--dns", f"127.0.0.1:{dead}",
        "--rdap-domain", f"http://127.0.0.1:{dead}/", "--rdap-ip", f"http://127.0.0.1:{dead}/",
        env={"ENRICH_DNS_TIMEOUT": "0.5", "ENRICH_RDAP_TIMEOUT": "1"},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr[-2000:]  # a failed enrichment is not a success
    assert "failed, recorded" in proc.stdout
    assert "smmatlas: error:" in proc.stderr and "Traceback" not in proc.stderr
    after = _export(atlas_copy)
    for domain, portal in before.items():
        assert after[domain]["offers"] == portal["offers"]
        assert after[domain]["payments"] == portal["payments"]
        if portal["status"] != "not_a_portal":
            errors = after[domain]["hosting"]["errors"]
            assert "dns" in errors and "rdap_domain" in errors, (domain, errors)


def test_failed_refresh_keeps_good_hosting_records_failure_and_exits_non_zero(
    atlas_copy, sandbox_root, sandbox_manifest
):
    """Good facts first (the DNS/RDAP doubles), then `enrich --refresh` with every source
    unreachable (offline): the export keeps the good facts, names the failure, and the command
    exits 1; the failed answers are stored rows."""
    from sqlalchemy import create_engine, text

    manifest = sandbox_root / "late" / "manifest.json"
    with (
        DnsDouble.from_manifest(manifest) as dns,
        RdapDouble.from_manifest(manifest) as rdap,
    ):
        good = run_cli(
            "enrich", "--db", atlas_copy, "--dns", dns.address,
            "--rdap-domain", rdap.url, "--rdap-ip", rdap.url,
        )  # fmt: skip
        assert good.returncode == 0, good.stderr[-2000:]
    dead = _closed_port()
    failed = run_cli(
        "enrich", "--refresh", "--db", atlas_copy, "--dns", f"127.0.0.1:{dead}",
        "--rdap-domain", f"http://127.0.0.1:{dead}/", "--rdap-ip", f"http://127.0.0.1:{dead}/",
        env={"ENRICH_DNS_TIMEOUT": "0.5", "ENRICH_RDAP_TIMEOUT": "1"},
    )  # fmt: skip
    assert failed.returncode == 1, (failed.stdout, failed.stderr[-2000:])
    assert "smmatlas: error:" in failed.stderr and "dns" in failed.stderr
    assert "Traceback" not in failed.stderr
    portals = _export(atlas_copy)
    checked = 0
    for site in sandbox_manifest["sites"]:
        portal = portals.get(site["domain"])
        if site.get("dead") or portal is None or portal["status"] == "not_a_portal":
            continue
        truth, hosting = site["hosting"], portal["hosting"]
        assert sorted(hosting["ips"]) == sorted(truth["ipv4"]), site["domain"]
        assert hosting["asn"] == truth["asn"]
        assert hosting["registrar"]["abuse_email"] == truth["registrar"]["abuse_email"]
        assert "refresh failed" in hosting["errors"]["dns"]
        assert "refresh failed" in hosting["errors"]["rdap_domain"]
        checked += 1
    assert checked >= 15
    engine = create_engine(atlas_copy)
    with engine.connect() as conn:
        failures = conn.execute(
            text("SELECT count(*) FROM hosting_results WHERE NOT ok AND source = 'dns'")
        ).scalar_one()
    engine.dispose()
    assert failures >= checked  # every failed answer is recorded
