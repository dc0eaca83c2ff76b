"""Evidence-grade capture (issue 8): WARC records with SHA-256 digests that warcio reads and
verifies, warcinfo and request records, revisit records for unchanged pages, the IP each
response came from, screenshots, paths that survive moving the data folder, and a capture
reference on every fact of the export."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import run_cli
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator

from extract.model import Contact, Offer, PageFacts
from spiders.items import PageItem
from storage.db import open_db
from storage.evidence import WarcStore, read_record, resolve_path
from storage.models import Capture, Portal
from storage.writer import AtlasWriter

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40  # bytes stand in for an image: only hashed and kept


def _b32(data: bytes) -> str:
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode()


def _page(url: str, body: bytes, when: datetime, **extra) -> PageItem:
    facts = PageFacts(
        url=url,
        offers=[Offer("Instagram Likes", 1.5, "USD", 1000, "instagram", "likes", service_id="7")],
        contacts=[Contact("telegram", "@panelsupport")],
    )
    return PageItem(
        domain="panel.test", url=url, status=200,
        headers=[("Content-Type", "text/html")], body=body, fetched_at=when,
        rendered=False, facts=facts, ip_address="192.0.2.10",
        request_headers=[
            ("User-Agent", "smmatlas-test"), ("Proxy-Authorization", "Basic c2VjcmV0"),
            ("Cookie", "session=s3cr3t"),
        ], **extra,
    )  # fmt: skip


def _records(path: Path) -> list[tuple[int, str, dict, bytes]]:
    """(offset, type, WARC headers, payload) of every record; digests checked by warcio."""
    out = []
    with path.open("rb") as fh:
        it = ArchiveIterator(fh, check_digests="raise")
        for record in it:
            payload = record.content_stream().read()
            out.append(
                (it.get_record_offset(), record.rec_type, dict(record.rec_headers.headers), payload)
            )
    return out


def test_recrawled_page_is_a_revisit_and_paths_survive_moving_the_folder(tmp_path):
    data = tmp_path / "data"
    engine, sessions = open_db(f"sqlite:///{tmp_path / 'a.db'}")
    writer = AtlasWriter(sessions, WarcStore(data / "warc", run_id=1), run_id=None)
    url = "http://panel.test/services?page=2"
    body = b"<html><table>likes 1.50</table></html>"
    writer.add_page(_page(url, body, T0, screenshot=PNG))
    writer.add_page(_page(url, body, T0 + timedelta(days=1)))  # unchanged on the recrawl
    writer.close()
    engine.dispose()

    records = _records(next((data / "warc").glob("*.warc.gz")))
    assert [r[1] for r in records] == ["warcinfo", "response", "request", "revisit", "request"]
    _, _, response, payload = records[1]
    assert payload == body
    assert response["WARC-Payload-Digest"] == _b32(body)
    assert response["WARC-Block-Digest"].startswith("sha256:")
    assert response["WARC-IP-Address"] == "192.0.2.10"
    assert response["WARC-Date"] == "2026-11-01T12:00:00Z"
    assert records[2][2]["WARC-Concurrent-To"] == response["WARC-Record-ID"]
    raw = gzip.decompress(next((data / "warc").glob("*.warc.gz")).read_bytes())
    assert b"GET /services?page=2 HTTP/1.1" in raw and b"User-Agent: smmatlas-test" in raw
    assert b"c2VjcmV0" not in raw and b"s3cr3t" not in raw  # no credentials, no cookies
    revisit_offset, _, revisit, revisit_payload = records[3]
    assert revisit_payload == b""  # the body is not stored again
    assert revisit["WARC-Profile"].endswith("/revisit/identical-payload-digest")
    assert revisit["WARC-Refers-To"] == response["WARC-Record-ID"]
    assert revisit["WARC-Refers-To-Target-URI"] == url
    assert revisit["WARC-Refers-To-Date"] == "2026-11-01T12:00:00Z"
    assert revisit["WARC-Payload-Digest"] == _b32(body)
    assert revisit["WARC-Date"] == "2026-11-02T12:00:00Z"

    moved = tmp_path / "moved"
    shutil.move(data, moved)  # the investigator moves the data folder
    with Session(create_engine(f"sqlite:///{tmp_path / 'a.db'}")) as s:
        cap = s.execute(select(Capture)).scalar_one()
    assert not Path(cap.warc_file).is_absolute()
    assert cap.revisits == 1 and cap.last_warc_offset == revisit_offset
    assert cap.last_fetched_at.replace(tzinfo=UTC) == T0 + timedelta(days=1)
    assert cap.ip_address == "192.0.2.10"
    target, again = read_record(resolve_path(moved, cap.warc_file), cap.warc_offset)
    assert (target, again) == (url, body)
    shot = resolve_path(moved, cap.screenshot)
    assert shot.read_bytes() == PNG
    assert cap.screenshot_sha256 == hashlib.sha256(PNG).hexdigest()


def test_old_absolute_paths_stay_readable_after_a_move(tmp_path):
    old = tmp_path / "old" / "warc"
    store = WarcStore(old, run_id=3)
    written = store.write("http://a.test/", 200, [], b"old body", T0)
    store.close()
    absolute = str(store.path)  # what rows written before issue 8 hold
    assert resolve_path(tmp_path / "elsewhere", absolute) == Path(absolute)
    shutil.move(tmp_path / "old", tmp_path / "new")
    found = resolve_path(tmp_path / "new", absolute)
    assert read_record(found, written.offset) == ("http://a.test/", b"old body")


def _captures(db: str) -> list[Capture]:
    engine = create_engine(db)
    with Session(engine) as s:
        rows = list(s.execute(select(Capture)).scalars())
        portals = {p.id: p for p in s.execute(select(Portal)).scalars()}
    engine.dispose()
    for row in rows:
        row.portal = portals[row.portal_id]
    return rows


def test_every_capture_reads_back_with_its_sha256(crawled):
    """warcio reads every record of every WARC file (block and payload digests verified), and
    the payload of each capture's record hashes to the SHA-256 stored for it."""
    folder = crawled["folder"]
    files = sorted((folder / "warc").glob("*.warc.gz"))
    assert files
    by_file = {}
    for path in files:
        records = _records(path)
        assert records[0][1] == "warcinfo"
        assert sum(r[1] == "warcinfo" for r in records) == 1
        by_file[f"warc/{path.name}"] = {r[0]: r for r in records}
    captures = _captures(crawled["db"])
    assert len(captures) > 200
    for cap in captures:
        offset, kind, headers, payload = by_file[cap.warc_file][cap.warc_offset]
        assert kind == "response"
        assert headers["WARC-Target-URI"] == cap.url
        assert hashlib.sha256(payload).hexdigest() == cap.sha256, cap.url
        assert headers["WARC-Payload-Digest"] == _b32(payload)
        assert cap.ip_address == "127.0.0.1"  # the sandbox proxy: the address connected to
        assert headers["WARC-IP-Address"] == "127.0.0.1"
    kinds = Counter(r[1] for recs in by_file.values() for r in recs.values())
    assert kinds["request"] == kinds["response"] + kinds["revisit"]


