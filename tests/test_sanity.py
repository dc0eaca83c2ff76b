"""Hostile values: prices and quantities that cannot break a write or an output (issue 13).

The values are the ones a hostile portal served in the issue: `1e309` and 400 digits (infinite
as floats), `1e308`, `$-5`, a quantity of 2^64, min > max, NaN.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pytest
from helpers import run_cli
from sqlalchemy import select

from extract.model import Offer, PageFacts, Payment
from extract.sanity import INT_MAX, finite_json, price_text_flags, sane_facts, sane_offer
from spiders.items import PageItem, PortalItem
from spiders.workers import extract_limited
from storage.db import open_db
from storage.models import Offer as OfferRow
from storage.models import PortalCrawl
from storage.writer import AtlasWriter

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _offer(**kw) -> Offer:
    base = {"name": "Instagram Followers", "price": 1.5, "currency": "USD", "per": 1000,
            "platform": "instagram", "product": "followers", "service_id": "1"}  # fmt: skip
    return Offer(**{**base, **kw})


@pytest.mark.parametrize("price", [math.inf, -math.inf, math.nan, float("9" * 400)])
def test_a_price_that_is_not_finite_is_never_stored_and_says_why(price):
    facts = sane_facts(PageFacts(url="http://p.example/", offers=[_offer(price=price)]))
    assert facts.offers == []
    assert len(facts.errors) == 1 and "not finite" in facts.errors[0]
    assert "Instagram Followers" in facts.errors[0]


def test_implausible_values_are_kept_as_shown_with_a_flag():
    big, _ = sane_offer(_offer(price=1e308))
    assert big.price == 1e308 and big.flags == ["price_implausible"]
    negative, _ = sane_offer(_offer(price=-5.0))
    assert negative.price == -5.0 and negative.flags == ["price_negative"]
    swapped, _ = sane_offer(_offer(min=5000, max=100))
    assert (swapped.min, swapped.max) == (5000, 100) and swapped.flags == ["min_above_max"]
    fine, _ = sane_offer(_offer(min=10, max=100398285))  # an absurd but real maximum
    assert fine.flags == [] and fine.max == 100398285


def test_a_quantity_beyond_any_integer_column_keeps_its_value_in_the_flag():
    offer, why = sane_offer(_offer(min=10, max=2**64))
    assert why is None
    assert offer.max is None and offer.min == 10
    assert offer.flags == ["max_too_large:18446744073709551616"]
    at_limit, _ = sane_offer(_offer(max=INT_MAX))
    assert at_limit.max == INT_MAX and at_limit.flags == []


def test_a_unit_count_out_of_range_drops_the_offer():
    for per in (0, -1000, 2**64):
        offer, why = sane_offer(_offer(per=per))
        assert offer is None and "unit count" in why


def test_checking_twice_changes_nothing():
    offer, _ = sane_offer(_offer(price=-5.0, min=9, max=2**64))
    again, _ = sane_offer(offer)
    assert again.flags == ["price_negative", "max_too_large:18446744073709551616"]


def test_leads_too_long_for_their_column_are_named_not_stored():
    facts = PageFacts(url="http://p.example/", payments=[Payment("paypal", "a" * 500 + "@x.io")])
    sane_facts(facts)
    assert facts.payments == []
    assert len(facts.errors) == 1 and "505 characters (at most 200)" in facts.errors[0]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [("$-5", True), ("-5 $", True), ("$1e308", True), ("1E+309 USD", True), ("$1.50", False),
     ("100 - 200", False), ("Rs 1,000-2,000", False), ("$1 - $2", False)],
)  # fmt: skip
def test_price_texts_whose_sign_or_exponent_a_reading_would_drop(text, flagged):
    assert bool(price_text_flags(text)) is flagged


HOSTILE_TABLE = """<html><body><table>
<tr><th>ID</th><th>Service</th><th>Rate per 1000</th><th>Min order</th><th>Max order</th></tr>
<tr><td>1</td><td>Instagram Followers Real</td><td>$1.20</td><td>10</td><td>{two_64}</td></tr>
<tr><td>2</td><td>Instagram Likes Fast</td><td>$0.90</td><td>5000</td><td>100</td></tr>
<tr><td>3</td><td>Instagram Views HQ</td><td>${digits}</td><td>10</td><td>1000</td></tr>
<tr><td>4</td><td>Instagram Story Views</td><td>$0.05</td><td>100</td><td>100000</td></tr>
</table></body></html>""".replace("{digits}", "9" * 400).replace("{two_64}", str(2**64))


def test_a_hostile_catalogue_is_extracted_sane_and_written_without_a_crash(tmp_path):
    facts = extract_limited(HOSTILE_TABLE, "http://hostile.example/services", role="services")
    by_id = {o.service_id: o for o in facts.offers}
    assert set(by_id) == {"1", "2", "4"}  # the infinite price is not an offer...
    assert any("not finite" in e for e in facts.errors)  # ...and the page says so
    assert by_id["1"].max is None and by_id["1"].flags == ["max_too_large:18446744073709551616"]
    assert by_id["2"].flags == ["min_above_max"]
    assert by_id["4"].flags == []

    db = f"sqlite:///{tmp_path / 'atlas.db'}"
    engine, sessions = open_db(db)
    writer = AtlasWriter(sessions, None, run_id=None)
    writer.add_page(
        PageItem(domain="hostile.example", url=facts.url, status=200,
                 headers=[("Content-Type", "text/html")], body=HOSTILE_TABLE.encode(),
                 fetched_at=NOW, rendered=False, facts=facts)
    )  # fmt: skip
    writer.add_portal(
        PortalItem(domain="hostile.example", url="http://hostile.example/", status="active",
                   kind="panel", software=None, software_evidence=[], reasons=[],
                   pages=1, rendered_pages=0, offers=3, errors=facts.errors)
    )  # fmt: skip
    writer.close()
    with sessions() as s:
        rows = {r.service_id: r for r in s.execute(select(OfferRow)).scalars()}
        assert rows["1"].flags == ["max_too_large:18446744073709551616"] and rows["1"].max is None
        assert rows["2"].flags == ["min_above_max"] and rows["4"].flags is None
        assert s.execute(select(PortalCrawl)).first() is None  # run_id None: no crawl row
    engine.dispose()

    out = run_cli("export", "--format", "json", "--db", db)
    assert out.returncode == 0, out.stderr[-2000:]

    def refuse(constant):
        raise AssertionError(f"not strict JSON: {constant}")

    data = json.loads(out.stdout, parse_constant=refuse)
    offers = data["portals"][0]["offers"]
    assert sorted(o["service_id"] for o in offers) == ["1", "2", "4"]


def test_an_older_atlas_holding_infinity_still_exports_strict_json():
    data = {"price": math.inf, "rows": [{"p": math.nan}, 1.5, [-math.inf]]}
    text = json.dumps(finite_json(data), allow_nan=False)
    assert json.loads(text) == {"price": None, "rows": [{"p": None}, 1.5, [None]]}


def test_table_and_key_value_rows_flag_a_sign_or_exponent_they_do_not_read():
    from extract.catalogue import extract_offers

    table = (
        "<table><tr><th>ID</th><th>Service</th><th>Rate per 1000</th><th>Min</th><th>Max</th></tr>"
        "<tr><td>1</td><td>Instagram Followers</td><td>$-5</td><td>10</td><td>100</td></tr>"
        "<tr><td>2</td><td>Instagram Likes</td><td>$1e308</td><td>10</td><td>100</td></tr>"
        "<tr><td>3</td><td>Instagram Views</td><td>$0.50</td><td>10</td><td>100</td></tr></table>"
    )
    flags = {o.service_id: o.flags for o in extract_offers(table, "https://p.example/services")}
    assert flags["1"] == ["price_text_unread:$-5"]
    assert flags["2"] == ["price_text_unread:$1e308"]
    assert flags["3"] == []
