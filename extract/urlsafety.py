"""Is a URL safe to fetch? Pure checks of scheme and host, no network.

A hostile portal chooses every URL the crawler sees: refreshes, redirects, favicons, scripts.
These checks say which of them point at the crawler's own machine or network (loopback,
private, link-local, multicast, reserved and unspecified addresses, their IPv6 forms and the
IPv4 forms browsers and `inet_aton` also accept: `2130706433`, `0x7f.1`, `017700000001`,
`127.1`) or at a scheme other than http(s). `spiders/scope.py` applies them to every request.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})
NAT64 = ipaddress.ip_network("64:ff9b::/96")
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _ipv4_number(part: str) -> int | None:
    """One dotted part as browsers read it: 0x.. hex, 0.. octal, else decimal."""
    if not part:
        return None
    base = 10
    if part[:2].lower() == "0x":
        part, base = part[2:], 16
        if not part:
            return 0
    elif len(part) > 1 and part[0] == "0":
        part, base = part[1:], 8
    try:
        return int(part, base)
    except ValueError:
        return None


def loose_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """`host` as an IPv4 address in any form a URL parser accepts (WHATWG URL, inet_aton):
    1 to 4 parts, each decimal, octal or hex, the last filling the remaining bytes."""
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(parts)):
        return None
    value = last
    for n, byte in enumerate(head):
        value += byte << (8 * (3 - n))
    return ipaddress.IPv4Address(value)


def host_address(host: str) -> IPAddress | None:
    """The IP address a URL host names literally (any IPv4 form, IPv6 in or out of brackets,
    with or without a zone), else None for a name."""
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return None
    return loose_ipv4(host)


def address_problem(ip: IPAddress) -> str | None:
    """Why `ip` is not a public address (loopback, private, link_local, multicast,
    unspecified, reserved), or None. IPv6 forms that embed IPv4 are judged by the IPv4."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            inner = address_problem(embedded)
            if inner:
                return inner
    for name in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{name}"):
            return name
    if not ip.is_global:
        return "reserved"  # shared address space (100.64/10), documentation ranges, ...
    return None


def is_local_name(host: str) -> bool:
    """Names that mean this machine without asking DNS (RFC 6761 `localhost` and kin)."""
    host = host.strip().lower().rstrip(".")
    return host in LOCAL_NAMES or host.endswith(".localhost")


def url_problem(url: str, allow_private: bool = False) -> str | None:
    """Why fetching `url` is out of scope, judged from the URL alone: `scheme`, `no_host`, an
    address category (`loopback`, `private`, ...) or `local_name`; None when it may be
    fetched (a host name may still resolve to a private address: resolve and check it)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return "malformed"
    if parts.scheme.lower() not in WEB_SCHEMES:
        return "scheme"
    if not host:
        return "no_host"
    if allow_private:
        return None
    ip = host_address(host)
    if ip is not None:
        return address_problem(ip)
    if is_local_name(host):
        return "local_name"
    return None
