"""Hosting enrichment against local doubles: DNS (UDP/TCP), RDAP (HTTP) and a TLS server."""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
import threading
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from enrich.cdn import detect_cdn
from enrich.config import EnrichConfig
from enrich.rdap import parse_domain, parse_ip
from enrich.runner import SourceResult, enrich_domain, enrich_many, normalise_name, summarise
from enrich.tls import covers
from sandbox.dns import DnsDouble
from sandbox.rdap import RdapDouble

SITES = [
    {
        "host": "www.boostfollowers-cf.com",
        "domain": "boostfollowers-cf.com",
        "url": "https://www.boostfollowers-cf.com/",
        "hosting": {
            "ipv4": ["104.21.33.7", "172.67.140.9"],
            "ipv6": ["2606:4700:3031::ac43:8c09"],
            "ns": ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
            "mx": ["mx1.zoho.in", "mx2.zoho.in"],
            "asn": 13335,
            "as_name": "CLOUDFLARENET",
            "country": "US",
            "cdn": "cloudflare",
            "ip_network": {"name": "CLOUDFLARENET", "abuse_email": "abuse@cloudflare.com"},
            "registrar": {
                "name": "NameCheap, Inc.",
                "iana_id": 1068,
                "abuse_email": "abuse@namecheap.com",
            },
            "created": "2019-02-01",
            "expires": "2027-02-01",
            "tls": True,
        },
    },
    {
        "host": "smmking-panel.in",
        "domain": "smmking-panel.in",
        "url": "http://smmking-panel.in/",
        "hosting": {
            "ipv4": ["203.0.113.45"],
            "ipv6": [],
            "ns": ["ns1.hostinger.in", "ns2.hostinger.in"],
            "mx": ["mx1.hostinger.in"],
            "asn": 47583,
            "as_name": "AS-HOSTINGER",
            "country": "IN",
            "cdn": None,
            "ip_network": {"name": "HOSTINGER-IN", "abuse_email": "abuse@hostinger.com"},
            "registrar": {
                "name": "GoDaddy.com, LLC",
                "iana_id": 146,
                "abuse_email": "abuse@godaddy.com",
            },
            "created": "2020-06-11",
            "expires": "2026-06-11",
        },
    },
    {
        "host": "www.cheaplikes.net",
        "domain": "cheaplikes.net",
        "url": "https://www.cheaplikes.net/",
        "hosting": {
            "ipv4": ["198.51.100.20"],
            "ipv6": ["2001:db8:10::20"],
            "ns": ["ns1.njalla.no", "ns2.njalla.no"],
            "mx": [],
            "asn": 24940,
            "as_name": "HETZNER-AS",
            "country": "DE",
            "cdn": None,
            "ip_network": {"name": "HETZNER-FSN1-DC14", "abuse_email": "abuse@hetzner.com"},
            "registrar": {
                "name": "Njalla Okta LLC",
                "iana_id": 2155,
                "abuse_email": "abuse@njal.la",
            },
            "created": "2021-11-30",
            "expires": "2026-11-30",
            "tls": True,
        },
    },
    {
        "host": "gone-panel.com",
        "domain": "gone-panel.com",
        "url": "http://gone-panel.com/",
        "dead": True,
    },
]


@pytest.fixture()
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"epoch": "late", "seed": 1, "sites": SITES}))
    return path


def _self_signed(tmp_path: Path, names: list[str]) -> tuple[Path, Path, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    issuer = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sandbox Test CA"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Sandbox R3"),
        ]
    )
    now = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(0x5EED)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=90))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{names[0]}.pem", tmp_path / f"{names[0]}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path, cert


