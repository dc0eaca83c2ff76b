"""Favicon hash (Shodan-style MurmurHash3) and the favicon URLs a page declares."""

from __future__ import annotations

import base64
from urllib.parse import urljoin

import mmh3

from extract.leads import parse_html


def favicon_mmh3(data: bytes) -> str:
    """Shodan `http.favicon.hash`: signed 32-bit mmh3 of base64.encodebytes(data), as text."""
    return str(mmh3.hash(base64.encodebytes(data)))


def favicon_urls(html: str, url: str) -> list[str]:
    """Absolute icon URLs from <link rel="icon" …>, in page order; /favicon.ico if none."""
    out: list[str] = []
    root = parse_html(html) if html and html.strip() else None
    if root is not None:
        for link in root.iter("link"):
            rel = (link.get("rel") or "").lower().split()
            href = (link.get("href") or "").strip()
            if (
                href
                and ("icon" in rel or "apple-touch-icon" in rel)
                and not href.startswith("data:")
            ):
                absolute = urljoin(url, href)
                if absolute not in out:
                    out.append(absolute)
    return out or [urljoin(url, "/favicon.ico")]
