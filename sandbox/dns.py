"""A local DNS server double (UDP and TCP on 127.0.0.1) answering from a zone dict.

Zone: {"example.com": {"A": [...], "AAAA": [...], "NS": [...], "MX": ["mx.host" | [10, "mx.host"]],
"TXT": [...], "CNAME": "target.name", "asn": 13335, "as_name": "...", "country": "US"}}.
Names carrying "asn" get Team Cymru records (origin.asn.cymru.com / origin6 / ASnnn.asn.cymru.com)
for their addresses. Unknown names: NXDOMAIN. `mute = True` swallows queries (a dead server).
"""

from __future__ import annotations

import ipaddress
import json
import socket
import struct
import threading
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from dns.rdtypes.ANY.TXT import TXT

TTL = 300
# Regional registry by country, only to give the Cymru records their real shape.
_REGISTRY = {
    "arin": {"US", "CA"},
    "lacnic": {"BR", "AR", "MX", "CL", "CO", "PE", "VE", "EC", "UY", "BZ", "PA"},
    "apnic": {"IN", "CN", "JP", "SG", "AU", "HK", "ID", "PK", "BD", "VN", "TH", "MY", "PH", "KR"},
    "afrinic": {"ZA", "NG", "KE", "EG", "GH", "MA", "TN"},
}


def _norm(name: str) -> str:
    return name.strip().lower().rstrip(".")


def cymru_records(
    addresses: list[str], asn: int, as_name: str, country: str, registry: str | None = None
) -> dict[str, dict]:
    """Zone entries with the Cymru TXT answers for `addresses` announced by `asn`."""
    cc = (country or "").upper()
    rir = registry or next((r for r, ccs in _REGISTRY.items() if cc in ccs), "ripencc")
    out: dict[str, dict] = {}
    for ip in addresses:
        addr = ipaddress.ip_address(ip)
        if addr.version == 4:
            prefix = ipaddress.ip_network(f"{ip}/24", strict=False)
            name = ".".join(reversed(str(addr).split("."))) + ".origin.asn.cymru.com"
        else:
            prefix = ipaddress.ip_network(f"{ip}/48", strict=False)
            name = ".".join(reversed(addr.exploded.replace(":", ""))) + ".origin6.asn.cymru.com"
        out[name] = {"TXT": [f"{asn} | {prefix} | {cc} | {rir} | "]}
    out[f"as{asn}.asn.cymru.com"] = {"TXT": [f"{asn} | {cc} | {rir} | | {as_name}, {cc}"]}
    return out


