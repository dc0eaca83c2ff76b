"""Where a page sends its reader without a 3xx: meta refresh and trivial script redirects.

Pure. A meta refresh counts on any page; a script redirect only on a page that shows almost
nothing else (a real page that merely contains `location.href = ...` in a handler is not a
redirect). The spider decides whether the target is on the portal's site.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

_REFRESH_URL = re.compile(r"""^\s*\d*(?:\.\d+)?\s*[;,]?\s*(?:url\s*=\s*)?['"]?([^'"\s>]+)""", re.I)
_SCRIPT_REDIRECT = re.compile(
    r"""(?:\b(?:window|document|top|self)\s*\.\s*)?\blocation"""
    r"""(?:\s*\.\s*href\s*=|\s*=|\s*\.\s*(?:replace|assign)\s*\()\s*(['"])([^'"\s]{1,500})\1"""
)
_MAX_VISIBLE = 300  # characters of visible text under which a script redirect is the page


def meta_refresh(root: Any, url: str) -> str | None:
    if root is None:
        return None
    for meta in root.xpath("//meta[@http-equiv][@content]")[:5]:
        if meta.get("http-equiv", "").strip().lower() != "refresh":
            continue
        content = meta.get("content", "")
        m = _REFRESH_URL.match(content)
        if m and "url" in content.lower():
            return urljoin(url, m.group(1).strip())
    return None


def script_redirect(root: Any, url: str, visible_text: str) -> str | None:
    if root is None or len(visible_text) > _MAX_VISIBLE:
        return None
    for script in root.iter("script"):
        code = script.text or ""
        if len(code) > 20_000:
            continue
        m = _SCRIPT_REDIRECT.search(code)
        if m:
            return urljoin(url, m.group(2))
    return None


def page_redirect(root: Any, url: str, visible_text: str) -> str | None:
    """The absolute URL the page refreshes or scripts its reader to, or None."""
    target = meta_refresh(root, url) or script_redirect(root, url, visible_text)
    if target and target.split("#", 1)[0] != url.split("#", 1)[0]:
        return target
    return None
