"""Ways into a portal beyond its <a href> links: redirects, robots.txt and sitemaps, and the
public paths panel software and shops really use (config/vocab/probes.toml).

The spider calls these with a portal's state; each returns (url, role, extra meta) requests to
make. Everything stays on the portal's registrable domain: a redirect elsewhere ends there and
is recorded (the other domain is a lead, never a source of facts for this portal).
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urljoin, urlsplit

from config.vocab import VocabularyError, load
from extract.domains import registered_domain
from extract.links import link_role
from extract.sitemaps import robots_sitemaps, sitemap_entries

MAX_HOPS = 6  # redirects followed in a row (Scrapy's REDIRECT_MAX_TIMES)
MAX_SITEMAPS = 6  # sitemap documents read per portal
MAX_FROM_SITEMAPS = 12  # pages taken from sitemaps per portal
MAX_ROUTES = 8  # app routes (rendered) followed from one rendered page
CATALOGUE_ROLES = ("services", "pricing", "next_page")
SHOP_SOFTWARE = frozenset({"shopify", "woocommerce"})  # shops with public product JSON
SITEMAP_ROLES = {"services": 0, "pricing": 1, "api": 2, "payment": 3, "contact": 4, "faq": 5,
                 "terms": 6}  # fmt: skip


def same_site(url: str, domain: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and registered_domain(url) == domain


def redirect_target(status: int, headers: dict[str, str], url: str) -> str | None:
    """Absolute target of a 3xx answer with a Location header, else None."""
    if 300 <= status < 400 and status != 304:
        location = headers.get("location", "").strip()
        if location:
            return urljoin(url, location)
    return None


def robots_url(url: str) -> str:
    return urljoin(url, "/robots.txt")


def sitemaps_from_robots(text: str, url: str, domain: str) -> list[str]:
    """Same-site sitemaps a robots.txt names, else the conventional /sitemap.xml."""
    named = [u for u in robots_sitemaps(text, url) if same_site(u, domain)]
    return named[:MAX_SITEMAPS] or [urljoin(url, "/sitemap.xml")]


def sitemap_requests(body: bytes, url: str, domain: str) -> tuple[list[str], list[tuple[str, str]]]:
    """(sub-sitemaps, [(page url, role)]) worth fetching from one sitemap document.

    Pages are kept only when their path names a role the crawl wants (services and price lists
    first), so a sitemap of ten thousand blog posts costs nothing."""
    subs, pages = sitemap_entries(body, url)
    subs = [u for u in subs if same_site(u, domain)]
    ranked = []
    for n, page in enumerate(pages):
        if not same_site(page, domain):
            continue
        role = link_role(page, "")
        if role in SITEMAP_ROLES:
            ranked.append((SITEMAP_ROLES[role], n, page, role))
    ranked.sort()
    return subs, [(page, role) for _, _, page, role in ranked[:MAX_FROM_SITEMAPS]]


@cache
def probes() -> tuple[tuple[str, str], ...]:
    """(path, role) of the public paths to try, best first (config/vocab/probes.toml)."""
    try:
        data = load("probes")
    except VocabularyError:
        return ()
    out = []
    for entry in data.get("probe", []):
        path, role = entry.get("path"), entry.get("role")
        if isinstance(path, str) and path.startswith("/") and isinstance(role, str):
            out.append((path, role))
    return tuple(out)


def probe_requests(
    base_url: str, roles_found: set[str], wanted: tuple[str, ...]
) -> list[tuple[str, str]]:
    """(url, role) probes for the roles in `wanted` that no link of the portal has shown."""
    return [
        (urljoin(base_url, path), role)
        for path, role in probes()
        if role in wanted and role not in roles_found
    ]
