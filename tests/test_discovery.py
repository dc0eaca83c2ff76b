"""Discovery (issue 9): off-site links, the certificate-log double, and `smmatlas discover` from
three seeds on the small discovery world, scored against its ground truth (discovery.json)."""

from __future__ import annotations

import json
import sqlite3
from itertools import combinations

import pytest
from helpers import run_cli

from extract.page import extract_page

PAGE_BUDGET = 10  # pages per site in the discover run


def test_offsite_links_have_kinds_and_context():
    html = """<html><body><ol>
      <li><a href="http://panel-one.com/">Panel One</a> rated 4.5</li>
      <li><a href="https://panel-two.net/x">Two</a></li><li><a href="http://three-smm.in/">3</a></li>
      <li><a href="http://four.co/">4</a></li><li><a href="http://five.io/a">5</a></li></ol>
      <p>Orders go through https://upstream-prov.com/api/v2 (our provider).</p>
      <p>Child panel powered by <a href="http://parent-panel.com/">Parent</a></p>
      <a href="https://www.instagram.com/x">ig</a><a href="/services">own</a>
      <a href="http://www.me-panel.com/faq">own www</a><a href="javascript:alert(1)">js</a>
      <a href="http://bad_host!.com/">bad</a><a href="http://long.com/{}">long</a>
    </body></html>""".replace("{}", "a" * 600)
    facts = extract_page(html, "http://me-panel.com/", role="entry")
    by = {o.domain: o for o in facts.offsite}
    assert set(by) == {
        "panel-one.com", "panel-two.net", "three-smm.in", "four.co", "five.io",
        "upstream-prov.com", "parent-panel.com",
    }  # fmt: skip
    assert by["panel-one.com"].kind == "listing"
    assert by["panel-one.com"].context.startswith("Panel One rated 4.5")
    assert by["upstream-prov.com"].kind == "provider_api"
    assert by["parent-panel.com"].kind == "child_panel"
    assert all(o.source_role == "entry" for o in facts.offsite)


def test_a_page_with_few_offsite_links_has_cross_links():
    html = '<p>Our shop: <a href="http://shop-b.in/">shop</a></p>'
    (link,) = extract_page(html, "http://panel-a.in/").offsite
    assert (link.kind, link.domain, link.text) == ("cross_link", "shop-b.in", "shop")


def test_certificate_log_names_drop_noise():
    from atlas.discovery.ctlog import names_of

    body = json.dumps(
        [
            {"name_value": "*.a-smm.com\nwww.a-smm.com", "issuer_name": "R3"},
            {"name_value": "bad name!.com"},
            {"name_value": "<script>x</script>"},
            "not a row",
        ]
    ).encode()
    assert [n for n, _ in names_of(body)] == ["a-smm.com", "www.a-smm.com"]
    assert names_of(b"\x00 not json") == []


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from sandbox.build import build_web
    from sandbox.ctlog import CtLogDouble
    from sandbox.testing import running_sandbox

    root = tmp_path_factory.mktemp("discovery-world")
    build_web(root, seed=1, world="discovery")
    truth = json.loads((root / "late" / "discovery.json").read_text(encoding="utf-8"))
    with running_sandbox(root) as server, CtLogDouble.from_epoch(root / "late") as ct:
        yield {"root": root, "truth": truth, "proxy": server.proxy_url, "ct": ct}


def test_certificate_log_double_answers_like_crt_sh(world):
    from atlas.discovery.ctlog import fetch, query_url

    rows = json.loads(fetch(query_url(world["ct"].url, "smm")))
    names = {n for r in rows for n in r["name_value"].split("\n")}
    assert {"socialtrendz-smm.net", "mail.socialtrendz-smm.net", "smmagency-pro.com"} <= names
    assert not any("viralfans" in n for n in names)  # no keyword in the name
    assert {"issuer_name", "not_before", "id"} <= set(rows[0])
    assert json.loads(fetch(query_url(world["ct"].url, "nomatchword"))) == []


