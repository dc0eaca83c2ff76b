"""extract.links: same-site links, roles from path and anchor text, crawl order, traps."""

from __future__ import annotations

from test_signals import PERFECT_HOME, SMART_SERVICES, WOO_SHOP

from extract.links import find_links, is_trap, link_role


def roles(html: str, url: str) -> dict[str, str]:
    return {link.url: link.role for link in find_links(html, url)}


def test_perfect_panel_home_roles_and_priority():
    links = find_links(PERFECT_HOME, "https://fastsmm.example/")
    got = {link.url: link.role for link in links}
    assert got["https://fastsmm.example/services"] == "services"
    assert got["https://fastsmm.example/api"] == "api"
    assert got["https://fastsmm.example/signup"] == "signup"
    assert got["https://fastsmm.example/faq"] == "faq"
    assert got["https://fastsmm.example/terms"] == "terms"
    assert got["https://fastsmm.example/blog"] == "blog"
    # the page itself and other sites are not returned
    assert "https://fastsmm.example/" not in got
    assert not any("twitter.com" in u for u in got)
    assert links[0].url == "https://fastsmm.example/services"
    assert links[0].text == "Services"
    assert [link.url for link in links].index("https://fastsmm.example/api") < [
        link.url for link in links
    ].index("https://fastsmm.example/terms")


def test_smartpanel_pagination_and_row_buttons():
    links = find_links(SMART_SERVICES, "https://peakpanel.example/services")
    got = {link.url: link.role for link in links}
    assert got["https://peakpanel.example/services?page=2"] == "next_page"
    assert got["https://peakpanel.example/services?page=3"] == "next_page"
    assert got["https://peakpanel.example/api/docs"] == "api"
    assert got["https://peakpanel.example/auth/signup"] == "signup"
    # one "Buy" button per table row is not five product pages
    orders = [u for u in got if "/order/add" in u]
    assert len(orders) == 5 and all(got[u] == "other" for u in orders)
    order = [link.url for link in links]
    assert order.index("https://peakpanel.example/services?page=2") < order.index(orders[0])
    assert not any(u.startswith("mailto:") for u in got)


def test_woocommerce_shop():
    links = find_links(WOO_SHOP, "https://likesy.in/shop/")
    got = {link.url: link.role for link in links}
    assert got["https://likesy.in/product/1000-instagram-followers/"] == "pricing"
    assert got["https://likesy.in/product-category/instagram/"] == "pricing"
    assert got["https://likesy.in/shop/page/2/"] == "next_page"
    assert got["https://likesy.in/contact-us/"] == "contact"
    assert got["https://likesy.in/refund-policy/"] == "terms"
    # add-to-cart actions and faceted filters are traps: kept as "other", sorted last
    cart = "https://likesy.in/shop/?add-to-cart=41"
    facet = "https://likesy.in/shop/?orderby=price&filter_color=red&min_price=10"
    assert got[cart] == "other" and got[facet] == "other"
    tail = [link.url for link in links][-4:]
    assert cart in tail and facet in tail


def test_same_site_only_and_cleaning():
    html = """<html><body>
    <a href="https://www.panel.co.in/services#top">Services</a>
    <a href="http://shop.panel.co.in/buy-instagram-followers">IG</a>
    <a href="https://other.co.in/services">Other site</a>
    <a href="//cdn.other.com/x">cdn</a>
    <a href="mailto:help@panel.co.in">mail</a> <a href="tel:+911234567890">call</a>
    <a href="javascript:void(0)">menu</a> <a href="#pricing">jump</a>
    <a href="https://wa.me/911234567890">wa</a>
    <a href="/img/logo.PNG">logo</a> <a href="/files/prices.pdf">pdf</a>
    <a href="/assets/app.js?v=2">js</a>
    <a href="faq">FAQ</a>
    </body></html>"""
    got = roles(html, "https://panel.co.in/home/")
    assert got == {
        "https://www.panel.co.in/services": "services",
        "http://shop.panel.co.in/buy-instagram-followers": "pricing",
        "https://panel.co.in/home/faq": "faq",
    }


def test_base_href_and_area_links():
    html = """<html><head><base href="https://panel.example/app/"></head><body>
    <map><area href="pricing" alt="Our packages"></map>
    <a href="../api/v2">Developers</a></body></html>"""
    got = roles(html, "https://panel.example/index.php")
    assert got == {
        "https://panel.example/app/pricing": "pricing",
        "https://panel.example/api/v2": "api",
    }


