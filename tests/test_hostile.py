"""The hostile world (sandbox/hostile): the crawler is not turned against its user.

One crawl (render auto, through the test's recording proxy with a password, a loopback canary
listening, a seed with user:password@) is checked against the world's `never.json`."""

from __future__ import annotations

import gzip
import ipaddress
import json
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import run_cli

PROXY_PASSWORD = "pr0xyPassW0rd"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from sandbox.hostile import build_hostile
    from sandbox.hostile.recorder import Canary, RecordingSandbox

    root = tmp_path_factory.mktemp("hostile")
    canary = Canary()
    never = build_hostile(root / "web", canary.port, PROXY_PASSWORD)
    server = RecordingSandbox(root / "web", epoch="late").start()
    folder = root / "atlas"
    db = f"sqlite:///{folder / 'atlas.db'}"
    seeds = root / "seeds.txt"
    seeds.write_text("\n".join(never["seeds"]) + "\n")
    proxy = f"http://crawler:{PROXY_PASSWORD}@{server.address}"
    try:
        proc = run_cli(
            "crawl", "--seeds", str(seeds), "--db", db, "--data", str(folder), "--create",
            "--proxy", proxy, "--render", "auto", "--log-file", str(root / "crawl.log"),
        )  # fmt: skip
    finally:
        server.stop()
        canary.close()
    return {
        "never": never, "proc": proc, "db": folder / "atlas.db", "folder": folder,
        "requests": list(server.requests), "canary": list(canary.connections),
        "log": root / "crawl.log",
    }  # fmt: skip


def _host(target: str, host_header: str) -> str:
    if "://" in target[:16]:
        return (urlsplit(target).hostname or "").lower()
    return host_header.rsplit(":", 1)[0].strip("[]").lower()


def test_crawl_ran(hostile):
    assert hostile["proc"].returncode == 0, hostile["proc"].stderr[-3000:]
    assert hostile["requests"], "the proxy saw no request at all"


def test_no_request_reaches_a_forbidden_host(hostile):
    never = hostile["never"]
    assert hostile["canary"] == [], "a connection reached the loopback canary"
    seen = [(m, t, _host(t, h)) for m, t, h in hostile["requests"]]
    bad = [r for r in seen if r[2] in never["hosts"]]
    for _, _, host in seen:  # any other private literal too
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            continue
        if not ip.is_global:
            bad.append(host)
    assert bad == []
    connects = [t for m, t, _ in seen if m == "CONNECT"]
    assert all(m in ("GET", "HEAD", "POST", "CONNECT") for m, _, _ in seen), seen
    assert all(urlsplit("//" + t).hostname not in never["hosts"] for t in connects), connects
    assert all(t.startswith("http://") for m, t, _ in seen if m != "CONNECT")


def _rows(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return "\n".join(conn.iterdump())


def _warc_bytes(folder: Path) -> bytes:
    out = b""
    for path in sorted(folder.rglob("*.warc.gz")):
        out += gzip.decompress(path.read_bytes())
    return out


def test_no_secret_or_local_file_at_rest(hostile):
    never = hostile["never"]
    rows, warc = _rows(hostile["db"]), _warc_bytes(hostile["folder"])
    log = hostile["log"].read_text(errors="replace") + hostile["proc"].stdout
    log += hostile["proc"].stderr
    assert warc, "no evidence written"
    import base64

    basic = base64.b64encode(f"crawler:{PROXY_PASSWORD}".encode()).decode()
    for secret in [*never["secrets"], basic]:
        assert secret not in rows, secret
        assert secret.encode() not in warc, secret
        assert secret not in log, secret
    for marker in never["file_markers"]:
        assert marker not in rows and marker.encode() not in warc, marker
    assert "www.cred-seed.com" in rows  # the seed was crawled, without its credentials


def test_refusals_are_counted_in_the_run(hostile):
    with sqlite3.connect(hostile["db"]) as conn:
        counts = json.loads(conn.execute("SELECT counts FROM crawl_runs").fetchone()[0])
    refused = {k: v for k, v in counts.items() if k.startswith("smmatlas/scope/refused/")}
    # favicons (the data: one is never requested at all; refreshes off the site are recorded
    # by the spider, not requested): file x2 + ftp, integer + hex loopback, 10.0.0.1, localhost
    assert refused == {
        "smmatlas/scope/refused/scheme": 3,
        "smmatlas/scope/refused/loopback": 2,
        "smmatlas/scope/refused/private": 1,
        "smmatlas/scope/refused/local_name": 1,
    }, counts
    browser = {k for k in counts if k.startswith("smmatlas/scope/refused_browser/")}
    assert browser, counts  # the hostile app's sub-resources and fetches
    log = hostile["log"].read_text(errors="replace")
    assert "scope: refused" in log


def test_offsite_refresh_facts_are_not_misattributed(hostile):
    never = hostile["never"]
    with sqlite3.connect(hostile["db"]) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM offers")]
        domains = [r[0] for r in conn.execute("SELECT domain FROM portals")]
        errors = conn.execute(
            "SELECT p.domain, o.name FROM offers o JOIN portals p ON p.id = o.portal_id"
        ).fetchall()
    assert names, "the hostile panels' own offers were read"
    for name in never["offsite_offers"]:
        assert name not in names, (name, errors)
    assert never["offsite_domain"] not in domains
    assert "YouTube Views HR" in names  # the hostile app was rendered and read
