"""Software fingerprints of a page (config/vocab/software.toml): panel scripts and platforms.

`detect_software` returns one hint per family that matched, its weight the sum of the markers
seen (several weak markers add up) and its evidence their labels. `portal_software` names the
panel family when its total reaches the family threshold.
"""

from __future__ import annotations

import re
import re._constants as _sre
import re._parser as _sre_parse
from functools import cache

from config.vocab import load
from extract.model import SoftwareHint


@cache
def _families() -> dict[str, dict]:
    fams = {}
    for name, spec in load("software")["families"].items():
        markers = [
            (
                m["where"],
                re.compile(m["regex"], re.I | re.M),
                float(m["weight"]),
                m["label"],
                _needed_literal(m["regex"]) if m["where"] == "html" else "",
            )
            for m in spec["markers"]
        ]
        fams[name] = {
            "panel": bool(spec.get("panel", False)),
            "threshold": float(spec.get("threshold", 1.0)),
            "markers": markers,
        }
    return fams


def _needed_literal(pattern: str) -> str:
    """The longest run of ASCII characters every match of `pattern` holds (lower case), or "".

    Only literals at the pattern's top level count (not inside groups, branches or repeats),
    so a page whose case-folded text lacks the run cannot match: the regex is not run on it.
    """
    try:
        items = list(_sre_parse.parse(pattern, re.I | re.M))
    except re.error:
        return ""
    best, run = "", []
    for op, av in [*items, (None, None)]:
        if op is _sre.LITERAL and av < 128:
            run.append(chr(av))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
    return best.lower() if len(best) >= 3 else ""


# Non-ASCII characters that re.IGNORECASE matches to an ASCII letter (İ and K lower-case to
# more or other than that letter, ı and ſ not at all): mapped before lower-casing the page.
_ASCII_TWINS = str.maketrans({"İ": "i", "ı": "i", "ſ": "s", "\u212a": "k"})


def _folded_html(html: str) -> str:
    """`html` lower-cased so that a literal matched case-insensitively by `re` is a substring."""
    return html.lower() if html.isascii() else html.translate(_ASCII_TWINS).lower()


def _cookie_names(headers: dict[str, str]) -> list[str]:
    names = []
    for key, value in headers.items():
        if key.lower() in ("set-cookie", "cookie"):
            for part in re.split(r"[\n;,]", value):
                name = part.split("=", 1)[0].strip()
                if name and "=" in part:
                    names.append(name)
    return names


def detect_software(
    html: str, url: str, headers: dict[str, str] | None = None
) -> list[SoftwareHint]:
    """Families whose markers appear on the page, strongest first."""
    headers = headers or {}
    header_lines = "\n".join(f"{k.lower()}: {v}" for k, v in headers.items())
    cookies = _cookie_names(headers)
    html = html or ""
    low = _folded_html(html)
    hints = []
    for name, fam in _families().items():
        total, labels = 0.0, []
        for where, rx, weight, label, needed in fam["markers"]:
            if where == "html":
                hit = (not needed or needed in low) and rx.search(html)
            elif where == "headers":
                hit = rx.search(header_lines)
            elif where == "cookie":
                hit = any(rx.search(c) for c in cookies)
            else:
                hit = rx.search(url)
            if hit:
                total += weight
                labels.append(label)
        if labels:
            hints.append(SoftwareHint(name, "; ".join(labels), round(total, 3)))
    hints.sort(key=lambda h: -h.weight)
    return hints


def portal_software(hints: list[SoftwareHint]) -> str | None:
    """The panel family named with confidence by the hints of a portal's pages, else None.

    Each distinct marker counts once, however many pages show it (a nav link on every page
    is one piece of evidence, not twenty).
    """
    fams = _families()
    seen: dict[str, set[str]] = {}
    for h in hints:
        if h.name in fams and fams[h.name]["panel"]:
            seen.setdefault(h.name, set()).update(h.evidence.split("; "))
    totals = {
        name: sum(w for _, _, w, label, _ in fams[name]["markers"] if label in labels)
        for name, labels in seen.items()
    }
    best = max(totals.items(), key=lambda kv: kv[1], default=None)
    if best and best[1] >= fams[best[0]]["threshold"]:
        return best[0]
    return None


def api_variant(html: str) -> str | None:
    """The panel API variant ("v2", "v1", …) a page documents, else None."""
    for entry in load("software").get("api", []):
        if re.search(entry["regex"], html or "", re.I):
            return entry["variant"]
    return None


def software_of(page) -> list[SoftwareHint]:
    """Software hints of a parsed page (the registry's `software` extractor)."""
    return detect_software(page.html, page.url, page.headers)
