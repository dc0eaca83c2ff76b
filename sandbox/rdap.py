"""A local RDAP server double returning RFC 9083-shaped JSON for /domain/<name> and /ip/<addr>.

Unknown objects: 404 with an RDAP error object. `faults` {"domain/<name>" | "ip/<addr>" | "*":
"500" | "garbage" | "wrong-object" | "slow" | "429" (the first time only)} makes answers fail;
with `redirect=True` every question is first redirected (302), as the rdap.org bootstrap does.
"""

from __future__ import annotations

import ipaddress
import json
import time
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sandbox.httpdouble import HttpDouble

CONFORMANCE = [
    "rdap_level_0",
    "icann_rdap_response_profile_0",
    "icann_rdap_technical_implementation_guide_0",
]
NOTICE = {
    "title": "Terms of Use",
    "description": ["Sandbox registration data: every record here is made up."],
}


def _vcard(fn: str, email: str | None = None, kind: str = "org", tel: str | None = None) -> list:
    props: list = [
        ["version", {}, "text", "4.0"],
        ["fn", {}, "text", fn],
        ["kind", {}, "text", kind],
    ]
    if tel:
        props.append(["tel", {"type": "voice"}, "uri", f"tel:{tel}"])
    if email:
        props.append(["email", {}, "text", email])
    return ["vcard", props]


def _day(date: str) -> str:
    return date if "T" in date else f"{date}T00:00:00Z"


def domain_object(
    name: str,
    registrar: str,
    iana_id: int | None,
    abuse_email: str | None,
    created: str | None = None,
    expires: str | None = None,
    nameservers: list[str] | None = None,
) -> dict:
    """A registry's RDAP domain answer (ICANN gTLD profile shape)."""
    ldh = name.lower().rstrip(".")
    events = [{"eventAction": "registration", "eventDate": _day(created)}] if created else []
    if expires:
        events.append({"eventAction": "expiration", "eventDate": _day(expires)})
    events.append(
        {"eventAction": "last update of RDAP database", "eventDate": "2026-01-01T00:00:00Z"}
    )
    reg_entity: dict = {
        "objectClassName": "entity",
        "handle": str(iana_id) if iana_id is not None else registrar,
        "roles": ["registrar"],
        "vcardArray": _vcard(registrar),
        "entities": [
            {
                "objectClassName": "entity",
                "roles": ["abuse"],
                "vcardArray": _vcard("", abuse_email, "group", "+1.5555550100"),
            }
        ],
    }
    if iana_id is not None:
        reg_entity["publicIds"] = [{"type": "IANA Registrar ID", "identifier": str(iana_id)}]
    return {
        "objectClassName": "domain",
        "handle": f"{zlib.crc32(ldh.encode())}_DOMAIN_{ldh.rsplit('.', 1)[-1].upper()}-VRSN",
        "ldhName": ldh.upper(),
        "links": [
            {
                "value": f"/domain/{ldh}",
                "rel": "self",
                "href": f"/domain/{ldh}",
                "type": "application/rdap+json",
            }
        ],
        "status": ["client delete prohibited", "client transfer prohibited"],
        "entities": [reg_entity],
        "events": events,
        "secureDNS": {"delegationSigned": False},
        "nameservers": [
            {"objectClassName": "nameserver", "ldhName": ns.upper().rstrip(".")}
            for ns in nameservers or []
        ],
        "rdapConformance": CONFORMANCE,
        "notices": [NOTICE],
    }


def network_object(
    cidr: str,
    name: str,
    abuse_email: str | None,
    country: str | None = None,
    org: str | None = None,
) -> dict:
    """A regional registry's RDAP IP network answer (ARIN/RIPE shape, with cidr0)."""
    net = ipaddress.ip_network(cidr, strict=False)
    key = "v4prefix" if net.version == 4 else "v6prefix"
    start = str(net.network_address).replace(".", "-").replace(":", "-")
    handle = f"NET{'' if net.version == 4 else '6'}-{start}-1"
    holder = org or name
    return {
        "objectClassName": "ip network",
        "handle": handle,
        "startAddress": str(net.network_address),
        "endAddress": str(net.broadcast_address),
        "ipVersion": f"v{net.version}",
        "name": name,
        "type": "ASSIGNED PA",
        "country": country,
        "cidr0_cidrs": [{key: str(net.network_address), "length": net.prefixlen}],
        "entities": [
            {
                "objectClassName": "entity",
                "handle": f"{name[:8].upper()}-ORG",
                "roles": ["registrant"],
                "vcardArray": _vcard(holder),
                "entities": [
                    {
                        "objectClassName": "entity",
                        "handle": f"ABUSE-{name[:8].upper()}",
                        "roles": ["abuse"],
                        "vcardArray": _vcard("Abuse", abuse_email, "group"),
                    }
                ],
            }
        ],
        "events": [{"eventAction": "registration", "eventDate": "2015-06-01T00:00:00Z"}],
        "rdapConformance": ["rdap_level_0", "cidr0"],
        "notices": [NOTICE],
    }


