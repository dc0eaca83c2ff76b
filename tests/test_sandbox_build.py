"""The sandbox web generator: determinism, truth vs. HTML, routes, noise, JS shells, crypto."""

from __future__ import annotations

import json
import re
from pathlib import Path

import base58
import pytest
from lxml import html as lhtml

from sandbox import crypto
from sandbox.build import build_web


@pytest.fixture(scope="module")
def web(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("web")
    summary = build_web(out, seed=1)
    assert summary["epochs"] == ["early", "late"] and summary["sites"] >= 30
    return out


def _manifest(web: Path, epoch: str = "late") -> dict:
    return json.loads((web / epoch / "manifest.json").read_text("utf-8"))


def _truths(web: Path, epoch: str = "late") -> list[tuple[dict, dict]]:
    man = _manifest(web, epoch)
    return [(e, json.loads((web / epoch / e["truth"]).read_text("utf-8"))) for e in man["sites"]]


def _site(web: Path, host: str, epoch: str = "late") -> dict:
    return json.loads((web / epoch / "sites" / host / "site.json").read_text("utf-8"))


def _body(route: dict) -> dict:
    while "fault" in route and "then" in route:
        route = route["then"]
    return route


def _decode(data: bytes, ctype: str) -> str:
    if (
        "charset" not in ctype
        and b'charset="utf-8"' not in data[:400]
        and b"charset=utf-8" not in data[:400]
    ):
        return data.decode("cp1252")
    return data.decode("utf-8")


def _html_files(web: Path, host: str, epoch: str = "late") -> dict[str, str]:
    site = _site(web, host, epoch)
    out = {}
    for path, route in site["routes"].items():
        r = _body(route)
        if "file" in r and "html" in r["headers"].get("Content-Type", ""):
            data = (web / epoch / "sites" / host / r["file"]).read_bytes()
            out[path] = _decode(data, r["headers"]["Content-Type"])
    return out


def _numbers(text: str) -> set[float]:
    """Every number in `text`, read both with a decimal point and a decimal comma."""
    out = set()
    for m in re.finditer(r"\d[\d.,]*", text):
        t = m.group(0).rstrip(".,")
        for cand in (t.replace(",", ""), t.replace(".", "").replace(",", ".")):
            try:
                out.add(round(float(cand), 4))
            except ValueError:
                pass
    return out


def _blocks(doc) -> list[str]:
    els = doc.xpath(
        "//tr | //li | //div[contains(@class,'svc-row') or contains(@class,'package-card')]"
    )
    return [" ".join(" ".join(e.itertext()).split()) for e in els]


def test_determinism(web, tmp_path):
    build_web(tmp_path, seed=1)
    files_a = sorted(p.relative_to(web) for p in web.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (web / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_world_shape(web):
    truths = [t for _, t in _truths(web)]
    kinds = {}
    for t in truths:
        kinds.setdefault((t["status"], t["kind"]), []).append(t)
    panels = kinds[("active", "panel")]
    assert len(panels) >= 20
    assert len(kinds[("active", "storefront")]) >= 4
    assert {t["software"] for t in panels} >= {"perfectpanel", "smartpanel", None}
    assert sum(t["js_rendered"] for t in truths) >= 2
    cur = {c for t in truths for c in t["currencies"]}
    assert {"USD", "INR", "EUR"} <= cur and cur & {"TRY", "BRL", "NGN"}
    statuses = {t["status"] for t in truths}
    assert {"blocked", "parked", "not_a_portal", "unreachable"} <= statuses
    dead = [e for e, t in _truths(web) if e.get("dead")]
    assert dead and all(not (web / "late" / "sites" / e["host"]).exists() for e in dead)


@pytest.mark.parametrize("epoch", ["early", "late"])
def test_truth_offers_in_html(web, epoch):
    checked = 0
    for entry, t in _truths(web, epoch):
        if not t["offers"] or t["js_rendered"]:
            continue
        pages = _html_files(web, entry["host"], epoch)
        docs = {p: _blocks(lhtml.fromstring(h)) for p, h in pages.items()}
        for o in t["offers"][::5]:
            path = o["url"].split(entry["host"], 1)[1]
            blocks = docs[path]
            if t["theme"] == "tiers":
                hits = [b for b in blocks if b.startswith(f"{o['per']} for")]
                hits = [b for b in hits if o["category"] in pages[path]]
            else:
                hits = [b for b in blocks if o["name"] in b]
            assert hits, (entry["host"], o["name"])
            assert any(o["price"] in _numbers(b) for b in hits), (entry["host"], o)
            if o["min"] is not None:
                assert any(o["min"] in _numbers(b) for b in hits)
            checked += 1
    assert checked > 500


def test_truth_values_are_vocabulary(web):
    platforms = {
        "instagram",
        "facebook",
        "youtube",
        "tiktok",
        "twitter",
        "telegram",
        "spotify",
        "soundcloud",
        "linkedin",
        "pinterest",
        "twitch",
        "snapchat",
        "reddit",
        "quora",
        "tumblr",
        "vimeo",
        "dailymotion",
        "vk",
        "google",
        "apple_music",
        "deezer",
        "audiomack",
        "website",
        "app",
        "other",
        None,
    }
    labelled = 0
    for _, t in _truths(web):
        for o in t["offers"]:
            assert o["platform"] in platforms
            assert o["name"] == " ".join(o["name"].split())
            labelled += o["platform"] is not None
        for c in t["contacts"]:
            if c["kind"] in ("phone", "whatsapp"):
                assert re.fullmatch(r"\+\d{10,14}", c["value"])
            if c["kind"] == "email":
                assert c["value"] == c["value"].lower()
            if c["kind"] == "telegram":
                assert not c["value"].startswith("@")
    assert labelled > 1000


def test_routes_cover_links(web):
    for entry, _t in _truths(web):
        if entry.get("dead"):
            continue
        site = _site(web, entry["host"])
        for path, page in _html_files(web, entry["host"]).items():
            doc = lhtml.fromstring(page)
            for href in doc.xpath("//a/@href"):
                if href.startswith("http://" + entry["host"]):
                    href = href[len("http://" + entry["host"]) :]
                if not href.startswith("/"):
                    continue
                ok = href in site["routes"] or any(
                    href.startswith(p) for p in site.get("prefixes", {})
                )
                assert ok or site["default"], (entry["host"], path, href)
        for route in site["routes"].values():
            r = _body(route)
            if "file" in r:
                assert (web / "late" / "sites" / entry["host"] / r["file"]).is_file()


def test_decoys_have_no_offers(web):
    for _, t in _truths(web):
        if t["status"] != "active":
            assert t["offers"] == [] and t["kind"] in (None, "other")


def test_noise_is_on_the_pages(web):
    n = 0
    for entry, t in _truths(web):
        if not t["noise"]:
            continue
        text = "\n".join(_html_files(web, entry["host"]).values())
        for s in t["noise"]:
            assert s in text or s.replace("&", "&amp;") in text, (entry["host"], s)
            n += 1
        leads = {c["value"] for c in t["contacts"]} | {p["account"] for p in t["payments"]}
        assert not leads & set(t["noise"])
    assert n > 50


def test_js_portals_hide_offers_in_plain_html(web):
    js = [(e, t) for e, t in _truths(web) if t["js_rendered"]]
    assert len(js) >= 2
    for entry, t in js:
        text = "\n".join(_html_files(web, entry["host"]).values())
        assert t["offers"]
        for o in t["offers"]:
            assert o["name"] not in text, o["name"]


def test_crypto_addresses_validate(web):
    seen = 0
    for _, t in _truths(web):
        for i in t["identifiers"]:
            v = i["value"]
            if i["kind"] == "bitcoin_address":
                if v.startswith("bc1"):
                    assert crypto.bech32_verify(v)
                else:
                    assert base58.b58decode_check(v)[:1] == b"\x00"
            elif i["kind"] == "tron_address":
                assert v.startswith("T") and base58.b58decode_check(v)[:1] == b"\x41"
            elif i["kind"] == "ethereum_address":
                assert re.fullmatch(r"0x[0-9a-f]{40}", v)
            else:
                continue
            seen += 1
    assert seen >= 8
    assert not crypto.bech32_verify("bc1qgxnsmhvssqk9smpc9gklhfzehm2mrquzlkfzrt")


def test_clusters_share_identifiers(web):
    by = {}
    for _, t in _truths(web):
        if t["cluster"]:
            vals = {(i["kind"], i["value"]) for i in t["identifiers"]}
            vals |= {(c["kind"], c["value"]) for c in t["contacts"]}
            by.setdefault(t["cluster"], []).append(vals)
    assert len(by) >= 3
    for members in by.values():
        assert len(members) >= 2 and set.intersection(*members)


def test_faults_and_epochs(web):
    kinds = set()
    for entry, _ in _truths(web):
        if entry.get("dead"):
            continue
        site = _site(web, entry["host"])
        for r in list(site["routes"].values()) + list(site.get("prefixes", {}).values()):
            if "fault" in r:
                kinds.add(r["fault"])
    assert {"flaky", "slow", "reset", "redirect", "calendar_trap", "huge", "gzip_bomb"} <= kinds
    early = {e["domain"]: t for e, t in _truths(web, "early")}
    late = {e["domain"]: t for e, t in _truths(web, "late")}
    assert early.keys() == late.keys()
    assert any(early[d]["offers"] != late[d]["offers"] for d in late if late[d]["offers"])


def test_scale_mode(tmp_path):
    summary = build_web(tmp_path, seed=3, portals=25)
    assert summary["sites"] == 25
    man = json.loads((tmp_path / "late" / "manifest.json").read_text("utf-8"))
    assert len(man["sites"]) == 25
    offers = 0
    clusters: dict[str, list[set]] = {}
    for e in man["sites"]:
        t = json.loads((tmp_path / "late" / e["truth"]).read_text("utf-8"))
        if t["cluster"]:
            ids = {(i["kind"], i["value"]) for i in t["identifiers"]}
            clusters.setdefault(t["cluster"], []).append(ids)
        assert (
            t["status"] == "active"
            and (tmp_path / "late" / "sites" / e["host"] / "site.json").is_file()
        )
        offers += len(t["offers"])
    assert offers > 25 * 10
    assert len(clusters) >= 2
    for members in clusters.values():
        assert len(members) == 3 and set.intersection(*members)


def test_hosting_records(web):
    import ipaddress

    docs = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
    cloudflare = ipaddress.ip_network("104.16.0.0/13")
    clusters: dict[str, list[dict]] = {}
    for entry, t in _truths(web):
        h = entry["hosting"]
        for ip in h["ipv4"]:
            addr = ipaddress.ip_address(ip)
            assert any(addr in n for n in docs) or (h["cdn"] == "cloudflare" and addr in cloudflare)
        assert (
            h["registrar"]["iana_id"] in (1068, 146, 303, 1636)
            and "@" in h["registrar"]["abuse_email"]
        )
        assert h["created"] < h["expires"] and h["ns"] and isinstance(h["asn"], int)
        if t["cluster"]:
            clusters.setdefault(t["cluster"], []).append(h)
    for hs in clusters.values():
        assert len({tuple(h["ipv4"]) for h in hs}) == 1 and len({tuple(h["ns"]) for h in hs}) == 1
    blocked = [e for e, t in _truths(web) if t["status"] == "blocked"]
    assert blocked and all(e["hosting"]["cdn"] == "cloudflare" for e in blocked)


def test_wrong_charset_page_decodes_as_windows_1252(web):
    found = 0
    for entry, t in _truths(web):
        if entry.get("dead"):
            continue
        for path, route in _site(web, entry["host"])["routes"].items():
            r = _body(route)
            ctype = r.get("headers", {}).get("Content-Type", "")
            if ctype != "text/html":
                continue
            data = (web / "late" / "sites" / entry["host"] / r["file"]).read_bytes()
            assert b"charset" not in data.lower()
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
            text = " ".join(lhtml.fromstring(data.decode("cp1252")).text_content().split())
            names = [o["name"] for o in t["offers"] if o["url"].endswith(path)]
            non_ascii = [n for n in names if not n.isascii()]
            assert non_ascii and all(n in text for n in names)
            found += 1
    assert found
