"""extract.portal: the site-level verdict from all fetched pages of one site."""

from __future__ import annotations

from test_signals import (
    AGENCY,
    API_V1_SMART,
    API_V2,
    CF_CHALLENGE,
    CF_HEADERS,
    DIRECTORY,
    NEWS,
    NORMAL_CF,
    PARKED,
    PERFECT_HOME,
    REACT_SHELL,
    SMART_SERVICES,
    WOO_SHOP,
)

from extract.model import PageSignals
from extract.portal import PageVerdictInput, Verdict, portal_verdict
from extract.signals import page_signals

SITE = "https://site.example"


def page(
    html: str, path: str = "/", status: int = 200, headers: dict | None = None, **counts
) -> PageVerdictInput:
    url = SITE + path
    return PageVerdictInput(url, status, page_signals(html, url, status, headers), **counts)


def test_panel_with_public_services():
    v = portal_verdict(
        [
            page(PERFECT_HOME),
            page(SMART_SERVICES, "/services", offers=5, rate_offers=5, with_minmax=5),
            page(API_V2, "/api"),
        ]
    )
    assert isinstance(v, Verdict)
    assert (v.status, v.kind) == ("active", "panel")
    assert v.score >= 0.9
    text = " | ".join(v.reasons)
    assert "5 offers on https://site.example/services" in text
    assert "API v2" in text and "5 per-unit rate rows, 5 with min/max" in text


def test_panel_with_hidden_catalogue_but_api_docs():
    v = portal_verdict([page(PERFECT_HOME), page(API_V2, "/api")])
    assert (v.status, v.kind) == ("active", "panel")
    assert any("panel API v2 documented" in r for r in v.reasons)


def test_smartpanel_api_docs_alone_are_not_enough():
    # an API description without anything else that sells is no proof of a portal
    v = portal_verdict([page(NORMAL_CF), page(API_V1_SMART, "/api/docs")])
    assert v.status == "not_a_portal"


def test_storefront_with_packages():
    v = portal_verdict(
        [
            page(WOO_SHOP, "/shop/", offers=3, package_offers=3, payments=2),
            page(NORMAL_CF, "/blog/fast"),
        ]
    )
    assert (v.status, v.kind) == ("active", "storefront")
    assert any("3 fixed packages" in r for r in v.reasons)
    assert any("2 payment methods" in r for r in v.reasons)


def test_blocked_when_every_page_is_a_challenge():
    v = portal_verdict(
        [page(CF_CHALLENGE, "/", 503, CF_HEADERS), page(CF_CHALLENGE, "/services", 503, CF_HEADERS)]
    )
    assert (v.status, v.kind) == ("blocked", None)
    assert "challenge at https://site.example/ (HTTP 503)" in v.reasons[0]


def test_a_challenge_on_one_page_does_not_block_a_site_with_content():
    v = portal_verdict(
        [
            page(PERFECT_HOME),
            page(CF_CHALLENGE, "/api", 503, CF_HEADERS),
            page(SMART_SERVICES, "/services", offers=5, rate_offers=5),
        ]
    )
    assert v.status == "active"


def test_parked_entry_page():
    v = portal_verdict([page(PARKED), page(PARKED, "/buy-domain?d=x")])
    assert (v.status, v.kind) == ("parked", None)
    # the entry is marked explicitly when it is not first
    v = portal_verdict(
        [
            page(SMART_SERVICES, "/services", offers=5, rate_offers=5),
            page(PARKED, "/", entry=True),
        ]
    )
    assert v.status == "parked"


def test_news_article_is_not_a_portal_even_with_a_stray_offer():
    v = portal_verdict([page(NEWS, "/news/bust", offers=1, package_offers=1)])
    assert (v.status, v.kind) == ("not_a_portal", None)
    assert any("no page reads like an engagement seller" in r for r in v.reasons)


def test_agency_is_another_business():
    v = portal_verdict([page(AGENCY, prices=3), page(NORMAL_CF, "/blog")])
    assert (v.status, v.kind) == ("not_a_portal", "other")


def test_directory_of_panels_is_not_a_portal():
    v = portal_verdict([page(DIRECTORY), page(NORMAL_CF, "/about")])
    assert (v.status, v.kind) == ("not_a_portal", None)
    assert v.score < 0.3


def test_unrendered_shell_alone_is_not_a_portal_but_rendered_offers_are():
    assert portal_verdict([page(REACT_SHELL)]).status == "not_a_portal"
    v = portal_verdict([page(REACT_SHELL), page(WOO_SHOP, "/", offers=4, package_offers=4)])
    assert (v.status, v.kind) == ("active", "storefront")


def test_error_pages_and_nothing():
    v = portal_verdict([PageVerdictInput(SITE + "/", 500, PageSignals())])
    assert v.status == "not_a_portal" and "HTTP [500]" in v.reasons[0]
    assert portal_verdict([]).status == "not_a_portal"


def test_from_facts_counts_offer_kinds():
    from extract.model import Offer, PageFacts, Payment

    facts = PageFacts(
        url=SITE + "/services",
        offers=[
            Offer("IG followers", 1.2, "USD", 1000, "instagram", "followers", min=10, max=500),
            Offer("IG likes", 0.3, "USD", 1000, "instagram", "likes"),
            Offer("1000 TikTok views", 2.0, "USD", 1000, "tiktok", "views", kind="package"),
        ],
        payments=[Payment("paypal"), Payment("paypal", "a@b.example"), Payment("upi")],
        signals=page_signals(AGENCY, SITE + "/services"),
    )
    got = PageVerdictInput.from_facts(facts, 200)
    assert (got.offers, got.rate_offers, got.package_offers, got.with_minmax) == (3, 2, 1, 1)
    assert got.payments == 2
    assert got.prices == 3  # $299, $599, $1,499 of the agency text, counted at extraction


def test_refused_everywhere_is_a_ban():
    forbidden = (
        "<html><head><title>403 Forbidden</title></head>"
        "<body><h1>403 Forbidden</h1><hr>nginx</body></html>"
    )
    v = portal_verdict([page(forbidden, "/", 403), page(forbidden, "/services", 403)])
    assert (v.status, v.kind) == ("blocked", None)
    # a site that is down is not "blocked"
    down = [page("<html><body>Bad gateway</body></html>", "/", 502)]
    assert portal_verdict(down).status == "not_a_portal"


def test_panel_structure_without_catalogue_or_api():
    v = portal_verdict([page(PERFECT_HOME), page(PERFECT_HOME, "/signup")])
    assert (v.status, v.kind) == ("active", "panel")
    assert any("clear panel structure" in r for r in v.reasons)
    # one panel-like page alone is not enough
    assert portal_verdict([page(PERFECT_HOME)]).status == "not_a_portal"