class RdapDouble(HttpDouble):
    """Serve domain and IP network objects over HTTP on host:port (port 0: a free one)."""

    def __init__(
        self,
        domains: dict[str, dict] | None = None,
        networks: list[dict] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        redirect: bool = False,
        faults: dict[str, str] | None = None,
    ) -> None:
        self.domains = {k.lower().rstrip("."): v for k, v in (domains or {}).items()}
        self.networks = list(networks or [])
        self.redirect = redirect
        self.faults = dict(faults or {})
        self.requests: list[str] = []  # paths asked, in order
        self.host, self.port = host, port
        self._server = None

    @classmethod
    def from_manifest(cls, path: str | Path, **kwargs) -> RdapDouble:
        """A double knowing every domain and IP network of a sandbox manifest.json."""
        domains, networks = objects_from_manifest(path)
        return cls(domains, networks, **kwargs)

    def handler(self):
        return _handler(self)

    def find(self, kind: str, key: str) -> dict | None:
        """The object for /domain/<key> or /ip/<key> (most specific network holding the IP)."""
        if kind == "domain":
            return self.domains.get(key.lower().rstrip("."))
        try:
            addr = ipaddress.ip_address(key.split("/")[0])
        except ValueError:
            return None
        best, best_len = None, -1
        for net in self.networks:
            start, end = (
                ipaddress.ip_address(net["startAddress"]),
                ipaddress.ip_address(net["endAddress"]),
            )
            if start.version == addr.version and start <= addr <= end:
                size = int(end) - int(start)
                if best is None or size < best_len:
                    best, best_len = net, size
        return best


def _handler(double: RdapDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            path = unquote(urlsplit(self.path).path)
            double.requests.append(path)
            if double.redirect and not path.startswith("/registry/"):
                self.send_response(302)
                self.send_header("Location", "/registry" + path)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            parts = path.removeprefix("/registry").strip("/").split("/", 1)
            if len(parts) != 2 or parts[0] not in ("domain", "ip"):
                return self._send(400, _error(400, "Bad Request"))
            kind, key = parts
            fault = double.faults.get(f"{kind}/{key.lower()}") or double.faults.get("*")
            if fault == "429" and double.requests.count(path) == 1:
                return self._send(429, _error(429, "Too Many Requests"), retry_after="0")
            if fault == "500":
                return self._send(
                    500, b"<html><body>Internal Server Error</body></html>", "text/html"
                )
            if fault == "garbage":
                return self._send(200, b"\x00{not json at all", "application/rdap+json")
            if fault == "wrong-object":
                return self._send(
                    200, json.dumps({"objectClassName": "entity", "handle": "X"}).encode()
                )
            if fault == "slow":
                time.sleep(3.0)
            obj = double.find(kind, key)
            if obj is None:
                return self._send(404, _error(404, "Not Found"))
            self._send(200, json.dumps(obj).encode())

        def _send(
            self,
            status: int,
            body: bytes,
            ctype: str = "application/rdap+json",
            retry_after: str | None = None,
        ) -> None:
            self.send_response(status)
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _error(code: int, title: str) -> bytes:
    return json.dumps(
        {"errorCode": code, "title": title, "rdapConformance": ["rdap_level_0"]}
    ).encode()


def objects_from_manifest(path: str | Path) -> tuple[dict[str, dict], list[dict]]:
    """RDAP domain objects and IP networks (/24 or /48 per address; /32 or /128 when a
    neighbouring site's network of another name already holds that prefix) for a manifest."""
    manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    domains: dict[str, dict] = {}
    networks: dict[str, dict] = {}
    for site in manifest.get("sites", []):
        h = site.get("hosting")
        if not h:
            continue
        domain = (site.get("domain") or site["host"]).lower()
        reg = h.get("registrar") or {}
        if reg:
            domains[domain] = domain_object(
                domain,
                reg.get("name") or "",
                reg.get("iana_id"),
                reg.get("abuse_email"),
                h.get("created"),
                h.get("expires"),
                h.get("ns"),
            )
        net = h.get("ip_network") or {}
        if not net:
            continue
        for ip in list(h.get("ipv4") or []) + list(h.get("ipv6") or []):
            wide = ipaddress.ip_network(f"{ip}/{24 if ':' not in ip else 48}", strict=False)
            cidr = str(wide)
            if cidr in networks and networks[cidr]["name"] != net.get("name"):
                cidr = str(ipaddress.ip_network(ip))
            networks.setdefault(
                cidr,
                network_object(
                    cidr,
                    net.get("name") or "",
                    net.get("abuse_email"),
                    h.get("country"),
                    h.get("as_name"),
                ),
            )
    return domains, list(networks.values())
