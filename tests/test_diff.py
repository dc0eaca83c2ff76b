"""`smmatlas diff` between the sandbox's two epochs reports exactly what the truth files of
the two epochs say changed: offers added, removed and repriced, the payment account a panel
rotated, the storefront that died."""

from __future__ import annotations

import json

from helpers import run_cli

from atlas.evaluate import load_truth
from sandbox.testing import running_sandbox

DIED, ROTATED = "deadsmmpanel.com", "smmheavenly.in"


def _pick(early: dict, late: dict) -> list[str]:
    """The portals the sandbox changes on purpose, and three plain panels (no browser needed)."""
    panels = sorted(
        d for d, t in late.items()
        if t["status"] == "active" and t["kind"] == "panel" and not t.get("js_rendered")
        and early[d]["status"] == "active" and early[d]["offers"] and t["cluster"] is None
    )[:3]  # fmt: skip
    return [DIED, ROTATED, *panels]


def _offers(t: dict) -> dict[str, tuple]:
    return {o["service_id"]: (o["price"], o["currency"], o["per"]) for o in t["offers"]}


def _accounts(t: dict) -> set[tuple]:
    return {(p["method"], p["account"]) for p in t["payments"]}


def _expected(early: dict, late: dict, domains: list[str]) -> tuple[set, dict]:
    changes, prices = set(), {}
    for d in domains:
        a, b = early[d], late[d]
        if a["status"] != "unreachable" and b["status"] == "unreachable":
            changes.add((d, "portal", "gone", None))
            continue
        old, new = _offers(a), _offers(b)
        changes |= {(d, "offer", "added", k) for k in new.keys() - old.keys()}
        changes |= {(d, "offer", "removed", k) for k in old.keys() - new.keys()}
        for k in old.keys() & new.keys():
            if old[k] != new[k]:
                changes.add((d, "offer", "repriced", k))
                prices[(d, k)] = (old[k][0], new[k][0])
        changes |= {(d, "payment", "added", m) for m in _accounts(b) - _accounts(a)}
        changes |= {(d, "payment", "removed", m) for m in _accounts(a) - _accounts(b)}
    return changes, prices


def _reported(result: dict) -> tuple[set, dict]:
    changes, prices = set(), {}
    for c in result["changes"]:
        item = c.get("item") or {}
        if c["what"] == "offer":
            key = item["service_id"]
            if c["change"] == "repriced":
                prices[(c["portal"], key)] = (
                    float(c["old"].split()[0]),
                    float(c["new"].split()[0]),
                )
        elif c["what"] == "payment":
            key = (item["method"], item["account"])
        else:
            key = None
        changes.add((c["portal"], c["what"], c["change"], key))
    return changes, prices


def test_diff_between_epochs_matches_the_truth(sandbox_root, tmp_path):
    early = load_truth(sandbox_root / "early" / "truth")
    late = load_truth(sandbox_root / "late" / "truth")
    domains = _pick(early, late)
    assert len(domains) == 5
    expected, expected_prices = _expected(early, late, domains)
    kinds = {(w, c) for _, w, c, _ in expected}
    # the change kinds the issue names are all in the sandbox
    assert kinds >= {("offer", "added"), ("offer", "removed"), ("offer", "repriced"),
                     ("payment", "added"), ("portal", "gone")}  # fmt: skip
    urls = [early[d]["url"] for d in domains]
    db = f"sqlite:///{tmp_path / 'atlas.db'}"
    with running_sandbox(sandbox_root, epoch="early") as server:
        for epoch in ("early", "late"):
            server.set_epoch(epoch)
            proc = run_cli(
                "crawl", *urls, "--db", db, "--data", str(tmp_path), "--proxy",
                server.proxy_url, "--render", "never", "-q",
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr[-2000:]
    out = run_cli("diff", "--db", db, "--format", "json")
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)
    assert (result["since_run"], result["run"]) == (1, 2)
    reported, prices = _reported(result)
    assert reported - expected == set()  # nothing invented
    assert expected - reported == set()  # nothing missed
    assert prices == expected_prices
    gone = next(c for c in result["changes"] if c["change"] == "gone")
    assert (gone["old"], gone["new"], gone["runs"]) == ("active", "unreachable", 1)

    # the same by run number, and as a table and CSV
    assert (
        json.loads(run_cli("diff", "--db", db, "--since", "1", "--format", "json").stdout)[
            "changes"
        ]
        == result["changes"]
    )
    table = run_cli("diff", "--db", db)
    assert table.returncode == 0 and f"{DIED}" in table.stdout and "gone (1 runs)" in table.stdout
    csv = run_cli("diff", "--db", db, "--format", "csv")
    assert csv.stdout.splitlines()[0] == "portal,what,change,item,old,new,pct"
    assert len(csv.stdout.splitlines()) == len(result["changes"]) + 1
    bad = run_cli("diff", "--db", db, "--since", "7")
    assert bad.returncode == 2 and "smmatlas: error: no earlier crawl run 7" in bad.stderr

    # exports flag each offer and lead as current or vanished, with first and last seen
    export = json.loads(run_cli("export", "--db", db).stdout)
    for p in export["portals"]:
        if p["domain"] not in domains or p["domain"] == DIED:
            continue
        a, b = _offers(early[p["domain"]]), _offers(late[p["domain"]])
        for o in p["offers"]:
            assert o["current"] == (o["service_id"] in b), (p["domain"], o["service_id"])
            assert o["current"] or o["service_id"] in a  # a vanished offer was there before
            assert o["first_seen"] <= o["last_seen"]
        accounts = {(x["method"], x["account"]): x["current"] for x in p["payments"]}
        assert {m for m, cur in accounts.items() if cur and m[1]} == {
            m for m in _accounts(late[p["domain"]]) if m[1]
        }