def test_screenshots_of_entry_and_catalogue_pages(crawled, truth):
    folder = crawled["folder"]
    captures = _captures(crawled["db"])
    shots: dict[str, set[str]] = {}
    for cap in captures:
        if cap.screenshot:
            png = resolve_path(folder, cap.screenshot).read_bytes()
            assert png.startswith(b"\x89PNG\r\n\x1a\n"), cap.url
            assert hashlib.sha256(png).hexdigest() == cap.screenshot_sha256
            shots.setdefault(cap.portal.domain, set()).add(cap.url)
    entry = {c.portal.domain: c.portal.url for c in captures}
    checked = catalogue = covered = 0
    for domain, t in truth.items():
        if t["status"] not in ("active", "parked", "not_a_portal") or domain not in entry:
            continue
        assert entry[domain] in shots.get(domain, set()), f"no screenshot of {domain}'s entry"
        urls = {o["url"] for o in t["offers"]}
        catalogue += len(urls)
        covered += len(urls & shots.get(domain, set()))
        checked += 1
    assert checked >= 20
    assert covered == catalogue, (covered, catalogue)


def test_export_points_every_fact_to_its_capture(crawled):
    jsonschema = pytest.importorskip("jsonschema")
    export = crawled["export"]
    schema_path = Path(__file__).resolve().parents[2] / "shared" / "contract"
    schema = json.loads((schema_path / "portals.schema.json").read_text())
    jsonschema.validate(export, schema)
    captures = {(c.url, c.sha256): c for c in _captures(crawled["db"])}
    facts = 0
    for portal in export["portals"]:
        for group in ("offers", "payments", "contacts", "identifiers"):
            for fact in portal[group]:
                ref = fact["capture"]
                cap = captures[(ref["url"], ref["sha256"])]
                assert ref["warc_file"] == cap.warc_file and ref["warc_offset"] == cap.warc_offset
                assert ref["fetched_at"].endswith("Z")
                _, payload = read_record(
                    resolve_path(crawled["folder"], ref["warc_file"]), ref["warc_offset"]
                )
                assert hashlib.sha256(payload).hexdigest() == ref["sha256"]
                facts += 1
    assert facts > 500


