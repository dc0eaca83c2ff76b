"""Registered domains (public-suffix aware, offline) and seed URL normalisation."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit, urlunsplit

import tldextract


@cache
def _extractor() -> tldextract.TLDExtract:
    # The bundled suffix list only: never fetch one at run time.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(url_or_host: str) -> str:
    """`https://www.Shop.co.in/x` -> `shop.co.in`; an IP or a bare name is returned as it is."""
    host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
    host = (host or "").strip(".").lower()
    parts = _extractor()(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


def normalise_seed(text: str) -> list[str]:
    """Entry URLs to try for a seed: a URL as given, or https then http for a bare domain.

    Raises ValueError with a clear message for anything that is not a web address.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("empty seed")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise ValueError(f"malformed URL (spaces or control characters): {raw!r}")
    if "://" in raw:
        try:
            parts = urlsplit(raw)
            port = parts.port
        except ValueError as exc:  # "Port out of range 0-65535", "Port could not be cast..."
            raise ValueError(f"malformed URL (bad port: {exc}): {raw!r}") from exc
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"not a web URL (http/https): {raw!r}")
        host = parts.hostname
        if not _valid_host(host):
            raise ValueError(f"malformed URL (no valid host): {raw!r}")
        if port == 0 or parts.netloc.endswith(":"):
            raise ValueError(f"malformed URL (bad port: must be 1-65535): {raw!r}")
        path = parts.path or "/"
        return [urlunsplit((parts.scheme, parts.netloc.lower(), path, parts.query, ""))]
    host = raw.split("/", 1)[0].lower()
    name, colon, port_text = host.partition(":")
    if not _valid_host(name):
        raise ValueError(f"not a domain or URL: {raw!r}")
    if colon and not (port_text.isascii() and port_text.isdigit() and 0 < int(port_text) < 65536):
        raise ValueError(f"malformed domain (bad port {port_text!r}: must be 1-65535): {raw!r}")
    rest = raw[len(host) :] or "/"
    return [f"https://{host}{rest}", f"http://{host}{rest}"]


def _valid_host(host: str | None) -> bool:
    if not host or len(host) > 253 or "." not in host.strip("."):
        return host in ("localhost",)
    labels = host.strip(".").split(".")
    return all(
        0 < len(label) <= 63
        and label.replace("-", "").replace("_", "").isalnum()
        and not label.startswith("-")
        for label in labels
    )


_TLD_REGION = {"uk": "GB", "su": "RU", "eu": ""}


def region_for(url: str) -> str | None:
    """The site's country from its country-code TLD (.in -> IN), else None."""
    host = urlsplit(url).hostname or ""
    tld = host.rsplit(".", 1)[-1].lower()
    if len(tld) != 2 or not tld.isalpha():
        return None
    region = _TLD_REGION.get(tld, tld.upper())
    return region if region in _regions() else None


@cache
def _regions() -> frozenset[str]:
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)