@pytest.fixture(scope="module")
def discovered(world, tmp_path_factory):
    folder = tmp_path_factory.mktemp("discover")
    db = f"sqlite:///{folder / 'atlas.db'}"
    seeds = world["truth"]["seeds"]
    proc = run_cli(
        "discover", seeds["directory"], seeds["panel"], "--ct", seeds["ct_keyword"],
        "--ct-url", world["ct"].url, "--proxy", world["proxy"], "--db", db, "--create",
        "--data", str(folder), "--budget", str(PAGE_BUDGET), "--render", "never",
        "--format", "json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"db": db, "path": folder / "atlas.db", "summary": json.loads(proc.stdout)}


def test_discover_reaches_the_portals_with_precision(world, discovered):
    truth = set(world["truth"]["portals"])
    found = set(discovered["summary"]["portals"])
    recall = len(found & truth) / len(truth)
    precision = len(found & truth) / len(found) if found else 0.0
    assert recall >= 0.95, sorted(truth - found)
    assert precision >= 0.95, sorted(found - truth)
    # directories, the best-panels post and decoys are crawled but never called portals
    con = sqlite3.connect(discovered["path"])
    states = dict(con.execute("SELECT domain, state FROM candidates"))
    for domain in ("smmpanel-directory.com", "smmreviewblog.com", "smm-newsdaily.com"):
        assert states[domain] == "crawled"
    # within the stated budget: pages fetched, all rounds together
    assert discovered["summary"]["pages"] <= 220
    assert len(discovered["summary"]["rounds"]) <= 5


def test_discovered_clusters_match_the_operators(world, discovered):
    proc = run_cli("clusters", "--db", discovered["db"], "--format", "json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = [set(c["portals"]) for c in json.loads(proc.stdout)]
    expected = [set(v) for v in world["truth"]["operators"].values()]

    def pairs(groups):
        return {frozenset(p) for g in groups for p in combinations(sorted(g), 2)}

    tp = len(pairs(found) & pairs(expected))
    precision = tp / len(pairs(found)) if pairs(found) else 0.0
    recall = tp / len(pairs(expected))
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    assert f1 >= 0.95, (found, expected)
    # resellers of one upstream provider stay apart
    resellers = world["truth"]["upstream"]["smmwholesale-hub.com"]
    ops = {d: i for i, g in enumerate(found) for d in g}
    assert len({ops.get(d, d) for d in resellers}) == len(resellers)


def test_every_candidate_and_edge_traces_to_its_page_and_capture(discovered):
    con = sqlite3.connect(discovered["path"])
    rows = con.execute(
        "SELECT c.domain, c.reason, s.url, s.kind, s.capture_id, s.sha256 FROM candidates c "
        "LEFT JOIN sightings s ON s.id = c.sighting_id"
    ).fetchall()
    assert rows
    for domain, reason, url, _kind, capture_id, digest in rows:
        assert url, domain
        if reason in ("listing", "linked_from_portal", "provider_api", "child_panel",
                      "shared_value"):  # fmt: skip
            cap = con.execute(
                "SELECT url, sha256 FROM captures WHERE id = ?", (capture_id,)
            ).fetchone()
            assert cap == (url, digest), domain
        if reason == "ct_log":
            assert len(digest) == 64
    # the certificate-log answer is kept as evidence, named by its hash
    ct = {d for (d,) in con.execute("SELECT sha256 FROM sightings WHERE kind = 'ct_log'")}
    for digest in ct:
        assert any(discovered["path"].parent.glob(f"discovery/ct-{digest}.json"))
    # every off-site link sighting points to a capture of the very page it names
    bad = con.execute(
        "SELECT count(*) FROM sightings s JOIN captures c ON c.id = s.capture_id "
        "WHERE c.url != s.url OR c.sha256 != s.sha256"
    ).fetchone()[0]
    assert bad == 0
    proc = run_cli("graph", "--format", "json", "--db", discovered["db"])
    graph = json.loads(proc.stdout)
    for edge in graph["edges"]:
        if edge["tie"] in ("shared_value", "supply"):
            assert edge["evidence"] and all(e["page"] and e["sha256"] for e in edge["evidence"])


def test_candidates_review_commands(discovered):
    ok = run_cli("candidates", "reject", "smmtips-blog.net", "--db", discovered["db"])
    assert ok.returncode == 0, ok.stderr
    listed = run_cli("candidates", "list", "--state", "rejected", "--db", discovered["db"])
    assert "smmtips-blog.net" in listed.stdout
    bad = run_cli("candidates", "approve", "nowhere.example", "--db", discovered["db"])
    assert bad.returncode == 2
    assert "smmatlas: error: not a candidate: nowhere.example" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_discover_without_seeds_is_a_user_error(tmp_path):
    proc = run_cli("discover", "--create", "--db", f"sqlite:///{tmp_path / 'a.db'}")
    assert proc.returncode == 2 and "smmatlas: error: nothing to start from" in proc.stderr
    proc = run_cli("discover", "--ct", "a b", "--create", "--db", f"sqlite:///{tmp_path / 'a.db'}")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
