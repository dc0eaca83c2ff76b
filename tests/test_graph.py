"""The operator map (issue 9): clusters count a value once, upstream providers never merge
operators, shared hosting is weak; the graph exports load in networkx; the HTML map opens in
Chromium, shows nodes and a legend, and a click shows a node's evidence."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pytest
from helpers import ROOT, run_cli

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
BTC = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"


@pytest.fixture(scope="module")
def atlas(tmp_path_factory) -> str:
    """A hand-written atlas: A and B share one bitcoin address (named by two kinds) and a
    phone; C and D resell the same upstream and share only their hosting IP."""
    from storage.db import open_db
    from storage.models import Capture, Contact, HostingResult, Identifier, Portal, Sighting

    url = f"sqlite:///{tmp_path_factory.mktemp('graph') / 'atlas.db'}"
    engine, sessions = open_db(url)
    with sessions() as s:
        ids = {}
        for d in ("a-panel.com", "b-panel.com", "c-panel.com", "d-panel.com", "up-hub.com"):
            p = Portal(domain=d, url=f"http://{d}/", status="active", kind="panel",
                       first_seen=NOW, last_seen=NOW)  # fmt: skip
            s.add(p)
            s.flush()
            cap = Capture(portal_id=p.id, url=f"http://{d}/contact", sha256=d[0] * 64,
                          http_status=200, length=10, fetched_at=NOW,
                          last_fetched_at=NOW)  # fmt: skip
            s.add(cap)
            s.flush()
            ids[d] = (p.id, cap.id)

        def lead(model, d, kind, value):
            pid, cid = ids[d]
            s.add(model(portal_id=pid, capture_id=cid, url=f"http://{d}/contact", kind=kind,
                        value=value, first_seen=NOW, last_seen=NOW))  # fmt: skip

        lead(Identifier, "a-panel.com", "bitcoin", BTC)
        lead(Identifier, "b-panel.com", "bitcoin_address", BTC)
        lead(Contact, "a-panel.com", "whatsapp", "+919812345678")
        lead(Contact, "b-panel.com", "phone", "+919812345678")
        for d in ("c-panel.com", "d-panel.com"):
            lead(Identifier, d, "upstream_panel", "up-hub.com")
            pid, cid = ids[d]
            s.add(Sighting(kind="provider_api", value="https://up-hub.com/api/v2",
                           domain="up-hub.com", source=d, portal_id=pid, capture_id=cid,
                           url=f"http://{d}/contact", sha256=d[0] * 64, seen_at=NOW,
                           last_seen=NOW))  # fmt: skip
            s.add(HostingResult(portal_id=pid, source="dns", ok=True,
                                data={"a": ["203.0.113.9"], "ns": ["ns1.cheaphost.net"]},
                                fetched_at=NOW, expires_at=NOW))  # fmt: skip
        s.commit()
    engine.dispose()
    return url


def test_clusters_count_a_value_once_and_keep_resellers_apart(atlas):
    proc = run_cli("clusters", "--db", atlas, "--format", "json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    clusters = json.loads(proc.stdout)
    assert [c["portals"] for c in clusters] == [["a-panel.com", "b-panel.com"]]
    ties = clusters[0]["shared"]
    assert len(ties) == 2  # one address, one phone: each counted once
    btc = next(t for t in ties if t["value"] == BTC)
    assert btc["kinds"] == ["bitcoin", "bitcoin_address"]


def test_graph_exports_load_in_networkx(atlas, tmp_path):
    for fmt in ("gexf", "graphml", "json"):
        out = tmp_path / f"map.{fmt}"
        proc = run_cli("graph", "--format", fmt, "--db", atlas, "-o", str(out))
        assert proc.returncode == 0, proc.stderr[-2000:]
        if fmt == "gexf":
            g = nx.read_gexf(out)
        elif fmt == "graphml":
            g = nx.read_graphml(out)
        else:
            g = nx.node_link_graph(json.loads(out.read_text()), edges="edges")
        assert {"portal:a-panel.com", "portal:up-hub.com", "operator:op1"} <= set(g.nodes)
        ties = {(u, v, d["tie"]) for u, v, d in g.edges(data=True)}
        # supply is directed reseller -> provider; the two resellers share no operator
        assert ("portal:c-panel.com", "portal:up-hub.com", "supply") in ties
        assert ("portal:up-hub.com", "portal:c-panel.com", "supply") not in ties
        assert not any(v.startswith("operator:") for u, v, _ in ties if u == "portal:c-panel.com")
        weights = {(u, v): float(d["weight"]) for u, v, d in g.edges(data=True)}
        assert weights[("portal:a-panel.com", f"value:{BTC.lower()}")] == 3.0  # strong
        assert weights[("portal:c-panel.com", "host:ip 203.0.113.9")] == 1.0  # weak
    data = json.loads((tmp_path / "map.json").read_text())
    value_nodes = [n for n in data["nodes"] if n["type"] == "value"]
    assert sorted(n["label"] for n in value_nodes) == sorted([BTC, "+919812345678"])
    supply = [e for e in data["edges"] if e["tie"] == "supply"]
    for e in supply:  # each edge traces to its page, capture, time and hash
        assert {(x["page"], x["sha256"]) for x in e["evidence"]} >= {
            (f"http://{e['source'][7:]}/contact", e["source"][7] * 64)
        }


def test_graph_of_an_unknown_cluster_is_a_user_error(atlas):
    proc = run_cli("graph", "--cluster", "op99", "--db", atlas)
    assert proc.returncode == 2 and "smmatlas: error: no operator cluster" in proc.stderr


def test_html_map_opens_in_chromium_with_nodes_legend_and_evidence(atlas, tmp_path):
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "map.html"
    proc = run_cli("graph", "--format", "html", "--db", atlas, "-o", str(page_file))
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = page_file.read_text()
    assert "http://" not in text.split("<script type='application/json'")[0].replace(
        "http://www.w3.org", ""
    )  # nothing loaded from elsewhere: no CDN, no server
    artifact = ROOT / "tests" / "artifacts"
    artifact.mkdir(exist_ok=True)
    shot = artifact / "graph_map.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 760})
            page.goto(Path(page_file).as_uri())
            page.wait_for_selector("circle.node")
            assert page.locator("circle.portal").count() == 5  # the five active portals
            assert page.locator("circle.operator").count() == 1
            assert page.locator("#legend").is_visible()
            assert "portal" in page.locator("#legend").inner_text()
            page.click("circle.value >> nth=0")
            side = page.locator("#side").inner_text()
            assert "shared_value" in side and "sha256" in side and "/contact" in side
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
