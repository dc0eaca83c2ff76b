"""Takedown packets, dossiers and `smmatlas verify` on the crawled sandbox (issue 8).

The atlas is the session's `crawled` sandbox atlas, copied and enriched from the sandbox's own
DNS and RDAP doubles, so RDAP abuse contacts exist. Expected contacts come from the sandbox's
manifest (its hosting ground truth) and from hand-written UPI handle owners."""

from __future__ import annotations

import json
from pathlib import Path

import xarf
from helpers import run_cli

REPORTER = ["--reporter", "analyst@atlas-investigations.org", "--reporter-org", "Atlas Inv."]
# UPI handle -> the app that issued it (hand-written from the handles' public owners)
UPI_APP = {
    "okaxis": "Google Pay",
    "oksbi": "Google Pay",
    "okicici": "Google Pay",
    "ybl": "PhonePe",
    "ibl": "PhonePe",
    "paytm": "Paytm",
}
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _upi_portal(truth: dict, crawled: dict) -> tuple[str, str]:
    """An active portal whose truth shows a UPI account, and that account."""
    exported = {p["domain"] for p in crawled["export"]["portals"]}
    for domain, t in sorted(truth.items()):
        accounts = [p["account"] for p in t["payments"] if p["method"] == "upi" and p["account"]]
        if t["status"] == "active" and accounts and domain in exported:
            return domain, accounts[0]
    raise AssertionError("the sandbox has no portal with a UPI account")


def _report(enriched: dict, target: list[str], to: str, out: Path):
    return run_cli(
        "report", *target, "--to", to, "-o", str(out), "--db", enriched["db"],
        "--data", enriched["data"], *REPORTER,
    )  # fmt: skip


def _flip_byte(path: Path, at: int) -> bytes:
    data = path.read_bytes()
    changed = bytearray(data)
    changed[at] ^= 0x01
    path.write_bytes(bytes(changed))
    return data


