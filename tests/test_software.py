"""Software fingerprints: panel families from markup/headers, weak markers adding up."""

from __future__ import annotations

from extract.software import api_variant, detect_software, portal_software

PERFECT_PANEL = """<html><head><link href="https://cdn.mypanel.link/abc/theme.css" rel="stylesheet">
</head><body><table class="table" id="service-table"><thead><tr><th>ID</th><th>Service</th>
<th>Rate per 1000</th><th>Min order</th><th>Max order</th>
<th>Average time <span data-toggle="tooltip" title="The average time is based on 10 latest
completed orders per 1000 quantity">?</span></th><th>Description</th></tr></thead>
<tr data-filter-table-category-id="3"><td data-filter-table-service-id="344">344</td>
<td class="service-name">Instagram Likes</td><td>1.20</td></tr></table>
<script>window.modules = {"layouts": {}};</script></body></html>"""

SMART_PANEL = """<html><body><table id="services-table"><thead><tr><th>ID</th><th>Name</th>
<th>Category</th><th>Rate per 1000($)</th><th>Min / Max order</th><th>Description</th></tr></thead>
<tr><td>12</td><td>IG followers</td><td>Instagram</td><td>0.90</td><td>20 / 25000</td></tr></table>
<footer><a href="/api/docs">API</a> &copy; 2024 Insta Boost. Powered by SmartPanel</footer>
</body></html>"""


def names(hints):
    return [h.name for h in hints]


def test_perfect_panel_markup():
    hints = detect_software(PERFECT_PANEL, "https://panel.example/services")
    assert names(hints) == ["perfectpanel"]
    pp = hints[0]
    assert pp.weight >= 3.0
    for label in (
        "table#service-table",
        "cdn.mypanel.link",
        "average-time tooltip",
        "window.modules",
    ):
        assert label in pp.evidence
    assert portal_software(hints) == "perfectpanel"


def test_smart_panel_markup_and_ci_session_cookie():
    headers = {
        "Set-Cookie": "ci_session=9f8e7d; expires=Thu, 01 Jan 2026 00:00:00 GMT; path=/; HttpOnly"
    }
    hints = detect_software(SMART_PANEL, "https://smm.example/services", headers)
    assert names(hints) == ["smartpanel"]
    assert "CodeIgniter ci_session cookie" in hints[0].evidence
    assert "'Powered by SmartPanel' footer" in hints[0].evidence
    assert portal_software(hints) == "smartpanel"


def test_single_weak_marker_is_a_hint_but_not_a_verdict():
    html = '<table id="service-table"><tr><td>1</td></tr></table>'
    hints = detect_software(html, "https://x.example/services")
    assert [(h.name, h.weight) for h in hints] == [("perfectpanel", 0.6)]
    assert portal_software(hints) is None
    # distinct markers spread over pages add up when the caller pools the hints ...
    more = detect_software("<script>window.modules = {};</script>", "https://x.example/")
    assert portal_software(hints + more) == "perfectpanel"
    # ... but one weak marker repeated on every page stays one piece of evidence
    assert portal_software(hints * 20) is None


def test_brand_names_are_not_smartpanel_markers():
    html = (
        "<title>IndianSmartPanel</title><footer>&copy; 2024 IndianSmartPanel - Smart Panel</footer>"
    )
    assert detect_software(html, "https://indiansmartpanel.example/") == []


def test_wordpress_and_woocommerce_storefront():
    html = """<html><head><meta name="generator" content="WordPress 6.5.2">
    <meta name="generator" content="WooCommerce 8.9.1">
    <link rel="stylesheet" href="/wp-content/plugins/woocommerce/assets/css/woocommerce.css">
    </head><body class="woocommerce-page">
    <a href="?add-to-cart=41" class="add_to_cart_button">Buy</a>
    </body></html>"""
    hints = detect_software(html, "https://followers.example/")
    assert set(names(hints)) == {"wordpress", "woocommerce"}
    assert all(h.weight >= 1.0 for h in hints)
    assert portal_software(hints) is None  # a platform, not panel software


def test_plain_page_has_no_hints():
    html = "<html><body><h1>Buy followers</h1><table><tr><td>1000</td><td>$3</td></tr></table>"
    assert detect_software(html, "https://shop.example/", {"Server": "nginx"}) == []
    assert detect_software("", "https://shop.example/") == []


def test_api_variant():
    assert api_variant("<p>API URL: https://panel.example/api/v2</p>") == "v2"
    assert api_variant("<code>POST /api/v1</code> key, action=services") == "v1"
    assert api_variant("<p>no api here</p>") is None
