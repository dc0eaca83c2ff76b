"""The reach world's server-rendered panel families (sandbox/reach/panels.py): each family shows
what it promises, and its truth is what the pages show. No crawling, no network."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlsplit

import lxml.html
import phonenumbers
import pytest

from sandbox.build import build_web
from sandbox.reach import panels

METHODS = set(
    "paypal stripe card razorpay paytm upi phonepe google_pay instamojo cashfree payumoney "
    "ccavenue perfect_money payeer webmoney skrill payoneer wise coinbase coinpayments cryptomus "
    "binance_pay nowpayments plisio bitcoin ethereum usdt litecoin bank_transfer jazzcash "
    "easypaisa flutterwave paystack mercadopago qiwi yoomoney other".split()
)
COUNTRY = {"id": "ID", "vn": "VN", "tr": "TR", "br": "BR", "ru": "RU"}


@pytest.fixture(scope="module")
def late():
    return {s.host: s for s in panels.sites(1, 1)}


def by_theme(sites, theme):
    return [s for s in sites.values() if s.truth["theme"] == theme]


def html_of(site, path):
    return site.files[site.routes[path]["file"]].decode("utf-8")


def html_pages(site):
    for path, r in site.routes.items():
        if r["headers"]["Content-Type"].startswith("text/html") and r["status"] == 200:
            yield path, html_of(site, path)


def same_site_hrefs(site, html):
    doc = lxml.html.fromstring(html)
    out = set()
    for h in doc.xpath("//a/@href"):
        u = urlsplit(h)
        if u.scheme in ("", "http") and u.netloc in ("", site.host):
            out.add(u.path + (f"?{u.query}" if u.query else ""))
    return out


def text_of(html):
    return " ".join(lxml.html.fromstring(html).text_content().split())


def test_reach_world_builds_fast_with_every_panel(tmp_path, monkeypatch):
    from sandbox.reach import apps, shops

    # only this module's families: the app and shop families have their own tests
    monkeypatch.setattr(apps, "sites", lambda seed, epoch: [], raising=False)
    monkeypatch.setattr(shops, "sites", lambda seed, epoch: [], raising=False)
    t0 = time.monotonic()
    build_web(tmp_path, seed=1, world="reach")
    assert time.monotonic() - t0 < 10
    for epoch in ("early", "late"):
        man = json.loads((tmp_path / epoch / "manifest.json").read_text("utf-8"))
        hosts = {e["host"] for e in man["sites"]}
        assert {p["host"] for p in panels.spec()["panel"]} <= hosts
        site = json.loads((tmp_path / epoch / "sites/tokofollowku.id/site.json").read_text())
        assert site["routes"]["/"]["status"] == 302
        truth = json.loads((tmp_path / epoch / "truth/panelmurahkita.id.json").read_text())
        assert truth["offers"] and truth["currencies"] == ["IDR"]


def test_families_and_languages(late):
    themes = {s.truth["theme"] for s in late.values()}
    assert len(themes) >= 8
    langs = {
        s.truth["theme"].rsplit("_", 1)[-1] for s in late.values() if "local" in s.truth["theme"]
    }
    assert {"id", "vi", "tr", "BR", "ru"} <= langs


def test_walled_panels_redirect_and_hide_or_link_the_catalogue(late):
    hidden, linked = late["tokofollowku.id"], late["smmgatehub.net"]
    for site, login in ((hidden, "/auth/login"), (linked, "/signin")):
        assert site.routes["/"]["status"] == 302
        assert site.routes["/"]["headers"]["Location"] == login
        assert site.routes[login]["status"] == 200
        assert all(o["url"].endswith("/services") for o in site.truth["offers"])
        assert site.truth["payments"] == []  # the funds page is behind the login
    login_links = same_site_hrefs(hidden, html_of(hidden, "/auth/login"))
    assert login_links == {"/", "/auth/signup", "/syarat-ketentuan"}
    for _, html in html_pages(hidden):
        assert "/services" not in same_site_hrefs(hidden, html)
    assert "/services" in same_site_hrefs(linked, html_of(linked, "/signin"))


def test_sitemap_only_catalogue(late):
    site = late["www.boostlistpanel.com"]
    robots = html_of(site, "/robots.txt")
    assert site.routes["/robots.txt"]["headers"]["Content-Type"].startswith("text/plain")
    index = re.search(r"Sitemap: (\S+)", robots).group(1)
    idx = html_of(site, urlsplit(index).path)
    subs = [urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", idx)]
    assert len(subs) == 2
    listed = set()
    for sub in subs:
        assert site.routes[sub]["headers"]["Content-Type"] == "application/xml"
        listed |= {urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", html_of(site, sub))}
    svc = urlsplit(site.truth["offers"][0]["url"]).path
    assert svc in listed
    for _, html in html_pages(site):
        assert svc not in same_site_hrefs(site, html)


def test_smartpanel4_cards_minmax_cell_and_pages(late):
    site = late["smartgrowpanel.net"]
    assert site.truth["software"] == "smartpanel"
    urls = {o["url"] for o in site.truth["offers"]}
    assert len(urls) >= 2  # paginated
    first = html_of(site, "/services")
    for url in urls:
        assert urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "") in (
            same_site_hrefs(site, first)
        )
    for o in site.truth["offers"]:
        u = urlsplit(o["url"])
        doc = lxml.html.fromstring(html_of(site, u.path + (f"?{u.query}" if u.query else "")))
        (tr,) = doc.xpath(f'//tr[@class="tr_{o["service_id"]}"]')
        cells = [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        assert cells[3] == f"{o['min']} / {o['max']}"
        assert float(cells[2].replace(",", "")) == pytest.approx(o["price"])


# the test's own formatting of a local price (not the generator's)
def local_price(price: float, cur: str) -> str:
    if cur in ("IDR", "VND"):
        n = f"{int(price):,}".replace(",", ".")
    else:
        places = 2 if price >= 0.01 else 4
        n = f"{price:,.{places}f}".replace(",", "_").replace(".", ",")
        n = n.replace("_", "\u00a0" if cur == "RUB" else ".")
    return {
        "IDR": f"Rp {n}",
        "VND": f"{n} ₫",
        "TRY": f"{n} ₺",
        "BRL": f"R$ {n}",
        "RUB": f"{n}\u00a0₽",
    }[cur]


ENGLISH = {"service", "services", "rate", "price", "order", "description", "name", "per"}


def test_local_panels_native_headers_money_and_quantities(late):
    sites = [s for s in late.values() if "local" in s.truth["theme"]]
    assert len(sites) == 5
    for site in sites:
        cur = site.truth["currencies"][0]
        pages = {
            urlsplit(o["url"]).path
            + (f"?{urlsplit(o['url']).query}" if urlsplit(o["url"]).query else "")
            for o in site.truth["offers"]
        }
        rows = {}
        for path in pages:
            doc = lxml.html.fromstring(html_of(site, path))
            words = {
                w.lower() for th in doc.xpath("//th") for w in re.findall(r"\w+", th.text_content())
            }
            assert not words & ENGLISH, (site.host, words & ENGLISH)
            for tr in doc.xpath("//tbody/tr"):
                tds = [td.text_content() for td in tr.xpath("./td")]
                rows[tds[0]] = tds
        thousands = "\u00a0" if cur == "RUB" else "."
        for o in site.truth["offers"]:
            tds = rows[o["service_id"]]
            assert tds[2] == local_price(o["price"], cur), (site.host, tds[2], o["price"])
            assert tds[3] == f"{o['min']:,}".replace(",", thousands)
            assert tds[4] == f"{o['max']:,}".replace(",", thousands)
    # dot thousands really occur (prices >= 1000 in IDR/VND, quantities >= 1000 everywhere)
    idr = late["panelmurahkita.id"].truth["offers"]
    assert any(o["price"] >= 1000 for o in idr)
    assert late["panelmurahkita.id"].routes.get("/layanan?page_no=2")


def test_walled_indonesian_prices_per_k(late):
    site = late["tokofollowku.id"]
    text = text_of(html_of(site, "/services"))
    for o in site.truth["offers"]:
        assert o["per"] == 1000 and o["currency"] == "IDR"
        assert "Rp." + f"{int(o['price']):,}".replace(",", ".") + "/K" in text


def mod97_ok(iban: str) -> bool:
    s = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in s)) % 97 == 1


def test_payment_pages_in_their_language_with_accounts(late):
    tr = late["takipcipanelim.com.tr"]
    ibans = [p["account"] for p in tr.truth["payments"] if p["method"] == "bank_transfer"]
    assert len(ibans) == 2
    page = text_of(html_of(tr, "/bakiye-yukle"))
    assert "Banka Havalesi" in page and "Bakiye Yükle" in page
    for ib in ibans:
        assert ib.startswith("TR") and len(ib) == 26 and mod97_ok(ib)
        assert " ".join(ib[i : i + 4] for i in range(0, 26, 4)) in page
    words = {
        "panelmurahkita.id": "Transfer Bank",
        "tangfollowvip.vn": "Chuyển khoản",
        "nakrutkapanel.ru": "Пополнение баланса",
        "painelseguidoresbr.com.br": "PIX",
    }
    for host, word in words.items():
        site = late[host]
        funds = [p for p, h in html_pages(site) if word in h]
        assert funds, host
        digits = re.sub(r"\D", "", " ".join(text_of(h) for _, h in html_pages(site)))
        for p in site.truth["payments"]:
            assert p["method"] in METHODS
            acct = p["account"]
            if acct and acct.startswith("+"):  # a wallet keyed by a local phone number
                nsn = str(phonenumbers.parse(acct).national_number)
                assert ("0" + nsn) in digits or ("8" + nsn) in digits, (host, acct)
                assert acct not in " ".join(h for _, h in html_pages(site))
            elif acct and acct[0].isdigit():
                assert acct in digits, (host, acct)


def test_local_contacts_e164_shown_without_country_code(late):
    for site in late.values():
        if "local" not in site.truth["theme"]:
            continue
        region = COUNTRY[site.domain.rsplit(".", 1)[-1]]
        pages = " ".join(h for _, h in html_pages(site))
        digits = re.sub(r"\D", "", " ".join(text_of(h) for _, h in html_pages(site)))
        kinds = {c["kind"] for c in site.truth["contacts"]}
        assert {"phone", "whatsapp", "telegram", "email"} <= kinds
        for c in site.truth["contacts"]:
            if c["kind"] in ("phone", "whatsapp"):
                num = phonenumbers.parse(c["value"])
                assert phonenumbers.is_valid_number(num)
                assert phonenumbers.region_code_for_number(num) == region
                assert c["value"] not in text_of(pages)  # never printed with its country code
                nsn = str(num.national_number)
                assert ("0" + nsn) in digits or ("8" + nsn) in digits or nsn in digits
                if c["kind"] == "whatsapp":
                    assert f"wa.me/{c['value'][1:]}" in pages
            else:
                assert c["value"] in pages


def test_quirks_panel(late):
    site = late["quirkysmmdeals.com"]
    html = html_of(site, "/services")
    doc = lxml.html.fromstring(html)
    assert [th.text_content() for th in doc.xpath("//th")][2] == "Price per 100"
    struck = 0
    for tr in doc.xpath("//tbody/tr"):
        sid = tr.xpath("./td")[0].text_content()
        (o,) = [o for o in site.truth["offers"] if o["service_id"] == sid]
        assert o["per"] == 100
        sale = tr.xpath('.//span[@class="sale-price"]')
        price_text = (sale[0] if sale else tr.xpath("./td")[2]).text_content()
        assert float(price_text.strip("$").replace(",", "")) == pytest.approx(o["price"])
        if sale:
            struck += 1
            old = float(tr.xpath(".//del")[0].text_content().strip("$").replace(",", ""))
            assert old > o["price"]
        assert tr.xpath("./td")[3].text_content() == f"{o['min']:,} - {o['max']:,}"
    assert struck >= 5
    footer = html_of(site, "/")
    assert "<title>Skrill</title>" in footer and 'aria-label="Payoneer"' in footer
    assert 'alt="Bitcoin"' in footer and 'class="ti-credit-card"' in footer
    methods = {p["method"] for p in site.truth["payments"]}
    assert {"skrill", "payoneer", "bitcoin", "perfect_money"} <= methods and "card" not in methods
    (pm,) = [p["account"] for p in site.truth["payments"] if p["method"] == "perfect_money"]
    assert re.fullmatch(r"U\d{8}", pm) and pm in html_of(site, "/addfunds")
    noise = site.truth["noise"]
    assert "sales@panelforge-scripts.com" in noise and "Script by" in footer
    values = {c["value"] for c in site.truth["contacts"]}
    assert not values & set(noise)


def test_card_panel_badge_is_not_the_name(late):
    site = late["badgecardsmm.com"]
    doc = lxml.html.fromstring(html_of(site, "/services"))
    cards = doc.xpath('//div[@class="service-card"]')
    assert len(cards) == len(site.truth["offers"])
    by_id = {o["service_id"]: o for o in site.truth["offers"]}
    for card in cards:
        o = by_id[card.get("data-id")]
        badge = card.xpath('.//span[contains(@class,"badge")]')[0].text_content()
        title = " ".join(card.xpath('.//h4[@class="service-title"]')[0].text_content().split())
        assert title == o["name"] != badge
        assert card.xpath('.//div[@class="service-price"]')[0].text_content().endswith("/K")


def test_every_lead_in_truth_is_shown_and_epochs_differ(late):
    early = {s.host: s for s in panels.sites(1, 0)}
    assert set(early) == set(late)
    changed = 0
    for host, site in late.items():
        pages = " ".join(h for _, h in html_pages(site))
        for p in site.truth["payments"]:
            assert p["method"] in METHODS
        for i in site.truth["identifiers"]:
            if i["kind"] != "favicon_mmh3":
                assert i["value"] in pages, (host, i)
        for c in site.truth["contacts"]:
            if c["kind"] in ("email", "telegram"):
                assert c["value"] in pages, (host, c)
            else:
                assert f"wa.me/{c['value'][1:]}" in pages or c["kind"] == "phone", (host, c)
        e = {o["service_id"]: o["price"] for o in early[host].truth["offers"]}
        changed += any(
            e.get(o["service_id"]) not in (None, o["price"]) for o in site.truth["offers"]
        )
    assert changed >= 3
