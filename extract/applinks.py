"""Links of JavaScript apps in a plain fetch: routes reached by buttons and router calls
(extract.routes), and the app scripts that list the app's routes (framework route manifests,
main bundles), which the spider reads without a browser.

The registry's `app_links` extractor; its links extend those of `<a href>` (extract.links).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from extract.links import link_role
from extract.model import Link
from extract.parsed import ParsedPage
from extract.routes import _routes_from_tree, script_urls

MAX_APP_ROUTES = 30
MAX_ROUTE_SCRIPTS = 3
# Script files that name an app's routes: Next.js build manifests, app/main/router bundles.
_ROUTE_SCRIPT = re.compile(
    r"(?:^|/)(?:_buildManifest|_ssgManifest|app|main|index|bundle|router|routes?)"
    r"(?:[.-][\w-]{0,40})?\.m?js$",
    re.I,
)


def route_scripts(page: ParsedPage) -> list[str]:
    """Same-site scripts of the page worth reading for routes, best first (manifests)."""
    if "<script" not in page.lower:
        return []
    found = [u for u in script_urls(page.html, page.url) if _ROUTE_SCRIPT.search(urlsplit(u).path)]
    found.sort(key=lambda u: "manifest" not in u.lower())
    return found[:MAX_ROUTE_SCRIPTS]


def app_links_of(page: ParsedPage) -> list[Link]:
    """Routes of non-anchor navigation (role by path) and route scripts (role `app_script`)."""
    links = [
        Link(url=url, text="", role=link_role(url, ""))
        for url in _routes_from_tree(page.tree, page.url, MAX_APP_ROUTES)
    ]
    links += [Link(url=url, text="", role="app_script") for url in route_scripts(page)]
    return links