class TlsServer:
    """Accepts TLS handshakes on 127.0.0.1 with one certificate, then hangs up."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.server_names: list[str | None] = []
        self.ctx.sni_callback = lambda s, name, c: self.server_names.append(name)
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            try:
                conn.settimeout(2)
                with self.ctx.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                conn.close()

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()


@pytest.fixture()
def doubles(manifest: Path, tmp_path: Path):
    dns_double = DnsDouble.from_manifest(manifest).start()
    rdap_double = RdapDouble.from_manifest(manifest, redirect=True).start()
    tls_servers, certs = {}, {}
    for site in SITES:
        if site.get("hosting", {}).get("tls"):
            cert_path, key_path, cert = _self_signed(tmp_path, [site["domain"], site["host"]])
            tls_servers[site["domain"]] = TlsServer(cert_path, key_path)
            certs[site["domain"]] = cert
    settings = {
        "ENRICH_DNS_SERVERS": dns_double.address,
        "ENRICH_DNS_TIMEOUT": "0.5",
        "ENRICH_RDAP_DOMAIN_URL": rdap_double.url,
        "ENRICH_RDAP_IP_URL": rdap_double.url,
        "ENRICH_RDAP_TIMEOUT": "1",
        "ENRICH_ASN_SOURCE": "cymru-dns",
        "ENRICH_TLS": "true",
        "ENRICH_TLS_TIMEOUT": "1",
        "ENRICH_TLS_ADDRESS_OVERRIDE": json.dumps(
            {d: f"127.0.0.1:{s.port}" for d, s in tls_servers.items()}
        ),
    }
    yield {
        "dns": dns_double,
        "rdap": rdap_double,
        "tls": tls_servers,
        "certs": certs,
        "settings": settings,
    }
    dns_double.stop()
    rdap_double.stop()
    for server in tls_servers.values():
        server.close()


def test_full_enrichment_through_doubles_fills_every_field(doubles) -> None:
    config = EnrichConfig.from_settings(doubles["settings"])
    for site in SITES[:3]:
        want = site["hosting"]
        results = enrich_domain(site["domain"], config, tls=bool(want.get("tls")))
        assert all(isinstance(r, SourceResult) for r in results.values())
        assert {k: r.error for k, r in results.items() if not r.ok} == {}
        got = summarise(results)
        assert got["errors"] == {}
        assert got["domain"] == site["domain"]
        assert got["ips"] == want["ipv4"]
        assert got["ipv6"] == want["ipv6"]
        assert got["ns"] == sorted(want["ns"])
        assert got["mx"] == want["mx"]
        assert (got["asn"], got["as_name"], got["country"]) == (
            want["asn"],
            want["as_name"],
            want["country"],
        )
        assert got["cdn"] == want["cdn"]
        assert got["origin_hidden"] is (want["cdn"] is not None)
        if want["cdn"] == "cloudflare":
            assert "ip_range: 104.21.33.7 in 104.16.0.0/13" in got["cdn_evidence"]
            assert "asn: AS13335" in got["cdn_evidence"] and got["dns_provider"] == "cloudflare"
        assert got["registrar"] == want["registrar"]
        assert (got["created"], got["expires"]) == (want["created"], want["expires"])
        addresses = want["ipv4"] + want["ipv6"]
        assert [n["ip"] for n in got["ip_networks"]] == addresses
        assert {n["name"] for n in got["ip_networks"]} == {want["ip_network"]["name"]}
        assert {n["abuse_email"] for n in got["ip_networks"]} == {want["ip_network"]["abuse_email"]}
        assert all(n["handle"] and n["cidr"] for n in got["ip_networks"])
        assert set(got["abuse_emails"]) == {
            want["registrar"]["abuse_email"],
            want["ip_network"]["abuse_email"],
        }
        if want.get("tls"):
            cert = doubles["certs"][site["domain"]]
            assert got["tls"]["issuer"] == "CN=Sandbox R3,O=Sandbox Test CA"
            assert got["tls"]["sans"] == [site["domain"], site["host"]]
            assert got["tls"]["not_before"] == cert.not_valid_before_utc.isoformat()
            assert got["tls"]["not_after"] == cert.not_valid_after_utc.isoformat()
            assert got["tls"]["covers_domain"] is True
            assert doubles["tls"][site["domain"]].server_names[-1] == site["domain"]
        else:
            assert got["tls"] is None and "tls" not in results
    # The RDAP client followed the bootstrap-style redirect and hit the registry path.
    assert any(p.startswith("/registry/domain/") for p in doubles["rdap"].requests)
    # Two Cloudflare IPv4 addresses in different /24s, one IPv6: three networks asked.
    asked_ip = [p for p in doubles["rdap"].requests if p.startswith("/registry/ip/")]
    assert len(asked_ip) == len(set(asked_ip)) == 3 + 1 + 2


def test_dead_dns_server_is_recorded_not_fatal(doubles) -> None:
    doubles["dns"].mute = True
    settings = {**doubles["settings"], "ENRICH_DNS_TIMEOUT": "0.3"}
    config = EnrichConfig.from_settings(settings)
    started = time.monotonic()
    results = enrich_domain("smmking-panel.in", config)
    assert time.monotonic() - started < 3
    assert not results["dns"].ok and "timeout" in results["dns"].error
    assert not results["asn"].ok and "no IP address" in results["asn"].error
    assert not results["rdap_ip"].ok
    assert results["rdap_domain"].ok  # RDAP does not need the resolver
    got = summarise(results)
    assert got["registrar"]["name"] == "GoDaddy.com, LLC"
    assert got["ips"] == [] and got["asn"] is None and got["origin_hidden"] is False
    assert set(got["errors"]) == {"dns", "asn", "rdap_ip", "cdn"}


def test_no_dns_server_listening_is_recorded(doubles) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    settings = {
        **doubles["settings"],
        "ENRICH_DNS_SERVERS": f"127.0.0.1:{free}",
        "ENRICH_DNS_TIMEOUT": "0.3",
    }
    results = enrich_domain("cheaplikes.net", EnrichConfig.from_settings(settings), tls=True)
    assert not results["dns"].ok and results["dns"].error
    assert results["rdap_domain"].ok
    # TLS goes to the override address, so the certificate is still read.
    assert results["tls"].ok and results["tls"].data["sans"][0] == "cheaplikes.net"


def test_failing_rdap_is_recorded_and_other_sources_fill(doubles) -> None:
    rdap_double = doubles["rdap"]
    rdap_double.faults = {"domain/smmking-panel.in": "500", "ip/203.0.113.45": "garbage"}
    config = EnrichConfig.from_settings(doubles["settings"])
    results = enrich_domain("smmking-panel.in", config)
    assert not results["rdap_domain"].ok and "HTTP 500" in results["rdap_domain"].error
    assert not results["rdap_ip"].ok and "not JSON" in results["rdap_ip"].error
    got = summarise(results)
    assert got["ips"] == ["203.0.113.45"] and got["asn"] == 47583
    assert got["registrar"] is None and got["ip_networks"] == []
    assert set(got["errors"]) == {"rdap_domain", "rdap_ip"}

    rdap_double.faults = {"*": "wrong-object"}
    results = enrich_domain("cheaplikes.net", config)
    assert "not 'domain'" in results["rdap_domain"].error
    rdap_double.faults = {}
    results = enrich_domain("unknown-panel.org", config)
    assert "HTTP 404" in results["rdap_domain"].error
    assert "NXDOMAIN" in results["dns"].error and results["dns"].data["nxdomain"] is True


def test_rdap_server_down_is_recorded(doubles) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    settings = {**doubles["settings"], "ENRICH_RDAP_DOMAIN_URL": dead, "ENRICH_RDAP_IP_URL": dead}
    results = enrich_domain("smmking-panel.in", EnrichConfig.from_settings(settings))
    assert "cannot reach" in results["rdap_domain"].error
    assert results["dns"].ok and results["asn"].ok


def test_tls_refused_is_recorded(doubles) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        closed = probe.getsockname()[1]
    settings = {
        **doubles["settings"],
        "ENRICH_TLS_ADDRESS_OVERRIDE": {"smmking-panel.in": f"127.0.0.1:{closed}"},
    }
    results = enrich_domain("smmking-panel.in", EnrichConfig.from_settings(settings), tls=True)
    assert not results["tls"].ok and "cannot connect" in results["tls"].error
    assert results["dns"].ok and results["rdap_domain"].ok


def test_cloudflare_ip_marks_origin_hidden() -> None:
    cf = detect_cdn(ips=["104.16.132.229"], ns=["ns1.hostinger.in"])
    assert cf["cdn"] == "cloudflare" and cf["origin_hidden"] is True
    assert cf["cdn_ips"] == ["104.16.132.229"]
    assert detect_cdn(ips=["2606:4700::6810:84e5"])["cdn"] == "cloudflare"
    # Cloudflare DNS with a grey-clouded (DNS only) record: the origin is exposed.
    dns_only = detect_cdn(
        ips=["203.0.113.9"], ns=["kim.ns.cloudflare.com", "lou.ns.cloudflare.com"]
    )
    assert dns_only["cdn"] is None and dns_only["origin_hidden"] is False
    assert dns_only["dns_provider"] == "cloudflare"
    assert detect_cdn(ips=["198.51.100.1"], asns=[24940])["cdn"] is None
    assert detect_cdn(ips=["198.51.100.1"], asns=[57724])["cdn"] == "ddos-guard"
    assert detect_cdn(cnames=["shop.example.com.edgekey.net"])["cdn"] == "akamai"
    assert detect_cdn(headers={"Server": "DDoS-Guard"})["cdn"] == "ddos-guard"
    assert detect_cdn(headers={"X-Sucuri-ID": "18012"})["cdn"] == "sucuri"
    assert detect_cdn(ips=["151.101.1.69"])["cdn"] == "fastly"
    extra = detect_cdn(ips=["198.51.100.7"], extra_ranges={"mycdn": ["198.51.100.0/24"]})
    assert extra["cdn"] == "mycdn" and extra["origin_hidden"] is True


def test_cdn_ranges_setting_reaches_detection(doubles, tmp_path: Path) -> None:
    settings = {**doubles["settings"], "ENRICH_CDN_RANGES": '{"sandbox-cdn": ["203.0.113.0/24"]}'}
    results = enrich_domain("smmking-panel.in", EnrichConfig.from_settings(settings))
    assert summarise(results)["cdn"] == "sandbox-cdn" and summarise(results)["origin_hidden"]
    ranges = tmp_path / "ranges.toml"
    ranges.write_text('[akamai]\nranges = ["198.51.100.0/24"]\n')
    settings["ENRICH_CDN_RANGES"] = str(ranges)
    # A file in the vocabulary's shape adds ranges to a known CDN; a plain IP stays uncovered.
    results = enrich_domain("https://WWW.CheapLikes.net/", EnrichConfig.from_settings(settings))
    got = summarise(results)
    assert (
        got["cdn"] == "akamai"
        and got["cdn_name"] == "Akamai"
        and got["host"] == "www.cheaplikes.net"
    )
    assert detect_cdn(ips=["198.51.100.20"])["cdn"] is None


def test_cache_reuses_fresh_results_and_refreshes_stale(doubles) -> None:
    config = EnrichConfig.from_settings({**doubles["settings"], "ENRICH_TTL_HOURS": "1"})
    first = enrich_domain("smmking-panel.in", config)
    asked = len(doubles["rdap"].requests)
    queried = len(doubles["dns"].queries)
    again = enrich_domain("smmking-panel.in", config, cache=first)
    assert len(doubles["rdap"].requests) == asked and len(doubles["dns"].queries) == queried
    assert all(again[k] is first[k] for k in first)  # every answer reused, the CDN verdict too
    assert summarise(again)["registrar"] == summarise(first)["registrar"]
    stored = {
        k: SourceResult.from_dict(json.loads(json.dumps(r.to_dict()))) for k, r in first.items()
    }
    stored["rdap_domain"].fetched_at -= dt.timedelta(hours=2)
    enrich_domain("smmking-panel.in", config, cache=stored)
    assert len(doubles["rdap"].requests) == asked + 2  # redirect + registry answer
    assert len(doubles["dns"].queries) == queried


def test_enrich_many_and_tcp_answers(doubles) -> None:
    import dns.message
    import dns.query

    config = EnrichConfig.from_settings(doubles["settings"])
    many = enrich_many([s["domain"] for s in SITES], config, tls=["cheaplikes.net"], workers=4)
    assert list(many) == [s["domain"] for s in SITES]
    assert many["gone-panel.com"]["dns"].data["nxdomain"] is True
    assert many["cheaplikes.net"]["tls"].ok
    reply = dns.query.tcp(
        dns.message.make_query("45.113.0.203.origin.asn.cymru.com", "TXT"),
        "127.0.0.1",
        port=doubles["dns"].port,
        timeout=1,
    )
    assert reply.answer[0][0].strings[0].decode() == "47583 | 203.0.113.0/24 | IN | apnic | "


def test_rdap_parsers_on_registry_shapes() -> None:
    # RIPE-style network: abuse entity at the top level, e-mail given as a mailto URI.
    ripe = {
        "objectClassName": "ip network",
        "handle": "185.178.208.0 - 185.178.211.255",
        "startAddress": "185.178.208.0",
        "endAddress": "185.178.211.255",
        "name": "DDOS-GUARD-NET",
        "country": "ru",
        "entities": [
            {
                "roles": ["registrant"],
                "handle": "ORG-DL236-RIPE",
                "vcardArray": ["vcard", [["fn", {}, "text", "DDOS-GUARD LTD"]]],
            },
            {
                "roles": ["abuse"],
                "handle": "AR44380-RIPE",
                "vcardArray": [
                    "vcard",
                    [
                        ["version", {}, "text", "4.0"],
                        ["email", {}, "uri", "mailto:Abuse@DDoS-Guard.net"],
                    ],
                ],
            },
        ],
    }
    net = parse_ip(ripe, "185.178.208.1")
    assert (net["name"], net["country"], net["org"]) == ("DDOS-GUARD-NET", "RU", "DDOS-GUARD LTD")
    assert net["abuse_email"] == "abuse@ddos-guard.net" and net["cidr"] == "185.178.208.0/22"
    # A registry answer with the registrar's IANA ID only in publicIds and a registrant abuse
    # entity that is not the registrar's: the registrar's own abuse contact wins.
    dom = {
        "objectClassName": "domain",
        "ldhName": "Example-Panel.COM",
        "entities": [
            {
                "roles": ["registrant"],
                "entities": [
                    {
                        "roles": ["abuse"],
                        "vcardArray": ["vcard", [["email", {}, "text", "owner@x.test"]]],
                    }
                ],
            },
            {
                "roles": ["registrar"],
                "handle": "292",
                "publicIds": [{"type": "IANA Registrar ID", "identifier": "292"}],
                "vcardArray": [
                    "vcard",
                    [["version", {}, "text", "4.0"], ["fn", {}, "text", "MarkMonitor Inc."]],
                ],
                "entities": [
                    {
                        "roles": ["abuse"],
                        "vcardArray": [
                            "vcard",
                            [
                                ["email", {}, "text", "abusecomplaints@markmonitor.com"],
                                ["tel", {"type": "voice"}, "uri", "tel:+1.2086851750"],
                            ],
                        ],
                    }
                ],
            },
        ],
        "events": [
            {"eventAction": "registration", "eventDate": "2018-03-04T22:10:00.000+05:30"},
            {"eventAction": "expiration", "eventDate": "2027-03-04T16:40:00Z"},
        ],
    }
    parsed = parse_domain(dom)
    assert parsed["domain"] == "example-panel.com"
    assert parsed["registrar"] == {
        "name": "MarkMonitor Inc.",
        "iana_id": 292,
        "abuse_email": "abusecomplaints@markmonitor.com",
        "abuse_phone": "+1.2086851750",
    }
    summary = summarise({"rdap_domain": SourceResult("rdap_domain", True, parsed)})
    # JSContact instead of jCard (RDAP's vCard successor): same fields come out.
    js = {
        "objectClassName": "ip network",
        "name": "EXAMPLE-NET",
        "entities": [
            {
                "roles": ["registrant"],
                "jscontact_card": {"organizations": {"o1": {"name": "Example Hosting Ltd"}}},
                "entities": [
                    {
                        "roles": ["abuse"],
                        "jscontact_card": {
                            "name": {"full": "Abuse Desk"},
                            "emails": {"e1": {"address": "mailto:Abuse@Example-Hosting.test"}},
                        },
                    }
                ],
            }
        ],
    }
    assert parse_ip(js, "192.0.2.1")["org"] == "Example Hosting Ltd"
    assert parse_ip(js, "192.0.2.1")["abuse_email"] == "abuse@example-hosting.test"
    assert (summary["created"], summary["expires"]) == ("2018-03-04", "2027-03-04")


def test_config_parsing_and_wildcards() -> None:
    c = EnrichConfig.from_settings(
        {
            "ENRICH_DNS_SERVERS": "127.0.0.1:5353, [::1]:53,10.0.0.1",
            "ENRICH_TLS": "0",
            "ENRICH_TTL_HOURS": 6,
        }
    )
    assert c.dns_servers == (("127.0.0.1", 5353), ("::1", 53), ("10.0.0.1", 53))
    assert c.tls is False and c.ttl_hours == 6 and c.rdap_domain_url == "https://rdap.org/"
    assert EnrichConfig.from_settings({}).dns_servers == ()
    with pytest.raises(ValueError):
        EnrichConfig.from_settings({"ENRICH_ASN_SOURCE": "whois"})
    assert covers("www.panel.com", ["*.panel.com"]) and not covers("a.b.panel.com", ["*.panel.com"])
    assert not covers("panel.com", ["*.panel.com"])


def test_portal_on_a_bare_address(doubles) -> None:
    config = EnrichConfig.from_settings(doubles["settings"])
    results = enrich_domain("http://203.0.113.45:8080/services", config)
    got = summarise(results)
    assert got["ips"] == ["203.0.113.45"] and got["asn"] == 47583 and got["country"] == "IN"
    assert got["ip_networks"][0]["abuse_email"] == "abuse@hostinger.com"
    assert set(got["errors"]) == {"rdap_domain"}
    assert normalise_name("[2001:db8::1]:443") == "2001:db8::1"
    assert normalise_name("Pänel.COM.") == "xn--pnel-loa.com"


def test_large_answer_is_truncated_over_udp_and_fetched_over_tcp() -> None:
    from enrich.dns import make_resolver, query

    many = [f"198.51.100.{i}" for i in range(1, 121)]
    with DnsDouble({"big-panel.com": {"A": many}}) as double:
        config = EnrichConfig.from_settings({"ENRICH_DNS_SERVERS": [double.address]})
        rdatas, _ = query(make_resolver(config), "big-panel.com", "A")
        assert sorted(rd.address for rd in rdatas) == sorted(many)
    assert double.queries == [("big-panel.com", "A")] * 2  # UDP (truncated), then TCP


def test_rdap_rate_limit_is_retried(doubles) -> None:
    doubles["rdap"].faults = {"domain/cheaplikes.net": "429"}
    config = EnrichConfig.from_settings(doubles["settings"])
    results = enrich_domain("cheaplikes.net", config)
    assert results["rdap_domain"].ok, results["rdap_domain"].error
    assert doubles["rdap"].requests.count("/registry/domain/cheaplikes.net") == 2
    no_retry = EnrichConfig.from_settings({**doubles["settings"], "ENRICH_RDAP_RETRIES": 0})
    doubles["rdap"].faults = {"domain/smmking-panel.in": "429"}
    assert "HTTP 429" in enrich_domain("smmking-panel.in", no_retry)["rdap_domain"].error
