"""CDN detection: is the address a portal resolves to its host, or a CDN edge in front of it?"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from config.vocab import load

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class CdnProfile:
    """Markers of one CDN, read from config/vocab/cdn.toml."""

    key: str
    name: str
    asns: frozenset[int]
    ranges: tuple[IpNetwork, ...]
    ns_suffixes: tuple[str, ...]
    cname_suffixes: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]  # (lower-case header name, lower-case substring or "")


@cache
def _vocab_profiles() -> tuple[CdnProfile, ...]:
    return tuple(_profile(key, entry) for key, entry in load("cdn").items())


def _profile(key: str, entry: Mapping, extra_ranges: Iterable[str] = ()) -> CdnProfile:
    headers = []
    for marker in entry.get("headers", []):
        name, _, value = str(marker).partition(":")
        headers.append((name.strip().lower(), value.strip().lower()))
    return CdnProfile(
        key=key,
        name=str(entry.get("name", key)),
        asns=frozenset(int(a) for a in entry.get("asns", [])),
        ranges=tuple(
            ipaddress.ip_network(r, strict=False) for r in [*entry.get("ranges", []), *extra_ranges]
        ),
        ns_suffixes=tuple(_dotless(s) for s in entry.get("ns_suffixes", [])),
        cname_suffixes=tuple(_dotless(s) for s in entry.get("cname_suffixes", [])),
        headers=tuple(headers),
    )


def profiles(extra_ranges: Mapping[str, Iterable[str]] | None = None) -> tuple[CdnProfile, ...]:
    """The CDN profiles of the vocabulary, with `extra_ranges` {cdn key: [cidr]} added."""
    base = _vocab_profiles()
    if not extra_ranges:
        return base
    out = []
    raw = load("cdn")
    for key in {*raw, *extra_ranges}:
        out.append(_profile(key, raw.get(key, {"name": key}), extra_ranges.get(key, ())))
    return tuple(out)


def _dotless(name: str) -> str:
    return name.strip().lower().strip(".").removeprefix("*.")


def _suffix_match(name: str, suffix: str) -> bool:
    name = _dotless(name)
    return name == suffix or name.endswith("." + suffix)


def detect_cdn(
    ips: Iterable[str] = (),
    ns: Iterable[str] = (),
    cnames: Iterable[str] = (),
    headers: Mapping[str, str] | None = None,
    asns: Iterable[int] = (),
    extra_ranges: Mapping[str, Iterable[str]] | None = None,
) -> dict:
    """Return {"cdn", "cdn_name", "origin_hidden", "dns_provider", "cdn_ips", "evidence"}.

    Addresses in a CDN range or ASN, CNAMEs into a CDN and CDN response headers prove that the
    CDN proxies the portal (origin_hidden: the IPs are the CDN's, not the host's). Name servers
    alone only name the DNS provider.
    """
    ip_list = [str(i) for i in ips]
    asn_set = {int(a) for a in asns}
    hdrs = {str(k).lower(): str(v).lower() for k, v in (headers or {}).items()}
    evidence: list[dict] = []
    cdn_ips: list[str] = []
    dns_provider = None
    for p in profiles(extra_ranges):
        for ip in ip_list:
            addr = _address(ip)
            net = next((n for n in p.ranges if addr is not None and addr in n), None)
            if net is not None:
                evidence.append({"cdn": p.key, "kind": "ip_range", "value": f"{ip} in {net}"})
                cdn_ips.append(ip)
        for asn in sorted(asn_set & p.asns):
            evidence.append({"cdn": p.key, "kind": "asn", "value": f"AS{asn}"})
        for cname in cnames:
            if any(_suffix_match(cname, s) for s in p.cname_suffixes):
                evidence.append({"cdn": p.key, "kind": "cname", "value": _dotless(cname)})
        for name, needle in p.headers:
            if name in hdrs and needle in hdrs[name]:
                evidence.append({"cdn": p.key, "kind": "header", "value": f"{name}: {hdrs[name]}"})
        if dns_provider is None and any(_suffix_match(n, s) for n in ns for s in p.ns_suffixes):
            dns_provider = p.key
            evidence.append(
                {"cdn": p.key, "kind": "ns", "value": ",".join(sorted(map(_dotless, ns)))}
            )
    proxy = [e for e in evidence if e["kind"] != "ns"]
    cdn = _strongest(proxy)
    return {
        "cdn": cdn,
        "cdn_name": next((p.name for p in profiles(extra_ranges) if p.key == cdn), None),
        "origin_hidden": cdn is not None,
        "dns_provider": dns_provider,
        "cdn_ips": sorted(set(cdn_ips)),
        "evidence": evidence,
    }


def _strongest(evidence: list[dict]) -> str | None:
    weight = {"ip_range": 3, "asn": 3, "cname": 2, "header": 1}
    score: dict[str, int] = {}
    for e in evidence:
        score[e["cdn"]] = score.get(e["cdn"], 0) + weight[e["kind"]]
    return max(score, key=lambda k: score[k]) if score else None


def _address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(ip)
    except ValueError:
        return None
