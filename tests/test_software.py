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


# -- real families, several versions (snippets written from the public scripts' templates) --

SMARTPANEL_40_PERGO = """<!doctype html><html lang="en"><head>
<meta name="description" content="SmartPanel - #1 SMM Reseller Panel - Best SMM Panel
 for Resellers.">
<title>Boost Hub</title>
<link href="https://boosthub.example/assets/css/core.css" rel="stylesheet">
<link href="https://boosthub.example/themes/pergo/assets/css/theme_style.css" rel="stylesheet">
<script type="text/javascript">
  var token = 'a1b2c3', PATH = 'https://boosthub.example/', BASE = 'https://boosthub.example/';
</script></head><body><div id="page-overlay"></div>
<form class="form actionFormWithoutToast" action="https://boosthub.example/client/subscriber"></form>
</body></html>"""

SMARTPANEL_4X_REGULAR = """<html><head><title>Fast Likes</title>
<link href="/themes/regular/assets/css/theme_style.css" rel="stylesheet"></head><body>
<select class="footer-lang-selector ajaxChangeLanguage" name="ids"
 data-url="https://fastlikes.example/set-language" data-redirect="https://fastlikes.example/">
<option value="x1">English</option></select>
<div class="col-12">Copyright &copy; 2022 - SmartPanel</div>
<script src="/themes/regular/assets/js/theme.js"></script></body></html>"""

SMARTPANEL_MONOKA_SERVICES = """<html><head>
<link rel="stylesheet" href="/themes/monoka/assets/css/monoka.css"></head><body>
<select class="footer-lang-selector ajaxChangeLanguage" name="ids"
 data-url="/language/set_language/" data-redirect="/"></select>
<table class="table table-hover table-bordered table-vcenter card-table"><tr class="tr_12">
<td class="text-center w-10p text-muted">12</td><td><div class="title">IG Likes</div></td>
<td class="text-center w-5p"><div>0.50</div></td><td>100 / 20000</td></tr></table>
</body></html>"""

PERFECT_PANEL_THEME_2 = """<html><head>
<script type="text/javascript" src="https://cdn.mypanel.link/global/k3j2h1g0f9e8d7c6.js"></script>
<script type="text/javascript">
window.modules.layouts = {"theme_id":4,"auth":0,"live":true};</script>
</head><body><div data-filter-table-wrapper>
<table class="table"><tbody>
<tr class="services-list-category-title" data-filter-table-category-id="12">
<td colspan="7">TikTok</td></tr>
<tr data-filter-table-category-id="12"><td data-filter-table-service-id="881">881</td>
<td>TikTok Views</td><td>0.02</td></tr></tbody></table></div></body></html>"""

PERFECT_PANEL_CLONE = """<html><body><span data-filter-active-category>All</span>
<table><tbody id="service-tbody"><tr data-filter-table-category-id="3">
<td data-label="ID" data-filter-table-service-id="1401">1401</td>
<td data-label="Service">Instagram Followers</td></tr></tbody></table></body></html>"""

CMSNT_PANEL = """<html><head><meta name="generator" content="LIKEVN.EXAMPLE">
<script>window.USER_CURRENCY = {"currency_code":"VND","new_currecry_rate":1};
window.DEFAULT_CURRENCY = {"currency_code":"VND"};</script></head><body>
<footer class="footer"><span class="text-muted"> Copyright &copy; <span id="year"></span>
<a href="javascript:void(0);">LIKEVN.EXAMPLE</a>. Developed by
<a href="https://www.cmsnt.co/?utm=smmpanelv3&domain=likevn.example"><span>CMSNT.CO LTD</span></a>
</span></footer></body></html>"""


def test_smartpanel_versions_are_recognised():
    cases = (SMARTPANEL_40_PERGO, SMARTPANEL_4X_REGULAR, SMARTPANEL_MONOKA_SERVICES)
    for html in cases:
        hints = detect_software(html, "https://panel.example/")
        assert names(hints)[:1] == ["smartpanel"], hints
        assert portal_software(hints) == "smartpanel"
    ev = detect_software(SMARTPANEL_40_PERGO, "https://panel.example/")[0].evidence
    assert "SmartPanel head vars token/PATH/BASE" in ev
    assert "default SmartPanel title/description" in ev


def test_perfect_panel_themes_and_clones():
    for html in (PERFECT_PANEL_THEME_2, PERFECT_PANEL_CLONE):
        hints = detect_software(html, "https://panel.example/services")
        assert names(hints) == ["perfectpanel"], hints
        assert portal_software(hints) == "perfectpanel"
    ev = detect_software(PERFECT_PANEL_THEME_2, "https://panel.example/")[0].evidence
    assert "window.modules.layouts theme_id" in ev


def test_cmsnt_laravel_panel():
    hints = detect_software(CMSNT_PANEL, "https://likevn.example/")
    assert names(hints) == ["cmsnt"]
    assert portal_software(hints) == "cmsnt"


def test_wordpress_blog_and_generic_codeigniter_site_are_not_panels():
    blog = """<html><head><meta name="generator" content="WordPress 6.4">
    <link rel="stylesheet" href="https://blog.example/wp-content/themes/regular/assets/css/theme_style.css">
    <script src="https://blog.example/wp-content/themes/astra/assets/js/theme.js"></script>
    </head><body><article><h1>How I grew my Instagram</h1>
    <form class="search-form" action="/"></form></article></body></html>"""
    hints = detect_software(blog, "https://blog.example/")
    assert names(hints) == ["wordpress"]
    assert portal_software(hints) is None
    ci = """<html><head><title>City Library</title>
    <link href="/assets/css/style.css" rel="stylesheet"></head><body>
    <a href="/auth/login">Login</a><a href="/auth/signup">Sign up</a>
    <table class="table"><tr><td>1</td><td>Opening hours</td></tr></table></body></html>"""
    headers = {"Set-Cookie": "ci_session=abc; path=/; HttpOnly"}
    hints = detect_software(ci, "https://library.example/", headers)
    assert portal_software(hints) is None
    assert all(h.weight < 1.0 for h in hints)
