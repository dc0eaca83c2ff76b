"""`smmatlas export --format stix|misp` on the crawled sandbox, read back with the libraries'
own parsers (stix2.parse, PyMISP's MISPEvent.load); expected values from the sandbox truth."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from helpers import run_cli


@pytest.fixture(scope="module")
def exported(enriched, sandbox_root) -> dict:
    """STIX and MISP exports of a copy of the crawled atlas, enriched from the sandbox's DNS
    and RDAP doubles (so portals have IPs)."""
    folder, db = enriched["folder"], enriched["db"]
    sites = json.loads((sandbox_root / "late" / "manifest.json").read_text(encoding="utf-8"))
    out = {"ips": {s["domain"]: s["hosting"]["ipv4"] for s in sites["sites"] if not s.get("dead")}}
    for fmt in ("stix", "misp"):
        path = folder / f"atlas.{fmt}.json"
        proc = run_cli("export", "--format", fmt, "--db", db, "-o", str(path))
        assert proc.returncode == 0, proc.stderr[-3000:]
        out[fmt] = path.read_text(encoding="utf-8")
    return out


def _refs(obj) -> list[str]:
    """Every id an object points to (*_ref, *_refs), nested custom content included."""
    found = []
    for key, value in obj.items():
        if key.endswith("_ref") and isinstance(value, str):
            found.append(value)
        elif key.endswith("_refs") and isinstance(value, list):
            found += value
    return found


def _active(truth: dict, crawled: dict) -> dict[str, dict]:
    exported = {p["domain"]: p for p in crawled["export"]["portals"]}
    return {d: t for d, t in truth.items() if t["status"] == "active" and d in exported}


def test_stix_bundle_parses_and_every_reference_exists(exported, truth, crawled):
    import stix2

    bundle = stix2.parse(exported["stix"], allow_custom=True)
    objects = {o["id"]: o for o in bundle.objects}
    assert len(objects) == len(bundle.objects)  # no duplicate ids
    dangling = [(o["id"], r) for o in bundle.objects for r in _refs(o) if r not in objects]
    assert dangling == []
    by_type = defaultdict(list)
    for o in bundle.objects:
        by_type[o["type"]].append(o)
    for kind in ("infrastructure", "domain-name", "ipv4-addr", "url", "indicator", "relationship"):
        assert by_type[kind], kind
    infra = {o["name"].rsplit(" ", 1)[1]: o for o in by_type["infrastructure"]}
    domains = {o["value"] for o in by_type["domain-name"]}
    active = _active(truth, crawled)
    assert set(active) <= set(infra) and set(active) <= domains
    patterns = {o["pattern"] for o in by_type["indicator"]}
    names = {o["value"]: o for o in by_type["domain-name"]}
    for domain, t in active.items():
        assert f"[domain-name:value = '{domain}']" in patterns
        resolved = {objects[r]["value"] for r in names[domain].get("resolves_to_refs", [])}
        assert resolved == set(exported["ips"][domain]), domain
        accounts = {p.get("account") for p in infra[domain]["x_smmatlas_payment_accounts"]}
        for pay in t["payments"]:
            if pay["account"]:
                assert pay["account"] in accounts, (domain, pay)
    # each truth cluster is one intrusion-set that uses every one of its portals
    uses = defaultdict(set)
    for r in by_type["relationship"]:
        if r["relationship_type"] == "uses":
            uses[r["source_ref"]].add(objects[r["target_ref"]]["name"].rsplit(" ", 1)[1])
    truth_clusters = defaultdict(set)
    for domain, t in active.items():
        if t.get("cluster"):
            truth_clusters[t["cluster"]].add(domain)
    assert truth_clusters
    for members in truth_clusters.values():
        assert any(members <= used for used in uses.values()), members
    assert all(objects[s]["type"] == "intrusion-set" for s in uses)


def test_misp_event_loads_with_pymisp(exported, truth, crawled):
    from pymisp import MISPEvent

    event = MISPEvent()
    event.load(exported["misp"])
    assert event.info.startswith("SMM Atlas:")
    values = defaultdict(set)
    for attr in event.attributes:
        values[attr.type].add(attr.value)
    for obj in event.objects:
        for attr in obj.attributes:
            values[f"{obj.name}/{attr.object_relation}"].add(attr.value)
    active = _active(truth, crawled)
    assert set(active) <= values["domain-ip/domain"]
    assert {ip for d in active for ip in exported["ips"][d]} <= values["domain-ip/ip"]
    for t in active.values():
        assert t["url"] in values["url"]
        for pay in t["payments"]:
            if pay["method"] == "bitcoin" and pay["account"]:
                assert pay["account"] in values["btc"]
            elif pay["account"]:
                assert pay["account"] in values["text"], pay
    clustered = {d for d, t in active.items() if t.get("cluster")}
    tagged = {
        a.comment.split(" ")[-2]
        for a in event.attributes
        if a.type == "url" and any(t.name.startswith("smmatlas:cluster=") for t in a.tags)
    }
    assert clustered <= tagged
    json.loads(exported["misp"])  # plain JSON too
