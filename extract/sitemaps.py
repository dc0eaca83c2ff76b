"""robots.txt and sitemaps (urlset and sitemap index): the pages a site lists for crawlers.

Pure and hostile-input safe: bounded sizes and counts, an XML parser that resolves no entities
and fetches nothing.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree

MAX_BYTES = 5_000_000
MAX_URLS = 5_000
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, recover=True, load_dtd=False
)


def robots_sitemaps(text: str, url: str) -> list[str]:
    """Absolute sitemap URLs named by a robots.txt (`Sitemap:` lines), in order, distinct."""
    out: list[str] = []
    for m in _SITEMAP_LINE.finditer(text[:MAX_BYTES]):
        full = urljoin(url, m.group(1))
        if full not in out:
            out.append(full)
    return out[:50]


def sitemap_entries(body: bytes | str, url: str) -> tuple[list[str], list[str]]:
    """(sub-sitemaps, page URLs) listed by a sitemap index or urlset; ([], []) if not one."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    data = data[:MAX_BYTES].lstrip()
    if not data.startswith(b"<"):
        return [], []
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return [], []
    if root is None:
        return [], []
    kind = etree.QName(root).localname.lower() if isinstance(root.tag, str) else ""
    if kind not in ("sitemapindex", "urlset"):
        return [], []
    locs = []
    for el in root.iter():
        if isinstance(el.tag, str) and etree.QName(el).localname.lower() == "loc" and el.text:
            locs.append(urljoin(url, el.text.strip()))
            if len(locs) >= MAX_URLS:
                break
    return (locs, []) if kind == "sitemapindex" else ([], locs)