def test_roles_in_other_languages():
    base = "https://panel.example/"
    assert link_role(base + "servisler", "Servisler") == "services"
    assert link_role(base + "tr/hizmetler", "Hizmetlerimiz") == "services"
    assert link_role(base + "es/servicios", "Nuestros servicios") == "services"
    assert link_role(base + "pt/servi%C3%A7os", "Serviços") == "services"
    assert link_role(base + "ru/uslugi", "Услуги") == "services"
    assert link_role(base + "x", "Прайс-лист") == "services"
    assert link_role(base + "bakiye-yukle", "Bakiye Yükle") == "payment"
    assert link_role(base + "addfunds", "Add funds") == "payment"
    assert link_role(base + "deposit", "") == "payment"
    # storefronts show their payment methods and accounts at checkout
    assert link_role(base + "checkout", "Checkout") == "payment"
    assert link_role(base + "sss", "Sıkça Sorulan Sorular") == "faq"
    assert link_role(base + "iletisim", "İletişim") == "contact"
    assert link_role(base + "kayit", "Kayıt Ol") == "signup"
    assert link_role(base + "api/docs", "Documentation") == "api"
    assert link_role(base + "developers", "") == "api"


def test_role_from_text_when_path_says_nothing():
    base = "https://panel.example/"
    assert link_role(base + "p/17", "Price list") == "services"
    assert link_role(base + "index.php?route=4", "Terms of Service") == "terms"
    assert link_role(base + "index.php?route=5", "Contact us") == "contact"
    assert link_role(base + "go", "Buy TikTok likes") == "pricing"
    assert link_role(base + "somewhere", "Click here") == "other"


def test_next_page_forms():
    base = "https://panel.example/services"
    assert link_role(base + "?page=4", "4") == "next_page"
    assert link_role(base + "/page/2/", "2") == "next_page"
    assert link_role("https://panel.example/x?cursor=abc", "Next »") == "next_page"
    assert link_role("https://panel.example/x?cursor=abc", "»") == "next_page"
    assert link_role("https://panel.example/x?cursor=abc", "Sonraki") == "next_page"
    assert link_role("https://panel.example/x?cursor=abc", "more", rel="next") == "next_page"
    # blog pagination is blog, not a service list
    assert link_role("https://panel.example/blog/page/2/", "2") == "blog"
    html = '<html><head><link rel="next" href="/services?page=2"></head><body></body></html>'
    assert roles(html, base) == {"https://panel.example/services?page=2": "next_page"}


def test_calendar_and_faceted_traps():
    assert is_trap("https://panel.example/events/2026/11/")
    assert is_trap("https://panel.example/calendar/2026-11")
    assert is_trap("https://panel.example/agenda?date=2026-11-02")
    assert is_trap("https://panel.example/shop?sort=price&filter=ig")
    assert is_trap("https://panel.example/a/b/a/b/a/b/a/")
    assert is_trap("https://panel.example/" + "x/" * 12)
    assert is_trap("https://panel.example/logout")
    assert is_trap("https://panel.example/wp-admin/")
    assert not is_trap("https://panel.example/shop?sort=price")
    assert not is_trap("https://panel.example/services?page=3")
    assert not is_trap("https://panel.example/product/1000-instagram-followers/")

    html = """<html><body>
    <a href="/events/2026/11/">November</a><a href="/events/2026/12/">December</a>
    <a href="/services">Services</a><a href="/shop?sort=price&amp;filter=ig&amp;view=grid">Grid</a>
    </body></html>"""
    links = find_links(html, "https://panel.example/")
    assert links[0].url == "https://panel.example/services"
    assert [link.role for link in links[1:]] == ["other", "other", "other"]


def test_duplicates_keep_best_text_and_role():
    html = """<html><body><a href="/services"><img src="/i.png" alt=""></a>
    <a href="/services">All services</a><a href="/services#x">again</a></body></html>"""
    links = find_links(html, "https://panel.example/")
    assert len(links) == 1
    assert links[0].text == "All services" and links[0].role == "services"


def test_cap_on_links_per_page():
    rows = "".join(f'<a href="/item-{i}">item {i}</a>' for i in range(5000))
    html = f'<html><body><a href="/services">Services</a>{rows}</body></html>'
    links = find_links(html, "https://panel.example/")
    assert 0 < len(links) <= 250
    assert links[0].role == "services"
    assert len({link.url for link in links}) == len(links)


def test_empty_input():
    assert find_links("", "https://panel.example/") == []
    assert find_links("<html></html>", "https://panel.example/") == []
