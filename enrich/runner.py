"""Enrich one portal from every hosting source; summarise the results for a takedown request."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from enrich import asn as asn_source
from enrich import rdap
from enrich.cdn import detect_cdn
from enrich.config import EnrichConfig
from enrich.dns import make_resolver, registrable_domain, resolve_portal
from enrich.tls import fetch_certificate, parse_certificate

SOURCES = ("dns", "asn", "rdap_domain", "rdap_ip", "tls", "cdn")


@dataclass(slots=True)
class SourceResult:
    """What one source said about one portal (data may be partial when ok is False)."""

    source: str
    ok: bool
    data: dict | None = None
    error: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "ok": self.ok,
            "data": self.data,
            "error": self.error,
            "fetched_at": self.fetched_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> SourceResult:
        at = d["fetched_at"]
        at = datetime.fromisoformat(at) if isinstance(at, str) else at
        return cls(d["source"], bool(d["ok"]), d.get("data"), d.get("error"), _utc(at))

    def is_fresh(self, ttl_hours: float, now: datetime | None = None) -> bool:
        """A successful result younger than the time-to-live."""
        now = now or datetime.now(UTC)
        return self.ok and now - _utc(self.fetched_at) < timedelta(hours=ttl_hours)


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _run(source: str, fn: Callable[[], tuple[dict | None, list[str]]]) -> SourceResult:
    """Call a source; its errors (and any exception) are recorded, never raised."""
    try:
        data, errors = fn()
    except Exception as exc:  # noqa: BLE001 - a failing source must not stop the run
        return SourceResult(source, False, None, f"{type(exc).__name__}: {exc}")
    return SourceResult(source, not errors, data, "; ".join(errors) or None)


def enrich_domain(
    domain: str,
    config: EnrichConfig,
    tls: bool = False,
    *,
    headers: Mapping[str, str] | None = None,
    cache: Mapping[str, SourceResult] | None = None,
) -> dict[str, SourceResult]:
    """Ask every source about `domain`; {source: SourceResult}. Never raises for a source failure.

    `tls`: the portal is served over HTTPS (the certificate is read when config.tls is on too).
    `headers`: response headers from the crawl (CDN markers). `cache`: earlier results; fresh
    successful ones (config.ttl_hours) are reused instead of asked again.
    """
    domain = normalise_name(domain)
    cache = cache or {}
    now = datetime.now(UTC)

    def cached(source: str, check: Callable[[dict], bool] = lambda d: True) -> SourceResult | None:
        hit = cache.get(source)
        if hit is not None and hit.is_fresh(config.ttl_hours, now) and check(hit.data or {}):
            return hit
        return None

    out: dict[str, SourceResult] = {}
    literal = _ip_literal(domain)
    with ThreadPoolExecutor(max_workers=3) as pool:
        reg = registrable_domain(domain)
        if literal:  # a portal on a bare address: no name to resolve or registration to ask
            rdap_dom = SourceResult("rdap_domain", False, None, "an IP address has no registrar")
            out["dns"] = SourceResult("dns", True, _literal_dns(literal))
        else:
            rdap_dom = cached("rdap_domain") or pool.submit(
                _run, "rdap_domain", lambda: (rdap.lookup_domain(reg, config), [])
            )
            out["dns"] = cached("dns") or _run("dns", lambda: resolve_portal(domain, config))
        dns_data = out["dns"].data or {}
        ips = _addresses(dns_data, config.max_ips)

        jobs = {}
        if config.asn_source != "none":
            jobs["asn"] = cached("asn", lambda d: d.get("ips") == ips) or (
                pool.submit(_run, "asn", lambda: _asn(ips, config)) if ips else _no_ip("asn", out)
            )
        jobs["rdap_ip"] = cached("rdap_ip", lambda d: d.get("ips") == ips) or (
            pool.submit(_run, "rdap_ip", lambda: _rdap_ips(ips, config))
            if ips
            else _no_ip("rdap_ip", out)
        )
        if tls and config.tls:
            target = _tls_target(dns_data.get("name") or domain, domain, ips, config)
            jobs["tls"] = cached("tls", lambda d: d.get("address") == target) or _tls_job(
                pool, dns_data.get("name") or domain, target, config, out
            )
        out["rdap_domain"] = rdap_dom if isinstance(rdap_dom, SourceResult) else rdap_dom.result()
        for name, job in jobs.items():
            out[name] = job if isinstance(job, SourceResult) else job.result()

    asns = [
        r["asn"] for r in ((out.get("asn") and out["asn"].data) or {}).get("by_ip", {}).values()
    ]
    if headers or any(dns_data.get(k) for k in ("a", "aaaa", "ns", "cnames")):
        out["cdn"] = _run(
            "cdn",
            lambda: (
                detect_cdn(
                    ips=dns_data.get("a", []) + dns_data.get("aaaa", []),
                    ns=dns_data.get("ns", []),
                    cnames=dns_data.get("cnames", []),
                    headers=headers,
                    asns=asns,
                    extra_ranges=config.cdn_ranges,
                ),
                [],
            ),
        )
    else:
        out["cdn"] = SourceResult(
            "cdn", False, None, "nothing to judge from (no address, name server or header)"
        )
    return {k: out[k] for k in SOURCES if k in out}


def normalise_name(name: str) -> str:
    """'https://Www.Pänel.com/x' -> 'www.xn--pnel-loa.com' (host only, lower case, A-labels)."""
    name = name.strip()
    if "://" in name:
        name = urlsplit(name).hostname or ""
    name = name.split("/")[0].lower().rstrip(".")
    if name.startswith("["):  # an IPv6 literal as written in URLs
        return name.partition("]")[0].strip("[")
    if name.count(":") == 1:  # host:port
        name = name.partition(":")[0]
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name


def _ip_literal(name: str) -> str | None:
    try:
        return str(ipaddress.ip_address(name.strip("[]")))
    except ValueError:
        return None


def _literal_dns(ip: str) -> dict:
    family = "aaaa" if ":" in ip else "a"
    data = {"name": ip, "registrable": None, "a": [], "aaaa": [], "cnames": []}
    data.update(ns=[], mx=[], mx_records=[])
    data[family] = [ip]
    return data


def _addresses(dns_data: Mapping, limit: int) -> list[str]:
    return list(dns_data.get("a", [])[:limit]) + list(dns_data.get("aaaa", [])[:limit])


def _no_ip(source: str, out: Mapping[str, SourceResult]) -> SourceResult:
    why = out["dns"].error or "no address"
    return SourceResult(source, False, None, f"no IP address to look up ({why})")


def _asn(ips: list[str], config: EnrichConfig) -> tuple[dict, list[str]]:
    by_ip, errors = asn_source.lookup_ips(make_resolver(config), ips)
    return {"ips": ips, "source": config.asn_source, "by_ip": by_ip}, errors


def _rdap_ips(ips: list[str], config: EnrichConfig) -> tuple[dict, list[str]]:
    """One RDAP question per network: an IP inside an already-fetched network reuses it."""
    networks: list[dict] = []
    errors: list[str] = []
    for ip in ips:
        known = next((n for n in networks if _inside(ip, n)), None)
        if known is not None:
            networks.append({**known, "ip": ip})
            continue
        try:
            networks.append(rdap.lookup_ip(ip, config))
        except rdap.RdapError as exc:
            errors.append(f"{ip}: {exc}")
    return {"ips": ips, "networks": networks}, errors


def _inside(ip: str, net: Mapping) -> bool:
    try:
        addr = ipaddress.ip_address(ip)
        start, end = ipaddress.ip_address(net["start"]), ipaddress.ip_address(net["end"])
    except (KeyError, TypeError, ValueError):
        return False
    return addr.version == start.version == end.version and start <= addr <= end


def _tls_target(name: str, domain: str, ips: list[str], config: EnrichConfig) -> str | None:
    for key in (name, domain, registrable_domain(domain)):
        if key in config.tls_address_override:
            host, port = config.tls_address_override[key]
            return f"{host}:{port}"
    if not ips:
        return None
    ip = ips[0]
    return f"[{ip}]:{config.tls_port}" if ":" in ip else f"{ip}:{config.tls_port}"


def _tls_job(pool: ThreadPoolExecutor, name: str, target: str | None, config: EnrichConfig, out):
    if target is None:
        return _no_ip("tls", out)

    def job() -> tuple[dict, list[str]]:
        host, _, port = target.rpartition(":")
        der, info = fetch_certificate(host.strip("[]"), int(port), name, config.tls_timeout)
        return {"address": target, "server_name": name, **info, **parse_certificate(der, name)}, []

    return pool.submit(_run, "tls", job)


def enrich_many(
    domains: Iterable[str], config: EnrichConfig, tls: Iterable[str] = (), workers: int = 8
) -> dict[str, dict[str, SourceResult]]:
    """Enrich several portals concurrently; `tls` names the ones served over HTTPS."""
    https = {normalise_name(d) for d in tls}
    names = list(dict.fromkeys(normalise_name(d) for d in domains))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {d: pool.submit(enrich_domain, d, config, d in https) for d in names}
        return {d: f.result() for d, f in futures.items()}


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _date(value: str | None) -> str | None:
    """'2019-02-01T10:00:00Z' -> '2019-02-01' (UTC day)."""
    if not value:
        return None
    try:
        return _utc(datetime.fromisoformat(value.replace("Z", "+00:00"))).date().isoformat()
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
