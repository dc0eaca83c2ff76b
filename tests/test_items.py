"""Typed items: the spider builds PageItem / PortalItem (spiders/items.py), Scrapy takes them
through itemadapter, the writer stores them without touching them, and the pipeline refuses
anything else with a recorded error instead of writing it or dropping it silently."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime

import pytest
from itemadapter import ItemAdapter, is_item
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from extract.model import Offer, PageFacts
from extract.portal import PageVerdictInput
from spiders.items import PageItem, PortalItem, ScreenshotItem
from spiders.portal import PortalSpider, PortalState
from storage.db import open_db
from storage.evidence import WarcStore
from storage.models import Capture, Portal, PortalCrawl
from storage.pipelines import SqlPipeline
from storage.writer import AtlasWriter

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


def _page(**changes) -> PageItem:
    values = dict(
        domain="panel.test", url="http://user:pw@panel.test/services", status=200,
        headers=[("Content-Type", "text/html")], body=b"<html>likes 1.50</html>",
        fetched_at=T0, rendered=False,
        facts=PageFacts(url="http://panel.test/services",
                        offers=[Offer("IG Likes", 1.5, "USD", 1000, "instagram", "likes")]),
        ip_address="192.0.2.7",
        request_headers=[("User-Agent", "smmatlas"), ("Cookie", "sid=secret")],
    )  # fmt: skip
    values.update(changes)
    return PageItem(**values)


def _verdict(**changes) -> PortalItem:
    values = dict(
        domain="panel.test", url="http://user:pw@panel.test/", status="active", kind="panel",
        software="perfectpanel", software_evidence=["perfectpanel: x (http://panel.test/)"],
        reasons=["services table"], pages=1, rendered_pages=0, offers=1,
        errors=["http://user:pw@panel.test/faq: TimeoutError"],
    )  # fmt: skip
    values.update(changes)
    return PortalItem(**values)


def test_items_are_scrapy_items_through_itemadapter():
    page = _page()
    shot = ScreenshotItem("panel.test", "http://panel.test/", "ab" * 32, PNG, T0)
    verdict = _verdict()
    for item in (page, shot, verdict):
        assert is_item(item)
    assert set(ItemAdapter(page).field_names()) == {
        "domain", "url", "status", "headers", "body", "fetched_at", "rendered", "facts",
        "ip_address", "request_headers", "screenshot",
    }  # fmt: skip
    assert set(ItemAdapter(shot).field_names()) == {"domain", "url", "sha256", "png", "taken_at"}
    assert set(ItemAdapter(verdict).field_names()) == {
        "domain", "url", "status", "kind", "software", "software_evidence", "reasons", "pages",
        "rendered_pages", "offers", "errors",
    }  # fmt: skip
    adapter = ItemAdapter(verdict)
    assert adapter["status"] == "active" and adapter["pages"] == 1
    assert adapter.asdict()["errors"] == ["http://user:pw@panel.test/faq: TimeoutError"]
    with pytest.raises(KeyError):
        adapter["type"] = "portal"  # no "type" field: the class says what an item is


def test_the_spider_builds_typed_items():
    spider = PortalSpider(urls="http://panel.test/")
    state = spider.portals["panel.test"]
    assert isinstance(state, PortalState)
    request = Request("http://panel.test/services", meta={"portal": "panel.test"})
    response = HtmlResponse(
        "http://panel.test/services", status=200, body=b"<html>ok</html>",
        headers={"Content-Type": "text/html"}, request=request, ip_address=None,
    )  # fmt: skip
    facts = PageFacts(url=response.url)
    page = spider.page_item(state, response, facts, rendered=False)
    assert type(page) is PageItem
    assert (page.domain, page.url, page.status, page.body) == (
        "panel.test", "http://panel.test/services", 200, b"<html>ok</html>",
    )  # fmt: skip
    assert ("Content-Type", "text/html") in page.headers and page.facts is facts
    part = spider.page_item(state, response, facts, True, url="http://panel.test/api",
                            status=201, headers=[("Content-Type", "application/json")],
                            body=b"[]")  # fmt: skip
    assert (part.url, part.status, part.rendered, part.request_headers) == (
        "http://panel.test/api", 201, True, None,
    )  # fmt: skip
    state.fetched, state.scheduled = 1, 1
    state.entry_url = "http://panel.test/"
    state.pages.append(PageVerdictInput.from_facts(facts, 200, entry=True))
    assert spider.open_portal_items()[0].domain == "panel.test"  # open: its verdict so far
    verdict = spider.portal_item(state)
    assert type(verdict) is PortalItem
    assert (verdict.domain, verdict.url, verdict.pages) == ("panel.test", "http://panel.test/", 1)
    assert spider.open_portal_items() == []  # closed now
    spider.extractor.close()


def test_the_writer_cleans_copies_and_leaves_the_items_as_they_came(tmp_path):
    engine, sessions = open_db(f"sqlite:///{tmp_path / 'a.db'}")
    writer = AtlasWriter(sessions, WarcStore(tmp_path / "warc", run_id=1), run_id=None)
    page, verdict = _page(), _verdict()
    digest = hashlib.sha256(page.body).hexdigest()
    writer.add_page(page)
    writer.add_screenshot(ScreenshotItem("panel.test", page.url, digest, PNG, T0))
    writer.add_portal(verdict)
    writer.close()
    with sessions() as s:
        capture = s.execute(select(Capture)).scalar_one()
        assert capture.url == "http://panel.test/services"  # no user:pw@ at rest
        assert capture.sha256 == digest and capture.screenshot  # the shot found it
        portal = s.execute(select(Portal)).scalar_one()
        assert (portal.url, portal.status, portal.software) == (
            "http://panel.test/", "active", "perfectpanel",
        )  # fmt: skip
    engine.dispose()
    assert page == _page() and verdict == _verdict()  # credentials stripped on copies only
    with pytest.raises(TypeError, match="ScreenshotItem"):
        writer.add_page(ScreenshotItem("panel.test", page.url, "00", PNG, T0))


def test_a_verdict_with_a_run_stores_clean_errors(tmp_path):
    from storage.runs import open_run

    engine, sessions = open_db(f"sqlite:///{tmp_path / 'a.db'}")
    run_id, _, _ = open_run(sessions, ["panel.test"], {}, resume=False)
    writer = AtlasWriter(sessions, None, run_id=run_id)
    writer.add_portal(_verdict(), finished=True)
    writer.close()
    with sessions() as s:
        crawl = s.execute(select(PortalCrawl)).scalar_one()
        assert crawl.errors == ["http://panel.test/faq: TimeoutError"]
        assert (crawl.pages, crawl.offers, crawl.status) == (1, 1, "active")
        assert crawl.finished_at is not None
    engine.dispose()


@pytest.mark.parametrize("bad", [{"type": "page", "url": "http://panel.test/"}, object()])
def test_the_pipeline_refuses_what_is_not_an_item_and_records_it(tmp_path, bad):
    crawler = get_crawler(
        settings_dict={
            "SMMATLAS_DB": f"sqlite:///{tmp_path / 'a.db'}",
            "SMMATLAS_DATA_DIR": str(tmp_path),
        }  # fmt: skip
    )
    pipeline = SqlPipeline.from_crawler(crawler)
    try:
        with pytest.raises(TypeError, match=f"not an atlas item: {type(bad).__name__}"):
            asyncio.run(pipeline.process_item(bad))
        assert crawler.stats.get_value("smmatlas/bad_items") == 1
        assert pipeline.in_flight == 0 and not pipeline.waiting  # nothing handed to the writer
    finally:
        pipeline._stop_pool()