@pytest.fixture(scope="module")
def recrawled(crawled, sandbox, truth, tmp_path_factory) -> dict:
    """The crawled atlas moved to another folder, then a second crawl of the same portals into
    it (the active portals of the curated sandbox; screenshots off to keep the suite short)."""
    folder = tmp_path_factory.mktemp("moved") / "atlas"
    shutil.copytree(crawled["folder"], folder)
    db = f"sqlite:///{folder / 'atlas.db'}"
    engine, sessions = open_db(db)
    with sessions() as s:
        urls = {p.domain: p.url for p in s.execute(select(Portal)).scalars()}
    engine.dispose()
    domains = sorted(d for d, t in truth.items() if t["status"] == "active" and d in urls)[:12]
    seeds = folder / "again.txt"
    seeds.write_text("\n".join(urls[d] for d in domains) + "\n")
    before = {p.name for p in (folder / "warc").glob("*.warc.gz")}
    proc = run_cli(
        "crawl", "--seeds", str(seeds), "--db", db, "--data", str(folder),
        "--proxy", sandbox.proxy_url, "--render", "auto", "--no-resume", "-q",
        env={"SMMATLAS_SCREENSHOTS": "0"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    new = [p for p in (folder / "warc").glob("*.warc.gz") if p.name not in before]
    return {"folder": folder, "db": db, "domains": domains, "new": new, "first": crawled}


def test_recrawl_of_unchanged_site_writes_revisits_not_bodies(recrawled):
    assert len(recrawled["new"]) == 1
    records = _records(recrawled["new"][0])
    kinds = Counter(r[1] for r in records)
    body_bytes = sum(len(r[3]) for r in records if r[1] == "response")
    assert kinds["revisit"] >= 12 * 5  # several pages of each portal, proven again
    assert kinds["response"] == 0, kinds  # the sandbox serves the same bodies: nothing new
    assert body_bytes == 0
    assert kinds["request"] == kinds["revisit"]
    captures = _captures(recrawled["db"])
    revisited = [c for c in captures if c.revisits]
    assert sum(c.revisits for c in revisited) == kinds["revisit"]
    first_ids = {c.id for c in _captures(recrawled["first"]["db"])}
    assert {c.id for c in captures} == first_ids  # no new capture rows either
    by_offset = {r[0]: r for r in records}
    for cap in revisited:
        assert cap.last_warc_file == f"warc/{recrawled['new'][0].name}"
        _, kind, headers, _ = by_offset[cap.last_warc_offset]
        assert kind == "revisit" and headers["WARC-Target-URI"] == cap.url
        assert headers["WARC-Payload-Digest"].startswith("sha256:")
        assert cap.last_fetched_at > cap.fetched_at
        # the body it refers to still reads back, from the moved folder
        _, payload = read_record(resolve_path(recrawled["folder"], cap.warc_file), cap.warc_offset)
        assert hashlib.sha256(payload).hexdigest() == cap.sha256


class _Spider:
    def __init__(self, **settings) -> None:
        from scrapy.settings import Settings

        self.crawler = type("C", (), {"settings": Settings(settings)})()


def test_screenshot_plan_is_bounded_and_shoots_a_footer_contact_once():
    from spiders import screenshots

    spider = _Spider(
        SMMATLAS_SCREENSHOTS="1", SMMATLAS_SCREENSHOTS_PER_PORTAL=3, SMMATLAS_SCREENSHOTS_MAX=4
    )
    plan = screenshots.plan(spider)
    assert plan.enabled
    assert [plan.allow("a.test", f"http://a.test/{n}") for n in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    assert plan.allow("b.test", "http://b.test/") and not plan.allow("c.test", "http://c.test/")
    footer = [Contact("email", "help@b.test")]
    plain = PageFacts(url="http://b.test/faq", contacts=footer)
    assert screenshots.wanted(spider, "b.test", "faq", plain, 200)  # first page showing it
    assert not screenshots.wanted(spider, "b.test", "terms", plain, 200)  # shown already
    assert screenshots.wanted(spider, "b.test", "entry", PageFacts(url="http://b.test/"), 200)
    assert not screenshots.wanted(spider, "b.test", "entry", PageFacts(url="http://b.test/"), 404)
    offers = PageFacts(url="http://b.test/services?page=2", offers=_page("u", b"", T0).facts.offers)
    assert screenshots.wanted(spider, "b.test", "next_page", offers, 200)
    assert not screenshots.plan(_Spider(SMMATLAS_SCREENSHOTS="0")).enabled
    assert not screenshots.plan(_Spider(SMMATLAS_RENDER="never")).enabled
