"""IP -> origin ASN, prefix, country and AS name, from Team Cymru's IP-to-ASN DNS service.

Questions go through the configured resolver, so a local DNS double can answer them:
  TXT 7.113.0.203.origin.asn.cymru.com -> "13335 | 203.0.113.0/24 | US | arin | 2014-03-28"
  TXT AS13335.asn.cymru.com            -> "13335 | US | arin | 2010-07-14 | CLOUDFLARENET, US"
"""

from __future__ import annotations

import ipaddress
import re

import dns.resolver

from enrich.dns import DnsError, query

ORIGIN_V4 = "origin.asn.cymru.com"
ORIGIN_V6 = "origin6.asn.cymru.com"
AS_NAMES = "asn.cymru.com"
_AS_NAME_CC = re.compile(r",\s*[A-Z]{2}$")


def origin_name(ip: str) -> str:
    """The Cymru TXT name to ask for the origin of `ip` (reversed octets / nibbles)."""
    addr = ipaddress.ip_address(ip)
    if addr.version == 4:
        return ".".join(reversed(str(addr).split("."))) + "." + ORIGIN_V4
    return ".".join(reversed(addr.exploded.replace(":", ""))) + "." + ORIGIN_V6


def as_name_query(asn: int) -> str:
    return f"AS{asn}.{AS_NAMES}"


def _txt(resolver: dns.resolver.Resolver, name: str) -> list[str]:
    rdatas, _ = query(resolver, name, "TXT")
    return [b"".join(rd.strings).decode("utf-8", "replace") for rd in rdatas]


def _fields(txt: str) -> list[str]:
    return [f.strip() for f in txt.strip().strip('"').split("|")]


def lookup_ip(
    resolver: dns.resolver.Resolver, ip: str, as_names: dict[int, list[str]] | None = None
) -> dict:
    """{ip, asn, asns, prefix, country, registry, allocated, as_name}; DnsError if unanswered."""
    records = _txt(resolver, origin_name(ip))
    if not records:
        raise DnsError(f"no Cymru origin record for {ip}")
    # Several origin records: prefer the most specific prefix.
    rows = sorted(
        (_fields(r) for r in records), key=lambda f: -_prefix_len(f[1] if len(f) > 1 else "")
    )
    row = rows[0] + [""] * 5
    asns = [int(a) for a in row[0].split() if a.isdigit()]
    if not asns:
        raise DnsError(f"unparseable Cymru origin record for {ip}: {records[0]!r}")
    out = {
        "ip": ip,
        "asn": asns[0],
        "asns": asns,
        "prefix": row[1] or None,
        "country": row[2].upper() or None,
        "registry": row[3].lower() or None,
        "allocated": row[4] or None,
        "as_name": None,
    }
    as_names = {} if as_names is None else as_names
    if asns[0] not in as_names:
        try:
            as_names[asns[0]] = _txt(resolver, as_name_query(asns[0]))
        except DnsError:
            as_names[asns[0]] = []
    names = as_names[asns[0]]
    if names:
        f = _fields(names[0]) + [""] * 5
        out["as_name"] = _AS_NAME_CC.sub("", f[4]) or None  # "CLOUDFLARENET, US" -> CLOUDFLARENET
        out["country"] = out["country"] or (f[1].upper() or None)
    return out


def _prefix_len(prefix: str) -> int:
    try:
        return ipaddress.ip_network(prefix, strict=False).prefixlen
    except ValueError:
        return -1


def lookup_ips(resolver: dns.resolver.Resolver, ips: list[str]) -> tuple[dict, list[str]]:
    """Look up each IP; return ({ip: record}, errors). AS names are asked once per ASN."""
    by_ip: dict[str, dict] = {}
    errors: list[str] = []
    as_names: dict[int, list[str]] = {}
    for ip in ips:
        try:
            by_ip[ip] = lookup_ip(resolver, ip, as_names)
        except (DnsError, ValueError) as exc:
            errors.append(f"{ip}: {exc}")
            if isinstance(exc, DnsError) and exc.kind == "timeout":
                break
    return by_ip, errors
