"""The scope guard: no request of the crawl, plain or in the browser, reaches a non-web scheme
or a non-public address, whatever a hostile portal's pages point at.

`ScopeGuard` is a downloader middleware: it checks every request before it is downloaded
(entry pages, links, refreshes, redirects the spider follows, favicons, robots.txt, sitemaps)
and raises `IgnoreRequest` for one out of scope; the spider's errback records it in the
portal's errors. `browser_abort` is scrapy-playwright's `PLAYWRIGHT_ABORT_REQUEST`: the same
rules for every request a rendered page makes (documents, scripts, images, fetch/XHR), plus
no top-level navigation to another registrable domain (a script `location` off the site).

Rules (extract/urlsafety.py): http(s) only; an IP literal in any form must be public; a name
that means this machine (`localhost`) is refused without asking DNS; any other name is
resolved (cached, bounded) and refused if it resolves to a non-public address. A name that
does not resolve passes: through a proxy the proxy resolves it (the sandbox's hosts resolve
nowhere), without one the download fails on its own. The proxy itself is the user's choice and
is not judged. `SMMATLAS_ALLOW_PRIVATE = True` (lab use) lets private addresses through; the
scheme rule stays. Every refusal is logged and counted in the stats as
`smmatlas/scope/refused/<reason>` (plain) and `smmatlas/scope/refused_browser/<reason>`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from extract.domains import registered_domain
from extract.urlsafety import address_problem, host_address, url_problem

logger = logging.getLogger(__name__)

RESOLVE_TIMEOUT = 3.0  # seconds for one name
_ACTIVE: ScopeGuard | None = None  # the guard of the running crawl (for the browser hook)


def safe_for_log(url: str) -> str:
    """`url` without user:password@ (never log credentials), cut to 300 characters."""
    try:
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None:
            url = parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]).geturl()
    except ValueError:
        pass
    return url[:300]


class ScopeGuard:
    def __init__(self, allow_private: bool = False, stats=None) -> None:
        self.allow_private = allow_private
        self.stats = stats
        self._resolved: dict[str, str | None] = {}  # host -> problem (None: fine/unresolved)

    @classmethod
    def from_crawler(cls, crawler) -> ScopeGuard:
        global _ACTIVE
        guard = cls(crawler.settings.getbool("SMMATLAS_ALLOW_PRIVATE", False), crawler.stats)
        _ACTIVE = guard
        return guard

    async def problem(self, url: str) -> str | None:
        """Why `url` must not be fetched, or None."""
        reason = url_problem(url, self.allow_private)
        if reason or self.allow_private:
            return reason
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        if host_address(host) is not None:
            return None
        if host not in self._resolved:
            self._resolved[host] = await self._resolve(host)
        return self._resolved[host]

    @staticmethod
    async def _resolve(host: str) -> str | None:
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(host, None, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT
            )
        except (OSError, UnicodeError, TimeoutError, ValueError):
            return None  # unresolvable here: a proxy resolves it, or the fetch fails
        for info in infos:
            ip = host_address(str(info[4][0]))
            reason = address_problem(ip) if ip is not None else "unparsable"
            if reason:
                return f"resolves_{reason}"
        return None

    def refused(self, url: str, reason: str, where: str = "refused") -> None:
        logger.warning("scope: %s %s (%s)", where.replace("_", " "), safe_for_log(url), reason)
        if self.stats is not None:
            self.stats.inc_value(f"smmatlas/scope/{where}/{reason}")
            self.stats.inc_value(f"smmatlas/scope/{where}")

    async def process_request(self, request):
        reason = await self.problem(request.url)
        if reason:
            self.refused(request.url, reason)
            raise IgnoreRequest(f"out of scope ({reason}): {safe_for_log(request.url)}")
        return None

    async def browser_problem(self, request) -> str | None:
        reason = await self.problem(request.url)
        if reason:
            return reason
        try:
            frame = request.frame
            if request.is_navigation_request() and frame.parent_frame is None:
                current = frame.url
                if current.startswith(("http://", "https://")) and registered_domain(
                    current
                ) != registered_domain(request.url):
                    return "offsite_navigation"
        except Exception:  # noqa: BLE001 - a frame that is gone: judge by the URL alone
            pass
        return None


async def browser_abort(request) -> bool:
    """scrapy-playwright's PLAYWRIGHT_ABORT_REQUEST: True aborts the browser's request.
    Without a running guard (the middleware switched off) every request is aborted."""
    guard = _ACTIVE
    if guard is None:
        logger.warning("scope: no guard running, browser request aborted: %s", request.url[:300])
        return True
    reason = await guard.browser_problem(request)
    if reason:
        guard.refused(request.url, reason, where="refused_browser")
        return True
    return False


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@'\"<>]+@")


def mask_credentials(text: str) -> str:
    """`scheme://user:password@host` -> `scheme://***@host` anywhere in a text."""
    return _USERINFO.sub(r"\1***@", text)


class CredentialsFilter(logging.Filter):
    """A log filter that masks user:password@ in every message (seeds, the proxy setting)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record: leave it to the handler
            return True
        masked = mask_credentials(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def mask_logs() -> None:
    """Mask credentials in everything the root logger's handlers write (call once the crawl's
    logging is set up, e.g. after creating the CrawlerProcess)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, CredentialsFilter) for f in handler.filters):
            handler.addFilter(CredentialsFilter())
