"""DNS records of a portal (A/AAAA with CNAME chain, NS, MX) through the configured resolver."""

from __future__ import annotations

import ipaddress
from functools import cache

import dns.exception
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver
import tldextract

from config.errors import DnsError  # noqa: F401 - re-exported
from enrich.config import EnrichConfig


@cache
def _tld() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(name: str) -> str:
    """'www.shop.example.co.uk' -> 'example.co.uk' (the name itself when no suffix is known)."""
    name = name.strip().lower().rstrip(".")
    top = _tld()(name).top_domain_under_public_suffix
    return top or name


def make_resolver(config: EnrichConfig) -> dns.resolver.Resolver:
    """A resolver asking `config.dns_servers` (the system's resolvers when empty)."""
    if config.dns_servers:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [dns.nameserver.Do53Nameserver(h, p) for h, p in config.dns_servers]
    else:
        resolver = dns.resolver.Resolver(configure=True)
    resolver.timeout = config.dns_timeout
    resolver.lifetime = config.dns_timeout
    resolver.cache = None
    return resolver


def query(resolver: dns.resolver.Resolver, name: str, rdtype: str) -> tuple[list, list[str]]:
    """Return (rdatas, cname chain) for one question; [] on NoAnswer; DnsError on failure."""
    try:
        answer = resolver.resolve(dns.name.from_text(name), rdtype, search=False)
    except dns.resolver.NoAnswer:
        return [], []
    except dns.resolver.NXDOMAIN as exc:
        raise DnsError(f"NXDOMAIN: {name}", "nxdomain") from exc
    except dns.resolver.LifetimeTimeout as exc:
        raise DnsError(f"timeout asking {rdtype} {name}", "timeout") from exc
    except dns.resolver.NoNameservers as exc:
        raise DnsError(f"no server answered {rdtype} {name}: {exc}") from exc
    except dns.exception.DNSException as exc:
        raise DnsError(f"{type(exc).__name__} asking {rdtype} {name}: {exc}") from exc
    chain = [
        str(rd.target).rstrip(".").lower()
        for rrset in answer.response.answer
        if rrset.rdtype == dns.rdatatype.CNAME
        for rd in rrset
    ]
    return list(answer), chain


def resolve_portal(domain: str, config: EnrichConfig) -> tuple[dict, list[str]]:
    """Look up a portal: data {name, registrable, a, aaaa, cnames, ns, mx, mx_records} and errors.

    Addresses come from `domain`, or from www.<domain> when the bare domain has none; NS and MX
    from the registrable domain. A timeout stops further questions to a dead resolver.
    """
    domain = domain.strip().lower().rstrip(".")
    reg = registrable_domain(domain)
    resolver = make_resolver(config)
    data: dict = {"name": domain, "registrable": reg, "a": [], "aaaa": [], "cnames": []}
    data.update(ns=[], mx=[], mx_records=[])
    errors: list[str] = []
    candidates = [domain] + ([f"www.{domain}"] if domain == reg else [])
    for name in candidates:
        found, errs = False, []
        for rdtype, key in (("A", "a"), ("AAAA", "aaaa")):
            try:
                rdatas, chain = query(resolver, name, rdtype)
            except DnsError as exc:
                errs.append(str(exc))
                if exc.kind == "timeout":
                    return data, errors + errs
                if name == reg and exc.kind == "nxdomain":
                    data["nxdomain"] = True  # the domain does not exist: nothing below it either
                    return data, errors + errs
                break  # a refusal: no point asking the other family
            data[key] = sorted({rd.address for rd in rdatas}, key=_ip_key)
            data["cnames"] = list(dict.fromkeys([*data["cnames"], *chain]))
            found = found or bool(rdatas)
        if found:
            data["name"], errors = name, errs  # a fallback that answered clears the apex's errors
            break
        errors += errs
    if not data["a"] and not data["aaaa"] and not errors:
        errors.append(f"no A/AAAA record for {' or '.join(candidates)}")
    try:
        rdatas, _ = query(resolver, reg, "NS")
        data["ns"] = sorted(str(rd.target).rstrip(".").lower() for rd in rdatas)
    except DnsError as exc:
        errors.append(str(exc))
    try:
        rdatas, _ = query(resolver, reg, "MX")
        recs = sorted((rd.preference, str(rd.exchange).rstrip(".").lower()) for rd in rdatas)
        data["mx_records"] = [{"preference": p, "host": h} for p, h in recs]
        data["mx"] = [h for _, h in recs if h]
    except DnsError as exc:
        errors.append(str(exc))
    return data, errors


def _ip_key(ip: str) -> bytes:
    return ipaddress.ip_address(ip).packed