class DnsDouble:
    """Serve `zone` on host:port (port 0: a free one) over UDP and TCP, in daemon threads."""

    def __init__(self, zone: dict, host: str = "127.0.0.1", port: int = 0) -> None:
        self.zone: dict[str, dict] = {}
        for name, entry in zone.items():
            self.zone.setdefault(_norm(name), {}).update(entry)
        for entry in list(self.zone.values()):
            if entry.get("asn") is not None:
                addrs = list(entry.get("A", [])) + list(entry.get("AAAA", []))
                extra = cymru_records(
                    addrs,
                    int(entry["asn"]),
                    str(entry.get("as_name") or ""),
                    str(entry.get("country") or ""),
                    entry.get("registry"),
                )
                for cname, centry in extra.items():
                    self.zone.setdefault(cname, centry)
        self.host, self.port = host, port
        self.mute = False
        self.queries: list[tuple[str, str]] = []  # (name, type) asked, in order
        self._udp: socket.socket | None = None
        self._tcp: socket.socket | None = None
        self._stop = threading.Event()

    @classmethod
    def from_manifest(cls, path: str | Path, host: str = "127.0.0.1", port: int = 0) -> DnsDouble:
        """A double for every site of a sandbox manifest.json that has "hosting"."""
        return cls(zone_from_manifest(path), host, port)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> DnsDouble:
        for _ in range(20):  # UDP and TCP on the same port number
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.bind((self.host, self.port))
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                tcp.bind((self.host, udp.getsockname()[1]))
            except OSError:
                udp.close()
                tcp.close()
                if self.port:
                    raise
                continue
            break
        else:
            raise OSError("no free port for UDP and TCP together")
        tcp.listen(16)
        udp.settimeout(0.2)
        tcp.settimeout(0.2)
        self._udp, self._tcp, self.port = udp, tcp, udp.getsockname()[1]
        threading.Thread(target=self._serve_udp, daemon=True).start()
        threading.Thread(target=self._serve_tcp, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for sock in (self._udp, self._tcp):
            if sock is not None:
                sock.close()

    def __enter__(self) -> DnsDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve_udp(self) -> None:
        assert self._udp is not None
        while not self._stop.is_set():
            try:
                wire, peer = self._udp.recvfrom(4096)
            except (TimeoutError, OSError):
                continue
            reply = self.answer(wire, max_size=512, udp=True)
            if reply is not None:
                try:
                    self._udp.sendto(reply, peer)
                except OSError:
                    pass

    def _serve_tcp(self) -> None:
        assert self._tcp is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._tcp.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve_conn, args=(conn,), daemon=True).start()

    def _serve_conn(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2.0)
            try:
                while True:
                    head = _recv_exact(conn, 2)
                    wire = _recv_exact(conn, struct.unpack("!H", head)[0])
                    reply = self.answer(wire, max_size=65535)
                    if reply is None:
                        return
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
            except (OSError, EOFError):
                return

    def answer(self, wire: bytes, max_size: int = 65535, udp: bool = False) -> bytes | None:
        """The reply to one query in wire format (None when muted or unparseable); over UDP a
        reply larger than the client's EDNS payload (512 without EDNS) is truncated (TC)."""
        if self.mute:
            return None
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return None
        if udp and query.edns >= 0:
            max_size = max(512, min(query.payload, 4096))
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        if len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
            return response.to_wire()
        q = query.question[0]
        qname, qtype = _norm(q.name.to_text()), dns.rdatatype.to_text(q.rdtype)
        self.queries.append((qname, qtype))
        self._fill(response, qname, qtype)
        try:
            return response.to_wire(max_size=max_size)
        except dns.exception.TooBig:
            response.answer.clear()
            response.flags |= dns.flags.TC
            return response.to_wire()

    def _fill(self, response: dns.message.Message, qname: str, qtype: str) -> None:
        name = qname
        for _ in range(8):  # follow CNAMEs inside the zone
            entry = self.zone.get(name)
            if entry is None:
                if name == qname:
                    response.set_rcode(dns.rcode.NXDOMAIN)
                return
            target = entry.get("CNAME")
            if target and qtype != "CNAME":
                response.answer.append(_rrset(name, "CNAME", [_norm(target) + "."]))
                name = _norm(target)
                continue
            values = _values(entry, qtype)
            if values:
                response.answer.append(_rrset(name, qtype, values))
            return


def _values(entry: dict, qtype: str) -> list:
    raw = entry.get(qtype) or []
    if isinstance(raw, str):
        raw = [raw]
    if qtype == "MX":
        out = []
        for i, mx in enumerate(raw):
            if isinstance(mx, dict):
                out.append(f"{int(mx.get('preference', 10))} {_norm(mx['host'])}.")
            elif isinstance(mx, list | tuple):
                out.append(f"{int(mx[0])} {_norm(mx[1])}.")
            else:
                out.append(f"{10 * (i + 1)} {_norm(mx)}.")
        return out
    if qtype in ("NS", "CNAME"):
        return [_norm(v) + "." for v in raw]
    return list(raw)


def _rrset(name: str, qtype: str, values: list) -> dns.rrset.RRset:
    owner = dns.name.from_text(name)
    if qtype == "TXT":
        rrset = dns.rrset.RRset(owner, dns.rdataclass.IN, dns.rdatatype.TXT)
        for v in values:
            raw = str(v).encode()
            chunks = [raw[i : i + 255] for i in range(0, len(raw), 255)] or [b""]
            rrset.add(TXT(dns.rdataclass.IN, dns.rdatatype.TXT, chunks), TTL)
        return rrset
    return dns.rrset.from_text_list(owner, TTL, "IN", qtype, [str(v) for v in values])


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def zone_from_manifest(path: str | Path) -> dict[str, dict]:
    """Zone entries from a manifest's sites: addresses on host and domain, NS/MX on the domain."""
    manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    zone: dict[str, dict] = {}
    for site in manifest.get("sites", []):
        hosting = site.get("hosting")
        if not hosting:
            continue
        domain = _norm(site.get("domain") or site["host"])
        addr = {
            "A": list(hosting.get("ipv4") or []),
            "AAAA": list(hosting.get("ipv6") or []),
        }
        if hosting.get("asn") is not None:
            addr.update(
                asn=hosting["asn"], as_name=hosting.get("as_name"), country=hosting.get("country")
            )
        for name in {domain, _norm(site.get("host") or domain)}:
            zone.setdefault(name, {}).update(addr)
        zone[domain].update(NS=list(hosting.get("ns") or []), MX=list(hosting.get("mx") or []))
    return zone
