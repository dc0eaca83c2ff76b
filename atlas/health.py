"""Start-up health check of a crawl: is the proxy alive, does the network path answer?

Run before anything is stored: when it fails the crawl aborts (exit code "nothing
reachable") and the atlas is untouched — no run, no portal marked unreachable, no last_seen
moved. It asks the proxy (when there is one) for a plain HTTP answer, then sends one GET for
each of the first few seeds (through the proxy when there is one) and passes if any answers.
Only the status line is read (portals are untrusted: no body, no redirect followed).
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from config.errors import HealthError  # noqa: F401 - re-exported
from extract.domains import normalise_seed
from spiders.scope import mask_credentials

PROBES = 8
TIMEOUT = float(os.environ.get("SMMATLAS_HEALTH_TIMEOUT") or 10)  # seconds per probe
# what a proxy answers itself when it cannot reach the site: the path beyond it is not proven
PROXY_ERRORS = {502, 503, 504}


def _connection(url: str, proxy: str | None, timeout: float) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    https = parts.scheme == "https"
    context = ssl._create_unverified_context() if https else None  # reachability, not trust
    if proxy:
        p = urlsplit(proxy)
        if https:
            conn = http.client.HTTPSConnection(
                p.hostname, p.port or 8080, timeout=timeout, context=context
            )
            conn.set_tunnel(parts.hostname, parts.port or 443)
            return conn
        return http.client.HTTPConnection(p.hostname, p.port or 8080, timeout=timeout)
    if https:
        return http.client.HTTPSConnection(
            parts.hostname, parts.port or 443, timeout=timeout, context=context
        )
    return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)


def probe(url: str, proxy: str | None = None, timeout: float = TIMEOUT) -> int | str:
    """The HTTP status `url` answers with (via `proxy`), or the error text."""
    parts = urlsplit(url)
    target = url if proxy and parts.scheme == "http" else (parts.path or "/")
    if parts.query and target == (parts.path or "/"):
        target += "?" + parts.query
    conn = _connection(url, proxy, timeout)
    try:
        conn.request("GET", target, headers={"Host": parts.netloc, "Connection": "close"})
        return conn.getresponse().status
    except (OSError, http.client.HTTPException) as exc:
        return f"{type(exc).__name__}: {exc}".strip(": ")
    finally:
        conn.close()


def check_proxy(proxy: str, timeout: float = TIMEOUT) -> None:
    p = urlsplit(proxy)
    try:
        with socket.create_connection((p.hostname, p.port or 8080), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(b"GET http://health.check.invalid/ HTTP/1.1\r\n")
            sock.sendall(b"Host: health.check.invalid\r\nConnection: close\r\n\r\n")
            first = sock.recv(64)
    except OSError as exc:
        raise HealthError(f"the proxy {mask_credentials(proxy)} cannot be used: {exc}") from exc
    if not first.startswith(b"HTTP/"):
        raise HealthError(
            f"the proxy {mask_credentials(proxy)} accepted a connection but did not answer HTTP"
        )


def check_network(
    targets: list[str], proxy: str | None = None, timeout: float = TIMEOUT, probes: int = PROBES
) -> dict[str, int | str]:
    """Probe up to `probes` seeds spread over the list; raise HealthError when none answers."""
    if proxy:
        check_proxy(proxy, timeout)
    step = max(1, len(targets) / probes)
    sample = [targets[int(i * step)] for i in range(min(probes, len(targets)))]
    urls = [normalise_seed(t)[0] for t in sample]
    with ThreadPoolExecutor(max_workers=len(urls) or 1) as pool:
        answers = dict(zip(urls, pool.map(lambda u: probe(u, proxy, timeout), urls), strict=True))
    for answer in answers.values():
        if isinstance(answer, int) and not (proxy and answer in PROXY_ERRORS):
            return answers
    tried = "; ".join(f"{u}: {a}" for u, a in answers.items())
    via = f" through the proxy {mask_credentials(proxy)}" if proxy else ""
    raise HealthError(
        f"none of {len(urls)} portals spread over the seeds answered{via}, so the network "
        f"path looks down; nothing was crawled or changed ({tried}). "
        "Use --no-health-check to crawl anyway"
    )
