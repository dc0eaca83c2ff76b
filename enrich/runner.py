"""Enrich one portal from every hosting source; summarise the results for a takedown request."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from urllib.parse import urlsplit

from enrich import asn as asn_source
from enrich import rdap
from enrich.cdn import detect_cdn
from enrich.config import EnrichConfig
from enrich.dns import make_resolver, registrable_domain, resolve_portal
from enrich.result import SourceResult
from enrich.summary import summarise
from enrich.tls import fetch_certificate, parse_certificate

__all__ = ["SOURCES", "SourceResult", "enrich_domain", "enrich_many", "summarise"]

SOURCES = ("dns", "asn", "rdap_domain", "rdap_ip", "tls", "cdn")


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
    # A fresh cached verdict that says the same is kept (callers store only what changed).
    if (hit := cached("cdn")) is not None and out["cdn"].ok and hit.data == out["cdn"].data:
        out["cdn"] = hit
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
