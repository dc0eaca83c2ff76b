"""Favicon hash (Shodan-style MurmurHash3) and the favicon URLs a page declares."""

from __future__ import annotations

import base64

import mmh3

from extract.parsed import parse_html


def favicon_mmh3(data: bytes) -> str:
    """Shodan `http.favicon.hash`: signed 32-bit mmh3 of base64.encodebytes(data), as text."""
    return str(mmh3.hash(base64.encodebytes(data)))


def favicon_urls(html: str, url: str) -> list[str]:
    """Absolute icon URLs a page declares, in page order; /favicon.ico if none."""
    from extract.signals import favicon_urls as declared

    return declared(parse_html(html), url)
