"""Bulk writes (issue 12): a batch of pages with hundreds of offers writes the rows per-row
upserts wrote, with a bounded number of SQL statements per batch, on SQLite and PostgreSQL.

Expectations are built by hand from the pages below (which offers, which prices, which times),
never read back from the writer's own output.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from test_postgres import postgres  # noqa: F401  (the fixture: a PostgreSQL server on loopback)

from extract.model import Contact, Offer, OffsiteLink, PageFacts, Payment
from spiders.items import PageItem
from storage.db import open_db
from storage.models import Capture, OfferObservation, Sighting
from storage.models import Contact as ContactRow
from storage.models import Offer as OfferRow
from storage.models import Payment as PaymentRow
from storage.writer import AtlasWriter

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def price(i: int) -> float:
    return 1.0 + i / 100


def _page(domain, path, ids, when, bump=(), payments=(), offsite=()) -> PageItem:
    """A services page of `domain` listing service IDs `ids` (price(i), +1 for IDs in bump)."""
    url = f"http://{domain}{path}"
    offers = [
        Offer(f"Service {i}", price(i) + (1 if i in bump else 0), "USD", 1000, "instagram",
              "followers", service_id=str(i), min=10, max=1000 + i)
        for i in ids
    ]  # fmt: skip
    facts = PageFacts(
        url=url,
        offers=offers,
        payments=[Payment(m, a, f"pay {m} on {path}") for m, a in payments],
        contacts=[Contact("telegram", "shopbot")],
        offsite=[OffsiteLink(u, "list.example", "list", "listing") for u in offsite],
    )
    body = f"<html>{path} {sorted(ids)[:3]} {sorted(bump)[:3]}</html>".encode()
    return PageItem(domain=domain, url=url, status=200,
                    headers=[("Content-Type", "text/html")], body=body, fetched_at=when,
                    rendered=False, facts=facts)  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'atlas.db'}"
    return request.getfixturevalue("postgres")


class Statements:
    """SQL statements sent to the database (executemany counts once), by first table named."""

    def __init__(self, engine):
        self.seen: list[str] = []
        event.listen(engine, "before_cursor_execute", self._add)

    def _add(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(statement)

    def take(self) -> list[str]:
        out, self.seen = self.seen, []
        return out


def _count(s, model, *where) -> int:
    return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_a_batch_of_hundreds_of_offers_writes_per_row_results_in_few_statements(db_url):
    engine, sessions = open_db(db_url)
    sql = Statements(engine)
    writer = AtlasWriter(sessions, None, run_id=None)

    # batch 1: a.test lists 0..299, then 250..549 (250..274 cheaper by 1 on the second page,
    # 275..299 unchanged); b.test lists 0..299 too (other portal: other offers)
    pages = [
        _page("a.test", "/services", range(300), T0, payments=[("upi", "a@okaxis")],
              offsite=["http://list.example/top"]),
        _page("a.test", "/services?page=2", range(250, 550), T0 + MIN, bump=range(250, 275),
              payments=[("upi", "a@okaxis"), ("paypal", "a@mail.test")],
              offsite=["http://list.example/top"]),
        _page("b.test", "/services", range(300), T0 + 2 * MIN, payments=[("upi", "a@okaxis")]),
    ]  # fmt: skip
    per_page = []
    for page in pages:
        writer.add_page(page)
        per_page.append(len(sql.take()))
    writer.commit()
    batch = sql.take()
    # per page: portal, capture lookup and capture insert, whatever the number of offers
    assert max(per_page) <= 4, per_page
    offers_sql = [s for s in batch if "offers" in s.split("WHERE")[0] and "offer_obs" not in s]
    assert len(offers_sql) <= 2 * 2 * 2, len(offers_sql)  # (select + upsert) x 2 chunks x 2 ids
    assert len(batch) <= 16, len(batch)  # 1,150 offer rows and 875 observations

    with sessions() as s:
        a_offers = {
            r.service_id: r
            for r in s.execute(
                select(OfferRow).where(OfferRow.url.like("http://a.test%"))
            ).scalars()
        }
        assert set(a_offers) == {str(i) for i in range(550)}
        assert _count(s, OfferRow) == 550 + 300
        assert a_offers["260"].price == pytest.approx(price(260) + 1)  # the later page wins
        assert a_offers["260"].first_seen.replace(tzinfo=UTC) == T0
        assert a_offers["260"].last_seen.replace(tzinfo=UTC) == T0 + MIN
        assert a_offers["280"].price == pytest.approx(price(280))
        assert a_offers["10"].last_seen.replace(tzinfo=UTC) == T0
        assert a_offers["10"].max == 1010 and a_offers["10"].min == 10
        page2 = s.execute(select(Capture.id).where(Capture.url.like("%page=2"))).scalar_one()
        assert a_offers["260"].capture_id == page2 and a_offers["500"].capture_id == page2
        # one observation per new offer, one more for each price changed inside the batch
        assert _count(s, OfferObservation) == 850 + 25
        history = s.execute(
            select(OfferObservation.price, OfferObservation.seen_at)
            .join(OfferRow, OfferRow.id == OfferObservation.offer_id)
            .where(OfferRow.url.like("http://a.test%"), OfferRow.service_id == "260")
            .order_by(OfferObservation.id)
        ).all()
        assert [(p, t.replace(tzinfo=UTC)) for p, t in history] == [
            (pytest.approx(price(260)), T0), (pytest.approx(price(260) + 1), T0 + MIN)
        ]  # fmt: skip
        # leads: one row per portal and account, first page's evidence, last page's time
        upi = s.execute(select(PaymentRow).where(PaymentRow.method == "upi")).scalars().all()
        assert len(upi) == 2
        a_upi = next(r for r in upi if r.url.startswith("http://a.test"))
        assert a_upi.evidence == "pay upi on /services"
        assert a_upi.first_seen.replace(tzinfo=UTC) == T0
        assert a_upi.last_seen.replace(tzinfo=UTC) == T0 + MIN
        assert _count(s, PaymentRow) == 3
        assert _count(s, ContactRow) == 2  # the same handle on two portals
        assert _count(s, Sighting) == 2  # one link on two pages

    # batch 2: a new page re-prices 0..9 on a.test; a replay of the current pages changes nothing
    writer.add_page(_page("a.test", "/services?page=3", range(10), T0 + 3 * MIN, bump=range(10)))
    writer.commit()
    writer.add_page(replace(pages[1], fetched_at=T0 + 4 * MIN))
    writer.add_page(replace(pages[2], fetched_at=T0 + 4 * MIN))
    writer.close()
    with sessions() as s:
        assert _count(s, OfferRow) == 850
        assert _count(s, OfferObservation) == 875 + 10
        assert _count(s, PaymentRow) == 3
        offer = s.execute(
            select(OfferRow).where(OfferRow.url.like("http://a.test%"), OfferRow.service_id == "5")
        ).scalar_one()
        assert offer.price == pytest.approx(price(5) + 1)
        assert offer.first_seen.replace(tzinfo=UTC) == T0
        b300 = s.execute(
            select(OfferRow.last_seen).where(OfferRow.url == "http://b.test/services").limit(1)
        ).scalar_one()
        assert b300.replace(tzinfo=UTC) == T0 + 4 * MIN
    engine.dispose()


def test_a_failed_batch_writes_none_of_its_facts(tmp_path):
    """A batch that fails at commit leaves nothing of its pages; the same pages written again
    give the full result (nothing is lost, nothing duplicated)."""
    engine, sessions = open_db(f"sqlite:///{tmp_path / 'atlas.db'}")
    writer = AtlasWriter(sessions, None, run_id=None)
    writer.add_page(_page("a.test", "/services", range(200), T0))
    writer.rollback()  # what the pipeline does after a failed write
    with sessions() as s:
        assert _count(s, OfferRow) == 0 and _count(s, OfferObservation) == 0
    writer.add_page(_page("a.test", "/services", range(200), T0))
    writer.close()
    with sessions() as s:
        assert _count(s, OfferRow) == 200 and _count(s, OfferObservation) == 200
    engine.dispose()
