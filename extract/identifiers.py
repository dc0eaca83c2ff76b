"""Tracker identifiers (GA, GTM, AdSense, pixel, Metrica, tawk.to, crisp, hotjar) and upstream
panels, read only where trackers live: inline scripts, noscript markup, attribute URLs.

Patterns are data (config/vocab/trackers.toml). A tracker-looking string in visible prose is
not an identifier. An upstream panel is another site's /api/v2 (or v1) URL shown on the page.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from config.vocab import load
from extract.domains import registered_domain
from extract.model import Identifier

if TYPE_CHECKING:
    from extract.leads import PageView

_URL_RE = re.compile(
    r"(?:(?:https?:)?//|(?<![\w.@/-]))((?:[a-z0-9-]+\.)+[a-z]{2,24})(?::\d+)?(/[^\s\"'<>]*)?", re.I
)


@cache
def _trackers() -> list[tuple[str, re.Pattern, str]]:
    out = []
    for t in load("trackers")["trackers"]:
        out.append((t["kind"], re.compile(t["regex"], re.M), t.get("prefix", "")))
    return out


@cache
def _placeholders() -> frozenset[str]:
    return frozenset(v.lower() for v in load("trackers")["placeholders"]["values"])


def find_identifiers(view: PageView) -> list[Identifier]:
    """Tracker IDs from the page's code plus upstream panel domains."""
    return trackers_in(view.code) + upstream_panels(view)


def trackers_in(code: str) -> list[Identifier]:
    """Tracker identifiers in script/attribute `code` (not prose)."""
    out = []
    for kind, rx, prefix in _trackers():
        for m in rx.finditer(code):
            groups = [g for g in m.groups() if g]
            value = prefix + "/".join(groups)
            if value.lower() in _placeholders() or _looks_fake(value):
                continue
            out.append(Identifier(kind, value, " ".join(m.group(0).split())[:160]))
    return out


def _looks_fake(value: str) -> bool:
    tail = re.sub(r"^(?:UA-|G-|GTM-|ca-pub-)", "", value)
    return "XXXX" in tail.upper() or len(set(tail.replace("-", ""))) <= 1


def upstream_panels(view: PageView) -> list[Identifier]:
    """Registered domains of other sites' panel API endpoints shown on the page."""
    cfg = load("trackers")["upstream"]
    paths = tuple(p.rstrip("/") for p in cfg["paths"])
    ignore = set(cfg["ignore_domains"])
    haystack = "\n".join([view.text, "\n".join(h for h, _ in view.links), view.code])
    out = []
    for m in _URL_RE.finditer(haystack):
        path = (m.group(2) or "").lower().rstrip("/")
        if not any(path == p or path.endswith(p) for p in paths):
            continue
        domain = registered_domain(m.group(1).lower())
        if not domain or domain == view.domain or domain in ignore or "." not in domain:
            continue
        out.append(Identifier("upstream_panel", domain, m.group(0)[:160]))
    return out
