"""The contract's "hosting" object of one portal, from its enrichment results."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from enrich.result import SourceResult, utc

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _date(value: str | None) -> str | None:
    """'2019-02-01T10:00:00Z' -> '2019-02-01' (UTC day)."""
    if not value:
        return None
    try:
        return utc(datetime.fromisoformat(value.replace("Z", "+00:00"))).date().isoformat()
    except ValueError:
        m = _DATE.match(value)
        return m.group(0) if m else None


def summarise(results: Mapping[str, SourceResult]) -> dict:
    """The contract's "hosting" object of one portal, built for a takedown request."""
    data = {k: (r.data or {}) for k, r in results.items()}
    dns_d, asn_d, dom = data.get("dns", {}), data.get("asn", {}), data.get("rdap_domain", {})
    cdn_d, tls_d = data.get("cdn", {}), data.get("tls", {})
    ips, ipv6 = list(dns_d.get("a", [])), list(dns_d.get("aaaa", []))
    by_ip = asn_d.get("by_ip", {})
    first = next((by_ip[ip] for ip in ips + ipv6 if ip in by_ip), {})
    networks = [
        {k: n.get(k) for k in ("ip", "name", "handle", "cidr", "country", "abuse_email")}
        for n in data.get("rdap_ip", {}).get("networks", [])
    ]
    registrar = dom.get("registrar") or {}
    tls = None
    if tls_d:
        tls = {
            k: tls_d.get(k)
            for k in (
                "issuer",
                "issuer_org",
                "subject_cn",
                "sans",
                "not_before",
                "not_after",
                "self_signed",
                "covers_domain",
                "sha256",
            )
        }
    abuse = [registrar.get("abuse_email")] + [n["abuse_email"] for n in networks]
    at = [r.fetched_at for r in results.values()]
    return {
        "domain": dom.get("domain") or dns_d.get("registrable") or dns_d.get("name"),
        "host": dns_d.get("name"),
        "ips": ips,
        "ipv6": ipv6,
        "cnames": list(dns_d.get("cnames", [])),
        "ns": list(dns_d.get("ns", [])),
        "mx": list(dns_d.get("mx", [])),
        "asn": first.get("asn"),
        "as_name": first.get("as_name"),
        "country": first.get("country")
        or next((n["country"] for n in networks if n["country"]), None),
        "prefix": first.get("prefix"),
        "asns": sorted({r["asn"] for r in by_ip.values()}),
        "cdn": cdn_d.get("cdn"),
        "cdn_name": cdn_d.get("cdn_name"),
        "origin_hidden": bool(cdn_d.get("origin_hidden")),
        "dns_provider": cdn_d.get("dns_provider"),
        "cdn_evidence": [f"{e['kind']}: {e['value']}" for e in cdn_d.get("evidence", [])],
        "registrar": {k: registrar.get(k) for k in ("name", "iana_id", "abuse_email")}
        if registrar
        else None,
        "created": _date(dom.get("created")),
        "expires": _date(dom.get("expires")),
        "domain_status": list(dom.get("status", [])),
        "ip_networks": networks,
        "abuse_emails": sorted({e for e in abuse if e}),
        "tls": tls,
        "errors": {k: r.error for k, r in results.items() if r.error},
        "checked_at": max(at).isoformat() if at else None,
    }


def current(results: Iterable[SourceResult]) -> dict[str, SourceResult]:
    """The answer of each source to report: its newest successful one.

    A newer failure (a refresh that could not reach the source) never replaces good facts: the
    good answer is kept, and the failure is named in its `error` (so `hosting.errors` shows it).
    A source that never answered well reports its newest failure."""
    good: dict[str, SourceResult] = {}
    failed: dict[str, SourceResult] = {}
    for r in sorted(results, key=lambda r: utc(r.fetched_at)):
        if r.ok:
            good[r.source] = r
            failed.pop(r.source, None)
        else:
            failed[r.source] = r
    out = {}
    for source in {**good, **failed}:
        ok, bad = good.get(source), failed.get(source)
        if ok is None:
            out[source] = bad
        elif bad is None:
            out[source] = ok
        else:
            note = (
                f"refresh failed at {utc(bad.fetched_at).isoformat()}: {bad.error}; "
                f"facts as of {utc(ok.fetched_at).isoformat()}"
            )
            out[source] = SourceResult(source, True, ok.data, note, ok.fetched_at)
    return out
