"""The reach world's JavaScript apps and shop-software storefronts (sandbox/reach/apps.py,
shops.py): catalogues hidden from the plain HTML, reachable only the way each family allows,
and the public JSON of each shop listing exactly its truth packages."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from lxml import html as lh

from sandbox.build import build_web, write_epoch
from sandbox.catalogues import norm_name
from sandbox.reach import apps, shops

APP_HOSTS = {
    "spa_buttons": "www.clickboostapp.com",
    "json_fed": "www.instafamehub.in",
    "category_gated": "www.socialgatepanel.com",
    "next_manifest": "www.nextlevelsmm.io",
}


def _by_theme(sites):
    return {s.truth["theme"]: s for s in sites}


def _body(site, path: str) -> str:
    return site.files[site.routes[path]["file"]].decode("utf-8")


def _bodies(site, kind: str) -> list[str]:
    return [
        site.files[r["file"]].decode("utf-8")
        for r in site.routes.values()
        if kind in r["headers"]["Content-Type"] and r["file"] in site.files
    ]


def _visible_text(page: str) -> str:
    """Text a plain fetch shows (no scripts, no <select> of categories)."""
    doc = lh.fromstring(page)
    for el in doc.xpath("//script|//select|//noscript|//style"):
        el.drop_tree()
    return " ".join(doc.text_content().split())


@pytest.fixture(scope="module", params=[0, 1], ids=["early", "late"])
def epoch(request):
    return request.param


@pytest.fixture(scope="module")
def app_sites(epoch):
    return _by_theme(apps.sites(1, epoch))


@pytest.fixture(scope="module")
def shop_sites(epoch):
    return _by_theme(shops.sites(1, epoch))


def test_world_builds_with_apps_and_shops(tmp_path):
    build_web(tmp_path, seed=1, world="reach")
    for ep in ("early", "late"):
        man = json.loads((tmp_path / ep / "manifest.json").read_text("utf-8"))
        hosts = {e["host"]: e for e in man["sites"]}
        for host in [*APP_HOSTS.values(), "www.boostboutique.eu", "www.likesbazaar.in"]:
            truth = json.loads((tmp_path / ep / hosts[host]["truth"]).read_text("utf-8"))
            assert truth["offers"] and truth["payments"] and truth["contacts"]
            assert truth["js_rendered"] is (host in APP_HOSTS.values())
            assert truth["kind"] == ("panel" if host in APP_HOSTS.values() else "storefront")
            assert (tmp_path / ep / "sites" / host / "site.json").is_file()


def test_app_catalogue_not_in_plain_html_but_in_loaded_data(app_sites):
    assert set(app_sites) == set(APP_HOSTS)
    for theme, site in app_sites.items():
        assert site.host == APP_HOSTS[theme]
        names = {o["name"] for o in site.truth["offers"]}
        assert len(names) > 40
        shown = " ".join(_visible_text(p) for p in _bodies(site, "html"))
        leaked = [n for n in names if len(n) > 8 and n in shown]
        assert not leaked, (theme, leaked[:3])
        loaded = " ".join(
            norm_name(unescape(b.replace("<\\/", "</"))) for b in _bodies(site, "javascript")
        ) + " ".join(
            norm_name(s)
            for b in _bodies(site, "json")
            for s in re.findall(r'"((?:[^"\\]|\\.)*)"', b)
            for s in [json.loads(f'"{s}"')]
        )
        missing = [n for n in names if n not in loaded]
        assert not missing, (theme, missing[:3])


def test_button_app_links_its_catalogue_only_through_buttons(app_sites):
    site = app_sites["spa_buttons"]
    assert {o["url"] for o in site.truth["offers"]} == {"http://www.clickboostapp.com/rates"}
    for page in _bodies(site, "html") + _bodies(site, "javascript"):
        assert not re.search(r"<a\b[^>]*href=[\"']?/rates", page)
    bundle = next(p for p in site.routes if p.startswith("/static/js/main."))
    assert 'data-route=\\"/rates\\"' in _body(site, bundle)
    # any path answers the shell (client-side routes), the shell has no catalogue
    assert "/rates" not in site.routes and site.default["file"] == site.routes["/"]["file"]
    assert "<table" not in _body(site, "/")


def test_json_fed_api_lists_exactly_the_truth(app_sites):
    site = app_sites["json_fed"]
    api = json.loads(_body(site, "/api/v1/public/services"))
    assert api["currency"] == "INR" == site.truth["currencies"][0]
    got = {
        (str(s["id"]), norm_name(s["title"]), c["title"], s["price_per_k"], s["min_qty"])
        for c in api["data"]["categories"]
        for s in c["services"]
    }
    want = {
        (o["service_id"], o["name"], o["category"], o["price"], o["min"])
        for o in site.truth["offers"]
    }
    assert got == want
    assert '<a href="/services">' in _body(site, "/")
    assert "/api/v1/public/services" in _body(site, "/assets/js/catalog.js")


def test_gated_app_rows_are_empty_until_a_category_is_chosen(app_sites):
    site = app_sites["category_gated"]
    doc = lh.fromstring(_body(site, "/services"))
    assert doc.xpath("//tbody[@id='svc-body']/*") == []
    values = [v for v in doc.xpath("//select[@id='category']/option/@value") if v]
    assert len(values) >= 5
    seen: list[str] = []
    for v in values:
        items = json.loads(_body(site, f"/api/services?category={v}"))["items"]
        assert items, v
        seen += [i["service_id"] for i in items]
    assert sorted(seen) == sorted(o["service_id"] for o in site.truth["offers"])


def test_next_app_pricing_listed_only_in_build_manifest(app_sites):
    site = app_sites["next_manifest"]
    for page in _bodies(site, "html"):
        assert 'href="/pricing"' not in page
    build = json.loads(
        re.search(r'id="__NEXT_DATA__"[^>]*>(.*?)</script>', _body(site, "/")).group(1)
    )["buildId"]
    manifest = _body(site, f"/_next/static/{build}/_buildManifest.js")
    assert '"/pricing"' in manifest and f"/_next/static/{build}/_buildManifest.js" in _body(
        site, "/"
    )
    data = json.loads(_body(site, f"/_next/data/{build}/pricing.json"))
    ids = [str(s["serviceId"]) for g in data["pageProps"]["catalog"]["groups"] for s in g["items"]]
    assert sorted(ids) == sorted(o["service_id"] for o in site.truth["offers"])
    assert site.default["status"] == 404


def _k(text: str) -> int:
    """'2.5K Followers' -> 2500, '250 Followers' -> 250 (test's own reading)."""
    m = re.match(r"([\d.]+)(K?)\b", text)
    return round(float(m.group(1)) * (1000 if m.group(2) else 1))


def test_shopify_products_json_lists_exactly_the_truth_packages(shop_sites):
    site = shop_sites["shopify"]
    truth = {o["service_id"]: o for o in site.truth["offers"]}
    got = {}
    for p in json.loads(_body(site, "/products.json"))["products"]:
        js = {
            v["id"]: v for v in json.loads(_body(site, f"/products/{p['handle']}.js"))["variants"]
        }
        for v in p["variants"]:
            got[str(v["id"])] = (f"{p['title']} - {v['title']}", float(v["price"]), _k(v["title"]))
            assert js[v["id"]]["price"] == round(float(v["price"]) * 100)
            page = _body(site, f"/products/{p['handle']}")
            assert f'<option value="{v["id"]}"' in page
    assert got == {k: (o["name"], o["price"], o["per"]) for k, o in truth.items()}
    assert all(o["currency"] == "EUR" and o["min"] is None for o in truth.values())
    assert 'Shopify.currency = {"active": "EUR"' in _body(site, "/")
    assert "sitemap.xml" in _body(site, "/robots.txt")
    assert "<title" in _body(site, "/") and site.truth["payments"]


def test_woocommerce_store_api_lists_exactly_the_truth_packages(shop_sites):
    site = shop_sites["woocommerce"]
    got = {}
    for p in json.loads(_body(site, "/wp-json/wc/store/v1/products")):
        if p["type"] == "simple":
            items = [p]
        else:
            items = [
                json.loads(_body(site, f"/wp-json/wc/store/v1/products/{v['id']}"))
                for v in p["variations"]
            ]
        for it in items:
            pr = it["prices"]
            assert pr["currency_code"] == "INR"
            got[str(it["id"])] = (it["name"], int(pr["price"]) / 10 ** pr["currency_minor_unit"])
    truth = {o["service_id"]: (o["name"], o["price"]) for o in site.truth["offers"]}
    assert got == truth
    variable = [p for p in site.routes if p.startswith("/product/")]
    n_var = 0
    for path in variable:
        for form in lh.fromstring(_body(site, path)).xpath("//form[@data-product_variations]"):
            for v in json.loads(form.get("data-product_variations")):
                assert truth[str(v["variation_id"])][1] == v["display_price"]
                n_var += 1
    assert n_var == sum(1 for o in site.truth["offers"] if " - " in o["name"]) > 0


def test_landing_shop_shows_dot_thousands_k_quantities_and_list_prices(shop_sites):
    site = shop_sites["landing_tr"]
    doc = lh.fromstring(_body(site, "/"))
    titles = [t.text_content() for t in doc.xpath("//h3[@class='plan-title']")]
    assert titles == [o["name"] for o in site.truth["offers"]]
    assert any(re.match(r"\d+\.000 ", t) for t in titles)  # "5.000 Instagram Beğeni"
    assert any(re.match(r"\d+(\.\d)?K ", t) for t in titles)  # "10K Instagram Takipçi"
    assert doc.xpath("//div[@class='plan-price']/del")
    for o, t in zip(site.truth["offers"], titles, strict=True):
        q = t.split(" ")[0]
        assert o["per"] == (_k(q) if q.endswith("K") else int(q.replace(".", "")))
        assert o["currency"] == "TRY"
    iban = next(p["account"] for p in site.truth["payments"] if p["method"] == "bank_transfer")
    moved = iban[4:] + iban[:4]
    assert int("".join(str(int(c, 36)) for c in moved)) % 97 == 1
    spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    assert spaced in _body(site, "/odeme")


def test_gated_app_renders_rows_after_choosing_in_chromium(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    from sandbox.testing import running_sandbox

    write_epoch(tmp_path / "late", "late", 1, [(s, {}) for s in apps.sites(1, 1)])
    site = _by_theme(apps.sites(1, 1))["category_gated"]
    with running_sandbox(tmp_path) as srv, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            proxy={"server": f"http://127.0.0.1:{srv.port}"},
        )
        try:
            page = browser.new_page()
            page.goto(f"http://{site.host}/services")
            assert page.locator("#svc-body tr").count() == 0
            options = page.locator("#category option").evaluate_all(
                "os => os.map(o => o.value).filter(Boolean)"
            )
            ids = []
            for v in options:
                page.select_option("#category", v)
                page.wait_for_function("document.querySelectorAll('#svc-body tr').length > 0")
                ids += page.locator("#svc-body tr td:first-child").all_inner_texts()
            assert sorted(ids) == sorted(o["service_id"] for o in site.truth["offers"])
            # the button app reaches its catalogue by a click, not a link
            page.goto("http://www.clickboostapp.com/")
            page.click("button[data-route='/rates']")
            page.wait_for_selector("table.rates tbody tr")
            assert page.url.endswith("/rates")
        finally:
            browser.close()
