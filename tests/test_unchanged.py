"""Unchanged pages (issue 12): a page fetched again with the same body reuses the facts stored
with its capture instead of being extracted again, and its rows get `last_seen` instead of
being upserted again; a page whose body changed is read again and its new values land.

Measured on the sandbox: its two epochs (the dataset's first and second day) give changed
pages; crawling the second epoch twice gives an unchanged world.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

import pytest
from helpers import run_cli

from atlas.evaluate import load_truth
from extract.model import Offer, PageFacts
from extract.page import extract_page
from extract.serial import dumps, extractor_version, from_json, loads, to_json
from sandbox.testing import running_sandbox
from storage.known import KnownPages

# panels whose prices change between the epochs, one that dies, storefronts (shop JSON)
DOMAINS = ["boostsmmpanel.co", "smmheavenly.in", "reysmmpanel.com", "deadsmmpanel.com",
           "fastfollowkart.in", "followerprofi.eu"]  # fmt: skip
LEADS = {"payments": ("method", "account"), "contacts": ("kind", "value"),
         "identifiers": ("kind", "value")}  # fmt: skip


# --- the stored form -----------------------------------------------------------------------------
def _site_pages(sandbox_root: Path):
    for site in sorted((sandbox_root / "late" / "sites").iterdir()):
        routes = json.loads((site / "site.json").read_text(encoding="utf-8"))["routes"]
        for path, route in sorted(routes.items()):
            if "file" not in route or route.get("status", 200) != 200:
                continue
            ctype = route.get("headers", {}).get("Content-Type", "text/html")
            body = (site / route["file"]).read_text(encoding="utf-8", errors="replace")
            yield f"http://{site.name}{path}", body, ctype


def test_facts_of_sandbox_pages_round_trip_exactly(sandbox_root):
    seen = dict.fromkeys(["offers", "payments", "contacts", "identifiers", "software", "links",
                          "offsite", "api_variant", "favicon_urls"], 0)  # fmt: skip
    pages = 0
    for url, body, ctype in _site_pages(sandbox_root):
        facts = extract_page(body, url, headers={"content-type": ctype}, role="services",
                             currency_hint="EUR")  # fmt: skip
        back = loads(dumps(facts))
        assert back == facts, url  # every field, every type (float prices, int limits)
        assert [type(o.price) for o in back.offers] == [float] * len(back.offers)
        pages += 1
        for name in ("offers", "payments", "contacts", "identifiers", "software", "links",
                     "offsite"):  # fmt: skip
            seen[name] += bool(getattr(facts, name))
        seen["api_variant"] += facts.signals.api_variant is not None
        seen["favicon_urls"] += bool(facts.signals.favicon_urls)
    assert pages > 200
    assert all(seen.values()), seen  # the round trip covered every kind of fact


def test_stored_facts_are_strict():
    good = PageFacts(url="http://a.example/", offers=[
        Offer("IG likes", 1.5, "USD", 1000, "instagram", "likes", service_id="7", min=10,
              refill=True, flags=["price_high"])
    ])  # fmt: skip
    data = to_json(good)
    assert from_json(json.loads(json.dumps(data))) == good
    bad = []
    for change in (
        lambda d: d["offers"][0].update(price="1.5"),  # a string for a float
        lambda d: d["offers"][0].update(min=True),  # a bool for an int
        lambda d: d["offers"][0].update(min=10.0),  # a float for an int
        lambda d: d["offers"][0].update(extra=1),  # a field the model has not
        lambda d: d["offers"][0].pop("name"),  # a field missing
        lambda d: d["signals"].update(title=["x"]),
        lambda d: d["signals"].update(favicon_urls=[1]),
        lambda d: d.update(links={"url": "x"}),  # a dict for a list
        lambda d: d.update(__class__="os.system"),
    ):
        copy = json.loads(json.dumps(data))
        change(copy)
        bad.append(from_json(copy))
    assert bad == [None] * len(bad)
    nan = json.dumps(data, separators=(",", ":")).replace('"price":1.5', '"price":NaN')
    assert "NaN" in nan and loads(zlib.compress(nan.encode())) is None
    assert loads(b"not zlib") is None and loads(zlib.compress(b"[[[" * 100000)) is None
    assert loads(zlib.compress(b" " * (65 * 1024 * 1024))) is None  # inflates past the bound
    assert loads("text") is None and loads(None) is None
    assert dumps(PageFacts(url="x", offers=[Offer("n", float("inf"), "USD", 1, "x", "y")])) is None
    assert len(extractor_version()) == 64


# --- crawls --------------------------------------------------------------------------------------
def _crawl(server, db: str, folder: Path, urls: list[str]) -> None:
    proc = run_cli(
        "crawl", *urls, "--db", db, "--data", str(folder), "--proxy", server.proxy_url,
        "--render", "never", "-q",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]


def _atlas(path: Path) -> dict:
    """Everything a crawl stores of facts, but last_seen / last_fetched_at (and those apart)."""
    con = sqlite3.connect(path)
    out: dict = {"last_seen": {}}
    offer_cols = [r[1] for r in con.execute("PRAGMA table_info(offers)")]
    keep = [c for c in offer_cols if c != "last_seen"]
    out["offers"] = sorted(con.execute(f"SELECT {', '.join(keep)} FROM offers"), key=repr)
    out["last_seen"]["offers"] = dict(con.execute("SELECT id, last_seen FROM offers"))
    out["observations"] = sorted(con.execute("SELECT * FROM offer_observations"), key=repr)
    for table in LEADS:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] != "last_seen"]
        out[table] = sorted(con.execute(f"SELECT {', '.join(cols)} FROM {table}"), key=repr)
        out["last_seen"][table] = dict(con.execute(f"SELECT id, last_seen FROM {table}"))
    cols = [r[1] for r in con.execute("PRAGMA table_info(sightings)") if r[1] != "last_seen"]
    out["sightings"] = sorted(con.execute(f"SELECT {', '.join(cols)} FROM sightings"), key=repr)
    out["portals"] = sorted(con.execute("SELECT domain, status, kind, software FROM portals"))
    out["captures"] = sorted(con.execute("SELECT id, url, sha256, http_status FROM captures"))
    out["runs"] = [json.loads(c) for (c,) in con.execute("SELECT counts FROM crawl_runs")]
    out["started"] = [s for (s,) in con.execute("SELECT started_at FROM crawl_runs ORDER BY id")]
    con.close()
    return out


@pytest.fixture(scope="module")
def recrawled(sandbox_root, tmp_path_factory) -> dict:
    """The portals crawled at the first epoch, then at the second epoch three times (the
    last after two stored summaries were spoilt); the atlas after each crawl."""
    folder = tmp_path_factory.mktemp("unchanged")
    db = f"sqlite:///{folder / 'atlas.db'}"
    late = load_truth(sandbox_root / "late" / "truth")
    urls = [late[d]["url"] for d in DOMAINS]
    states = []
    with running_sandbox(sandbox_root, epoch="early") as server:
        _crawl(server, db, folder, urls)
        server.set_epoch("late")
        for n in range(3):
            if n == 2:  # another extractor version's facts, and bytes that do not load
                con = sqlite3.connect(folder / "atlas.db")
                ids = [i for (i,) in con.execute(  # bodies the site serves now
                    "SELECT f.capture_id FROM capture_facts f JOIN captures c "
                    "ON c.id = f.capture_id WHERE c.url LIKE '%/services%' AND c.last_fetched_at "
                    "= (SELECT max(last_fetched_at) FROM captures d WHERE d.url = c.url) "
                    "ORDER BY c.id")]  # fmt: skip
                con.execute("UPDATE capture_facts SET version = 'older' WHERE capture_id = ?",
                            (ids[0],))  # fmt: skip
                con.execute("UPDATE capture_facts SET facts = ? WHERE capture_id = ?",
                            (zlib.compress(b'{"url": 1}'), ids[-1]))  # fmt: skip
                con.commit()
                con.close()
            _crawl(server, db, folder, urls)
            states.append(_atlas(folder / "atlas.db"))
    return {"db": db, "folder": folder, "states": states, "late": late}


def _facts_tables(state: dict) -> dict:
    return {k: v for k, v in state.items() if k not in ("last_seen", "runs", "started")}


def test_an_unchanged_recrawl_reads_nothing_again_and_keeps_the_atlas(recrawled):
    first, again = recrawled["states"][0], recrawled["states"][1]
    counts = again["runs"][2]
    before = first["runs"][1]
    read = before.get("smmatlas/extract/extracted", 0) + before.get("smmatlas/extract/unchanged", 0)
    assert read > 20
    # the second crawl of the same world: every page the first one read is unchanged
    assert counts.get("smmatlas/extract/extracted", 0) == 0, counts
    assert counts["smmatlas/extract/unchanged"] == read
    assert counts["smmatlas/pages"] == first["runs"][1]["smmatlas/pages"]
    # the atlas is the same but for when things were last seen
    assert _facts_tables(again) == _facts_tables(first)
    assert first["offers"] and first["payments"] and first["contacts"] and first["identifiers"]
    # ... which moved on for every offer and lead the first crawl of this world saw
    start = again["started"][2]
    for table, seen in first["last_seen"].items():
        current = [i for i, when in seen.items() if when >= first["started"][1]]
        assert current, table
        for i in current:
            assert again["last_seen"][table][i] > seen[i] and again["last_seen"][table][i] >= start


def test_a_changed_page_is_read_again_and_its_values_land(recrawled, sandbox_root):
    early = load_truth(sandbox_root / "early" / "truth")
    late, state = recrawled["late"], recrawled["states"][0]
    counts = state["runs"][1]
    # pages whose body changed between the epochs were extracted, the others were not
    assert counts["smmatlas/extract/extracted"] > 0 and counts["smmatlas/extract/unchanged"] > 0
    con = sqlite3.connect(recrawled["folder"] / "atlas.db")
    current = {
        (d, sid): (price, mn, mx)
        for d, sid, price, mn, mx in con.execute(
            "SELECT p.domain, o.service_id, o.price, o.min, o.max FROM offers o "
            "JOIN portals p ON p.id = o.portal_id"
        )
    }
    observed = {}
    for d, sid, price in con.execute(
        "SELECT p.domain, o.service_id, ob.price FROM offer_observations ob JOIN offers o "
        "ON o.id = ob.offer_id JOIN portals p ON p.id = o.portal_id ORDER BY ob.seen_at"
    ):
        observed.setdefault((d, sid), []).append(price)
    con.close()
    repriced = 0
    for domain in ("boostsmmpanel.co", "smmheavenly.in"):
        before = {o["service_id"]: o["price"] for o in early[domain]["offers"]}
        for o in late[domain]["offers"]:
            assert current[(domain, o["service_id"])] == (o["price"], o["min"], o["max"])
            if o["service_id"] in before and before[o["service_id"]] != o["price"]:
                repriced += 1
                assert observed[(domain, o["service_id"])] == [before[o["service_id"]],
                                                               o["price"]]  # fmt: skip
    assert repriced > 0


def test_other_versions_and_spoilt_summaries_are_read_again(recrawled):
    before, after = recrawled["states"][1], recrawled["states"][2]
    counts = after["runs"][3]
    assert counts["smmatlas/extract/extracted"] == 2, counts  # exactly the two spoilt pages
    assert (
        counts["smmatlas/extract/unchanged"] == before["runs"][2]["smmatlas/extract/unchanged"] - 2
    )
    assert _facts_tables(after) == _facts_tables(before)
    # both were stored again, with this version, and load
    known = KnownPages(recrawled["db"])
    con = sqlite3.connect(recrawled["folder"] / "atlas.db")
    rows = list(con.execute(
        "SELECT c.url, c.sha256, f.role, f.currency_hint, f.context, f.version FROM captures c "
        "JOIN capture_facts f ON f.capture_id = c.id"))  # fmt: skip
    assert {r[5] for r in rows} == {extractor_version()}
    url, sha, role, hint, context, _ = rows[0]
    hint = None if hint in ("", "*") else hint
    assert known.lookup(url, sha, role, hint, context).url == url
    assert known.lookup(url, sha, "not-" + role, hint, context) is None
    assert known.lookup(url, "0" * 64, role, hint, context) is None
    con.execute("UPDATE capture_facts SET facts = ? WHERE capture_id = "
                "(SELECT id FROM captures WHERE url = ? AND sha256 = ?)",
                (zlib.compress(b"[" * 50000), url, sha))  # fmt: skip
    con.commit()
    con.close()
    assert known.lookup(url, sha, role, hint, context) is None and known.failures == 1
    known.close()
