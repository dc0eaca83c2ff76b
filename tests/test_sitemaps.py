"""robots.txt, sitemaps and page redirects: pure readers on hand-written inputs."""

from __future__ import annotations

from extract.parsed import parse_html
from extract.redirects import page_redirect
from extract.signals import visible_text
from extract.sitemaps import robots_sitemaps, sitemap_entries

ROBOTS = """User-agent: *
Disallow: /admin
Sitemap: https://panel.example/sitemap_index.xml
sitemap: /sitemap-pages.xml
Sitemap: https://panel.example/sitemap_index.xml
"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://panel.example/sitemap-pages.xml</loc></sitemap>
  <sitemap><loc>https://panel.example/sitemap-posts.xml</loc></sitemap>
</sitemapindex>"""

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://panel.example/price-list </loc><lastmod>2026-01-02</lastmod></url>
  <url><loc>https://panel.example/terms</loc></url>
</urlset>"""

ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&xxe;&lol2;</loc></url>
<url><loc>https://panel.example/services</loc></url></urlset>"""


def test_robots_names_its_sitemaps_once_and_absolute():
    assert robots_sitemaps(ROBOTS, "https://panel.example/robots.txt") == [
        "https://panel.example/sitemap_index.xml",
        "https://panel.example/sitemap-pages.xml",
    ]
    assert robots_sitemaps("User-agent: *\nDisallow:", "https://a.example/robots.txt") == []


def test_sitemap_index_and_urlset():
    assert sitemap_entries(INDEX, "https://panel.example/sitemap_index.xml") == (
        ["https://panel.example/sitemap-pages.xml", "https://panel.example/sitemap-posts.xml"],
        [],
    )
    assert sitemap_entries(URLSET, "https://panel.example/sitemap-pages.xml") == (
        [],
        ["https://panel.example/price-list", "https://panel.example/terms"],
    )


def test_sitemap_reader_resolves_no_entities_and_rejects_non_sitemaps():
    subs, pages = sitemap_entries(ENTITY_BOMB, "https://panel.example/sitemap.xml")
    assert subs == [] and "https://panel.example/services" in pages
    assert not any("root:" in p or "lollol" in p for p in pages)
    assert sitemap_entries(b"<html><body>404</body></html>", "https://a.example/s.xml") == ([], [])
    assert sitemap_entries(b"not xml at all", "https://a.example/s.xml") == ([], [])


def _redirect(html: str, url: str = "https://panel.example/") -> str | None:
    root = parse_html(html)
    return page_redirect(root, url, visible_text(root))


def test_meta_refresh_and_script_redirects():
    refresh = '<html><head><meta http-equiv="Refresh" content="0; URL=\'/signin\'"></head></html>'
    assert _redirect(refresh) == "https://panel.example/signin"
    script = "<html><body><script>window.location.href = '/auth/login';</script></body></html>"
    assert _redirect(script) == "https://panel.example/auth/login"
    replace = '<html><body><script>location.replace("https://panel.example/login")</script>'
    assert _redirect(replace + "Redirecting...</body></html>") == "https://panel.example/login"


def test_no_redirect_on_real_pages():
    words = " ".join(["Instagram followers from $1.20 per 1000, fast start."] * 10)
    handler = f"<html><body><p>{words}</p><script>location.href = '/order';</script></body></html>"
    assert _redirect(handler) is None  # a page with content is not a redirect
    assert _redirect('<meta http-equiv="refresh" content="30">') is None  # reload, no target
    assert _redirect("<html><body><p>hello</p></body></html>") is None
