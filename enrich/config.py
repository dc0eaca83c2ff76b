"""Settings of the hosting enrichment, built from flat UPPER_SNAKE settings (Scrapy-style)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PUBLIC_RDAP = "https://rdap.org/"
ASN_SOURCES = ("cymru-dns", "none")


@dataclass(frozen=True, slots=True)
class EnrichConfig:
    """Where every enrichment source is asked, and how long to wait."""

    dns_servers: tuple[tuple[str, int], ...] = ()  # empty: the system resolver
    dns_timeout: float = 5.0
    rdap_domain_url: str = PUBLIC_RDAP
    rdap_ip_url: str = PUBLIC_RDAP
    rdap_timeout: float = 15.0
    rdap_retries: int = 2  # after a 429/503 asking to retry within rdap_retry_wait seconds
    rdap_retry_wait: float = 10.0
    rdap_proxy: str | None = None  # http(s) proxy for RDAP; None: direct, environment ignored
    asn_source: str = "cymru-dns"
    tls: bool = True
    tls_port: int = 443
    tls_timeout: float = 10.0
    tls_address_override: dict[str, tuple[str, int]] = field(default_factory=dict)
    ttl_hours: float = 24.0 * 7
    cdn_ranges: dict[str, tuple[str, ...]] = field(default_factory=dict)  # extra, beyond the vocab
    max_ips: int = 4  # per address family, for ASN / RDAP / TLS look-ups
    user_agent: str = "smmatlas-enrich/0.1 (+https://github.com/smmatlas)"

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None = None) -> EnrichConfig:
        """Build from a flat mapping (dict, Scrapy Settings, os.environ); unknown keys ignored."""
        s = settings or {}
        d = cls()
        asn_source = str(_get(s, "ENRICH_ASN_SOURCE", d.asn_source)).strip().lower()
        if asn_source not in ASN_SOURCES:
            raise ValueError(f"ENRICH_ASN_SOURCE must be one of {ASN_SOURCES}, not {asn_source!r}")
        overrides = _mapping(_get(s, "ENRICH_TLS_ADDRESS_OVERRIDE", None))
        ranges = _cdn_ranges(_get(s, "ENRICH_CDN_RANGES", None))
        return cls(
            dns_servers=tuple(
                parse_hostport(x, 53) for x in _listing(_get(s, "ENRICH_DNS_SERVERS"))
            ),
            dns_timeout=float(_get(s, "ENRICH_DNS_TIMEOUT", d.dns_timeout)),
            rdap_domain_url=str(_get(s, "ENRICH_RDAP_DOMAIN_URL", d.rdap_domain_url)),
            rdap_ip_url=str(_get(s, "ENRICH_RDAP_IP_URL", d.rdap_ip_url)),
            rdap_timeout=float(_get(s, "ENRICH_RDAP_TIMEOUT", d.rdap_timeout)),
            rdap_retries=int(_get(s, "ENRICH_RDAP_RETRIES", d.rdap_retries)),
            rdap_retry_wait=float(_get(s, "ENRICH_RDAP_RETRY_WAIT", d.rdap_retry_wait)),
            rdap_proxy=_get(s, "ENRICH_RDAP_PROXY", None) or None,
            asn_source=asn_source,
            tls=_boolean(_get(s, "ENRICH_TLS", d.tls)),
            tls_port=int(_get(s, "ENRICH_TLS_PORT", d.tls_port)),
            tls_timeout=float(_get(s, "ENRICH_TLS_TIMEOUT", d.tls_timeout)),
            tls_address_override={
                str(k).lower().rstrip("."): parse_hostport(str(v), 443)
                for k, v in overrides.items()
            },
            ttl_hours=float(_get(s, "ENRICH_TTL_HOURS", d.ttl_hours)),
            cdn_ranges={str(k): tuple(_listing(v)) for k, v in ranges.items()},
            max_ips=int(_get(s, "ENRICH_MAX_IPS", d.max_ips)),
            user_agent=str(_get(s, "ENRICH_USER_AGENT", d.user_agent)),
        )


def parse_hostport(value: str, default_port: int) -> tuple[str, int]:
    """'1.2.3.4:5353' / '[::1]:53' / '::1' / 'host' -> (host, port)."""
    value = value.strip()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else default_port
    if value.count(":") == 1:
        host, port = value.split(":")
        return host, int(port)
    return value, default_port


def _get(settings: Mapping[str, Any], key: str, default: Any = None) -> Any:
    value = settings.get(key, default)
    return default if value is None or value == "" else value


def _listing(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return [str(x) for x in json.loads(text)]
        return [x.strip() for x in text.split(",") if x.strip()]
    return [str(x) for x in value]


def _mapping(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a mapping, got {value!r}")
    return dict(value)


def _cdn_ranges(value: Any) -> dict[str, Any]:
    """{cdn: [cidr]} given inline (mapping / JSON) or as a .toml/.json file of that shape or of
    config/vocab/cdn.toml's shape ({cdn: {ranges = [...]}})."""
    if isinstance(value, str | Path) and not str(value).lstrip().startswith("{"):
        path = Path(value)
        text = path.read_text(encoding="utf-8")
        value = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    table = _mapping(value)
    return {k: (v.get("ranges", []) if isinstance(v, Mapping) else v) for k, v in table.items()}


def _boolean(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