def test_report_packets_validate_and_reach_the_right_contacts(enriched, truth, crawled, tmp_path):
    domain, upi = _upi_portal(truth, crawled)
    hosting = enriched["hosting"][domain]
    for to in ("registrar", "host", "payment", "platform"):
        proc = _report(enriched, [domain], to, tmp_path)
        assert proc.returncode == 0, proc.stderr[-3000:]
    folder = tmp_path / f"portal-{domain}"
    reports = sorted((folder / "xarf").glob("*.json"))
    assert len(reports) >= 4
    for path in reports:
        parsed = xarf.parse(path.read_text(encoding="utf-8"))
        assert parsed.errors == [], (path.name, parsed.errors)
        assert parsed.report is not None
        data = json.loads(path.read_text(encoding="utf-8"))
        assert (data["category"], data["type"], data["url"]) == (
            "content",
            "fraud",
            truth[domain]["url"],
        )
        assert data["reporter"]["contact"] == "analyst@atlas-investigations.org"
    listed = json.loads((folder / "recipients.json").read_text(encoding="utf-8"))
    assert listed["to"] == "platform"  # the last one written
    mails = {p.name: p.read_text(encoding="utf-8") for p in (folder / "email").glob("*.txt")}
    registrar_mail = mails["registrar-1.txt"]
    assert registrar_mail.startswith(f"To: {hosting['registrar']['abuse_email']}\n")
    assert truth[domain]["url"] in registrar_mail
    host_mail = mails["host-1.txt"]
    assert host_mail.startswith(f"To: {hosting['ip_network']['abuse_email']}\n")
    assert hosting["ipv4"][0] in host_mail
    payment = [m for m in mails.values() if upi in m and m.startswith("To: ")]
    assert payment, "no payment e-mail names the UPI account"
    app = UPI_APP[upi.rsplit("@", 1)[1]]
    assert any(f"Hello {app}" in m for m in payment), payment[0][:400]
    host_xarf = json.loads((folder / "xarf" / f"host-1-{domain}.json").read_text())
    assert host_xarf["source_identifier"] == hosting["ipv4"][0]
    reg_xarf = json.loads((folder / "xarf" / f"registrar-1-{domain}.json").read_text())
    assert reg_xarf["whois"]["registrar_abuse_contact"] == hosting["registrar"]["abuse_email"]
    # the packet verifies as written
    ok = run_cli("verify", str(tmp_path))
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_verify_names_an_altered_warc_or_screenshot(enriched, truth, tmp_path):
    clusters = {t["cluster"] for t in truth.values() if t.get("cluster")}
    assert clusters
    proc = _report(enriched, ["--cluster", "1"], "registrar", tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    folder = tmp_path / "cluster-1"
    captures = json.loads((folder / "evidence" / "captures.json").read_text())["captures"]
    assert len({c["portal"] for c in captures}) >= 2
    assert all("packet_offset" in c for c in captures), captures[0]
    assert run_cli("verify", str(tmp_path)).returncode == 0

    warc = folder / "evidence" / "captures.warc.gz"
    original = _flip_byte(warc, captures[-1]["packet_offset"] + 40)
    bad = run_cli("verify", str(tmp_path))
    assert bad.returncode == 1
    assert "cluster-1/evidence/captures.warc.gz: altered" in bad.stdout, bad.stdout
    warc.write_bytes(original)
    assert run_cli("verify", str(tmp_path)).returncode == 0

    shots = sorted((folder / "evidence" / "screenshots").glob("*.png"))
    assert shots, "the crawl took no screenshot of this cluster's pages"
    _flip_byte(shots[0], shots[0].stat().st_size // 2)
    bad = run_cli("verify", str(tmp_path))
    assert bad.returncode == 1
    assert f"cluster-1/evidence/screenshots/{shots[0].name}: altered" in bad.stdout, bad.stdout


def test_unknown_portal_or_cluster_is_a_clear_error(enriched, tmp_path):
    proc = _report(enriched, ["nowhere.example"], "host", tmp_path)
    assert (
        proc.returncode == 2
        and "smmatlas: error: nowhere.example is not in the atlas" in proc.stderr
    )
    proc = _report(enriched, ["--cluster", "999"], "host", tmp_path)
    assert proc.returncode == 2 and "no cluster 999" in proc.stderr
    proc = run_cli("report", "x.example", "--to", "host", "--db", enriched["db"])
    assert proc.returncode == 2 and "--reporter" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_dossier_opens_in_chromium_with_name_screenshot_and_evidence(enriched, truth, tmp_path):
    from playwright.sync_api import sync_playwright

    domain = next(
        d for d, t in sorted(truth.items()) if t.get("cluster") and t["status"] == "active"
    )
    proc = run_cli(
        "dossier", domain, "-o", str(tmp_path), "--db", enriched["db"], "--data", enriched["data"]
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    folder = tmp_path / f"portal-{domain}"
    html, pdf = folder / "dossier.html", folder / "dossier.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    captures = json.loads((folder / "evidence" / "captures.json").read_text())["captures"]
    artifact = tmp_path / "dossier-screenshot.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(html.as_uri())
        page.screenshot(path=str(artifact), full_page=True)  # name, screenshots, evidence
        assert page.locator(".portal-name").first.inner_text() == domain
        widths = page.eval_on_selector_all("img.screenshot", "els => els.map(e => e.naturalWidth)")
        rows = page.locator("table.evidence tr.capture").count()
        shas = page.eval_on_selector_all(
            "table.evidence tr.capture td:nth-child(6)", "els => els.map(e => e.textContent)"
        )
        browser.close()
    print(f"dossier screenshot: {artifact}")
    assert widths and all(w > 100 for w in widths), widths
    assert rows == len(captures)
    assert sorted(shas) == sorted(c["sha256"] for c in captures)
    assert all(u.startswith(("file:", "data:")) for u in requests), requests  # self-contained
    assert run_cli("verify", str(tmp_path)).returncode == 0
    warc = folder / "evidence" / "captures.warc.gz"
    _flip_byte(warc, warc.stat().st_size - 10)
    bad = run_cli("verify", str(tmp_path))
    assert bad.returncode == 1 and "evidence/captures.warc.gz" in bad.stdout, bad.stdout


def test_hostile_values_cannot_add_lines_to_the_email_or_break_the_xarf():
    from datetime import UTC, datetime

    from atlas.report import Case, PortalFacts
    from atlas.xarf_report import email_body, find_recipients, xarf_reports

    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    account = "evil@ybl\nTo: attacker@evil.example\n\u202egnp.exe"
    portal = PortalFacts(
        domain="xn--bad-.example", url="http://bad.example/", status="active", kind="panel",
        software=None, first_seen=at, last_seen=at, offers=[],
        payments=[{"method": "upi", "account": account, "url": "http://bad.example/pay",
                   "capture_id": None}],
        contacts=[], identifiers=[], hosting={}, captures=[],
    )  # fmt: skip
    case = Case("portal-x", "bad.example", [portal], [], at)
    (rcpt,) = find_recipients(case, "payment")
    assert rcpt.name.startswith("NPCI")  # a malformed handle names no issuing app
    reporter = {
        "org": "Atlas Inv.",
        "contact": "a@atlas-investigations.org",
        "domain": "atlas-investigations.org",
    }  # noqa: E501
    body = email_body(case, rcpt, reporter, [], {"wacz": "e.wacz", "screenshots": []})
    lines = body.splitlines()
    assert sum(line.startswith("To:") for line in lines) == 1
    assert "[U+202E]gnp.exe" in body and "\u202e" not in body
    ((_, report),) = list(xarf_reports(case, rcpt, reporter, {"bodies": {}}))
    assert "domain" not in report  # not a valid host name: left out, the report still validates
