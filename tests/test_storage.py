"""The writer: evidence that reads back, idempotent upserts, history only on change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from extract.model import Contact, Identifier, Offer, PageFacts, Payment
from spiders.items import PageItem
from storage.db import open_db, table_names
from storage.evidence import WarcStore, read_record, resolve_path, sha256
from storage.models import Capture, OfferObservation, Portal
from storage.models import Contact as ContactRow
from storage.models import Offer as OfferRow
from storage.writer import AtlasWriter

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _page(url: str, body: bytes, price: float, when: datetime) -> PageItem:
    facts = PageFacts(
        url=url,
        offers=[
            Offer("Instagram Followers [Real]", price, "USD", 1000, "instagram", "followers",
                  service_id="101", min=10, max=5000),
            Offer("YouTube Views", 2.19, "USD", 1000, "youtube", "views", service_id="102"),
        ],
        payments=[Payment("upi", "shop@okaxis"), Payment("paytm")],
        contacts=[Contact("whatsapp", "+919812345678")],
        identifiers=[Identifier("google_analytics", "G-ABCDEF1234")],
    )  # fmt: skip
    return PageItem(
        domain="panel.test", url=url, status=200,
        headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "99")],
        body=body, fetched_at=when, rendered=False, facts=facts,
    )  # fmt: skip


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_schema_is_created_by_alembic(tmp_path):
    engine, _ = open_db(f"sqlite:///{tmp_path / 'a.db'}")
    names = table_names(engine)
    assert "alembic_version" in names
    assert {"portals", "offers", "offer_observations", "captures", "payments"} <= set(names)


def test_replaying_pages_duplicates_nothing_and_history_records_changes(tmp_path):
    engine, sessions = open_db(f"sqlite:///{tmp_path / 'a.db'}")
    warc = WarcStore(tmp_path / "warc", run_id=1)
    writer = AtlasWriter(sessions, warc, run_id=None)
    url = "http://panel.test/services"
    writer.add_page(_page(url, b"<html>v1</html>", 5.0, T0))
    writer.add_page(_page(url, b"<html>v1</html>", 5.0, T0 + timedelta(hours=1)))  # same body
    writer.commit()
    with sessions() as s:
        assert _count(s, Portal) == 1
        assert _count(s, Capture) == 1
        assert _count(s, OfferRow) == 2
        assert _count(s, OfferObservation) == 2  # first sighting of each offer
        assert _count(s, ContactRow) == 1
    # the price changes on a later crawl: one new capture, one new observation, no new offer
    writer.add_page(_page(url, b"<html>v2</html>", 5.5, T0 + timedelta(days=1)))
    writer.close()
    with sessions() as s:
        assert _count(s, Capture) == 2
        assert _count(s, OfferRow) == 2
        prices = (
            s.execute(select(OfferObservation.price).order_by(OfferObservation.seen_at))
            .scalars()
            .all()
        )
        assert sorted(prices) == [2.19, 5.0, 5.5]
        offer = s.execute(select(OfferRow).where(OfferRow.service_id == "101")).scalar_one()
        assert offer.price == 5.5
        assert offer.first_seen.replace(tzinfo=UTC) == T0
        cap = s.execute(select(Capture).order_by(Capture.id)).scalars().first()
    assert cap.headers == {"content-type": "text/html; charset=utf-8"}  # length is not evidence
    target, payload = read_record(resolve_path(tmp_path, cap.warc_file), cap.warc_offset)
    assert target == url
    assert payload == b"<html>v1</html>"
    assert sha256(payload) == cap.sha256


def test_upgrading_an_older_schema_keeps_its_data(tmp_path):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect, text

    from storage.db import MIGRATIONS, make_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection_engine"] = engine
    command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO portals (domain, url, first_seen, last_seen) "
                "VALUES ('old.test', 'http://old.test/', '2026-01-01', '2026-01-01')"
            )
        )
    assert "headers" not in {c["name"] for c in inspect(engine).get_columns("captures")}
    engine.dispose()
    engine, _ = open_db(url)  # upgrades to head
    assert "headers" in {c["name"] for c in inspect(engine).get_columns("captures")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT domain FROM portals")).scalars().all() == ["old.test"]
