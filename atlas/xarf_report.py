"""Who a takedown request goes to, its XARF v4 reports and its plain-text e-mail.

Recipients by kind:
- registrar: the domain's registrar, abuse e-mail from RDAP (`smmatlas enrich`);
- host: the network the site was served from, abuse e-mail from RDAP of that IP (the IP at
  capture time when the capture recorded a public one, else the DNS answer at enrichment);
- payment: the provider of each receiving account or checkout (config/vocab/abuse.toml: UPI
  handle suffix -> the app and bank that issued it, PayPal, crypto, gateways);
- platform: each platform whose engagement the portal sells (config/vocab/abuse.toml).
A recipient without a known contact is still listed, with a note that says so.

Every XARF report (category content, type fraud) is built with `xarf.create_report` and
parsed back with `xarf.parse`: one that does not validate against the bundled official
schemas is an error, never written.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field

import xarf

from atlas.report import Case, PortalFacts, iso
from config.vocab import load

MAX_EVIDENCE_BYTES = 2_000_000  # per report, before base64
FRAUD_PAYMENT = {
    "paypal": "paypal",
    "card": "credit_card",
    "stripe": "credit_card",
    "bank_transfer": "bank_transfer",
    "bitcoin": "cryptocurrency",
    "ethereum": "cryptocurrency",
    "usdt": "cryptocurrency",
    "litecoin": "cryptocurrency",
    "coinpayments": "cryptocurrency",
    "cryptomus": "cryptocurrency",
    "nowpayments": "cryptocurrency",
    "plisio": "cryptocurrency",
    "binance_pay": "cryptocurrency",
}
CRYPTO = {"bitcoin": "bitcoin", "ethereum": "ethereum", "usdt": "usdt", "litecoin": "other"}
WHAT = {
    "registrar": "registered through you",
    "host": "hosted on your network",
    "payment": "receiving payments through your service",
    "platform": "selling fake engagement on your platform",
}


@dataclass
class Recipient:
    to: str
    name: str
    contact: str | None  # abuse e-mail
    url: str | None  # report form / page
    note: str | None
    source: str  # where the contact came from
    portals: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # IPs, accounts, platforms concerned

    def as_dict(self) -> dict:
        return asdict(self)


def _public(ip: str | None) -> bool:
    try:
        return bool(ip) and ipaddress.ip_address(ip).is_global
    except ValueError:
        return False


def _merge(found: dict[tuple, Recipient], key: tuple, rcpt: Recipient, domain: str, item: str):
    have = found.setdefault(key, rcpt)
    if domain not in have.portals:
        have.portals.append(domain)
    if item and item not in have.items:
        have.items.append(item)


def portal_ips(p: PortalFacts) -> tuple[list[str], str]:
    """The IPs a portal was served from, and where that fact comes from."""
    at_capture = sorted({c.ip for c in p.captures if _public(c.ip)})
    if at_capture:
        return at_capture, "IP at capture time (WARC-IP-Address)"
    return list(p.hosting.get("ips") or []), f"DNS at enrichment ({p.hosting.get('checked_at')})"


def _fallback(to: str, what: str) -> str:
    return f"{load('abuse')['fallback']['note']} ({to}: {what})"


def _payment_provider(method: str, account: str | None) -> tuple[tuple, dict] | None:
    vocab = load("abuse")
    if method == "upi" and account and "@" in account:
        handle = account.rsplit("@", 1)[1].lower()
        psp = vocab["upi"]["handles"].get(handle)
        if psp:
            entry = dict(vocab["upi"]["psp"][psp])
            upi = vocab["payment"]["upi"]
            entry["note"] = upi.get("note")
            return ("upi", psp), entry
    entry = vocab["payment"].get(method)
    return ((method,), dict(entry)) if entry else None


def find_recipients(case: Case, to: str) -> list[Recipient]:
    found: dict[tuple, Recipient] = {}
    abuse_toml = "config/vocab/abuse.toml"
    for p in case.portals:
        h = p.hosting or {}
        if to == "registrar":
            reg = h.get("registrar") or {}
            if reg.get("name") or reg.get("abuse_email"):
                name = reg.get("name") or "the domain's registrar"
                rc = Recipient(to, name, reg.get("abuse_email"), None, None, "RDAP (domain)")
                if not rc.contact:
                    rc.note = _fallback(to, f"RDAP names no abuse e-mail for {name}")
                _merge(found, (name, rc.contact), rc, p.domain, p.domain)
            else:
                note = _fallback(to, f"no RDAP answer for {p.domain}: run `smmatlas enrich`")
                rc = Recipient(to, f"registrar of {p.domain} (unknown)", None, None, note, "none")
                _merge(found, ("?", p.domain), rc, p.domain, p.domain)
        elif to == "host":
            ips, how = portal_ips(p)
            nets = {n.get("ip"): n for n in h.get("ip_networks") or []}
            for ip in ips or [""]:
                net = nets.get(ip)
                if net and (net.get("name") or net.get("abuse_email")):
                    name = net.get("name") or f"network of {ip}"
                    rc = Recipient(
                        to, name, net.get("abuse_email"), None, None, f"RDAP (IP); {how}"
                    )
                    if not rc.contact:
                        rc.note = _fallback(to, f"RDAP names no abuse e-mail for {ip}")
                    _merge(found, (name, rc.contact), rc, p.domain, ip)
                else:
                    what = f"no RDAP network for {ip or 'any IP'} of {p.domain}"
                    rc = Recipient(to, f"host of {p.domain} (unknown)", None, None,
                                   _fallback(to, what), how)  # fmt: skip
                    _merge(found, ("?", p.domain, ip), rc, p.domain, ip)
        elif to == "payment":
            for pay in p.payments:
                item = f"{pay['method']} {pay['account'] or '(checkout)'}"
                hit = _payment_provider(pay["method"], pay["account"])
                if hit:
                    e = hit[1]
                    rc = Recipient(to, e["name"], e.get("email"), e.get("url"), e.get("note"),
                                   abuse_toml)  # fmt: skip
                    _merge(found, (e["name"], e.get("url"), e.get("email")), rc, p.domain, item)
                elif pay["account"]:
                    what = f"no provider known for {pay['method']}"
                    rc = Recipient(to, f"{pay['method']} (unknown provider)", None, None,
                                   _fallback(to, what), "none")  # fmt: skip
                    _merge(found, ("?", pay["method"]), rc, p.domain, item)
        elif to == "platform":
            vocab = load("abuse")["platform"]
            for platform, n in Counter(o["platform"] for o in p.offers).most_common():
                if platform in ("other", "website", "app"):
                    continue
                e = vocab.get(platform)
                if e:
                    rc = Recipient(to, e["name"], e.get("email"), e.get("url"), e.get("note"),
                                   abuse_toml)  # fmt: skip
                else:
                    what = f"no reporting contact for {platform}"
                    rc = Recipient(to, platform, None, None, _fallback(to, what), "none")
                _merge(found, (platform,), rc, p.domain, f"{platform} ({n} offers)")
    return list(found.values())


def _domain_ok(domain: str) -> bool:
    return bool(re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*\.)+[a-z]{2,}", domain))


def describe(p: PortalFacts) -> str:
    platforms = Counter(o["platform"] for o in p.offers if o["platform"] != "other")
    top = ", ".join(f"{k} ({n})" for k, n in platforms.most_common(5)) or "none classified"
    accounts = [f"{x['method']} {x['account']}" for x in p.payments if x["account"]]
    text = (
        f"{p.domain} sells fake social media engagement (followers, likes, views): "
        f"{len(p.offers)} services or packages seen, platforms: {top}."
    )
    if accounts:
        text += " Receiving accounts shown: " + "; ".join(accounts[:8]) + "."
    text += f" Last seen {iso(p.last_seen)} by an automated crawler (SMM Atlas)."
    return text[:1000]


def _evidence_items(p: PortalFacts, rcpt: Recipient, evidence: dict) -> list:
    """Screenshot and page body of the captures that matter to this recipient, bounded."""
    items, budget = [], MAX_EVIDENCE_BYTES
    wanted = [c for c in p.captures if "entry page" in c.proves]
    if rcpt.to == "payment":
        wanted += [c for c in p.captures if any(x.startswith("payment") for x in c.proves)]
    bodies = evidence.get("bodies", {})
    for c in {c.id: c for c in wanted}.values():
        when = f"captured {iso(c.fetched_at)}, last seen {iso(c.last_fetched_at)}"
        if c.screenshot and c.screenshot.exists() and c.screenshot.stat().st_size <= budget:
            png = c.screenshot.read_bytes()
            budget -= len(png)
            items.append(
                xarf.create_evidence("image/png", png, description=f"screenshot of {c.url}, {when}")
            )
        body = bodies.get(c.id)
        if body is not None and len(body) <= budget:
            budget -= len(body)
            items.append(
                xarf.create_evidence(
                    "text/html", body, description=f"{c.url} as fetched, {when}, sha256 {c.sha256}"
                )
            )
    return items[:10]


def xarf_reports(case: Case, rcpt: Recipient, reporter: dict, evidence: dict):
    """(domain, report dict) per portal the recipient is concerned with; each validated."""
    for p in case.portals:
        if p.domain not in rcpt.portals:
            continue
        h = p.hosting or {}
        methods = sorted({FRAUD_PAYMENT.get(x["method"], "other") for x in p.payments})
        crypto = [
            {"currency": CRYPTO[x["method"]], "address": x["account"]}
            for x in p.payments
            if x["method"] in CRYPTO and x["account"]
        ]
        fields: dict = {
            "url": p.url,
            "fraud_type": "other",
            "description": describe(p),
            "evidence_source": "crawler",
            "verification_method": "automated_crawler",
            "verified_at": iso(p.last_seen),
            "tags": ["fraud:fake-engagement", f"recipient:{rcpt.to}"],
            "evidence": _evidence_items(p, rcpt, evidence),
        }
        if _domain_ok(p.domain):
            fields["domain"] = p.domain
        if methods:
            fields["payment_methods"] = methods
        if crypto:
            fields["cryptocurrency_addresses"] = crypto
        if h.get("ns"):
            fields["nameservers"] = list(h["ns"])
        if h.get("ips"):
            fields["dns_records"] = {"a": list(h["ips"])}
        reg = h.get("registrar") or {}
        if reg.get("name"):
            fields["registrar"] = reg["name"]
        if reg.get("abuse_email"):
            fields["whois"] = {"registrar_abuse_contact": reg["abuse_email"]}
        if h.get("asn"):
            fields["asn"] = int(h["asn"])
        if h.get("country") and len(h["country"]) == 2:
            fields["country_code"] = h["country"].upper()
        source = p.domain
        if rcpt.to == "host":
            ips = [i for i in rcpt.items if i and i in portal_ips(p)[0]]
            source = ips[0] if ips else source
            if rcpt.contact:
                fields["hosting_provider"] = rcpt.name
        elif rcpt.to == "platform":
            fields["target_brand"] = rcpt.name
        result = xarf.create_report(
            category="content",
            type="fraud",
            source_identifier=source,
            reporter=reporter,
            sender=reporter,
            **fields,
        )
        if result.report is None or result.errors:
            raise RuntimeError(f"XARF report for {p.domain} does not validate: {result.errors}")
        report = json.loads(result.report.model_dump_json(by_alias=True, exclude_none=True))
        check = xarf.parse(report)
        if check.errors:
            raise RuntimeError(f"XARF report for {p.domain} does not validate: {check.errors}")
        yield p.domain, report


def email_body(case: Case, rcpt: Recipient, reporter: dict, xarf_files: list[str], evidence):
    """A plain-text e-mail a person can send as is."""
    to = rcpt.contact or rcpt.url or "(no abuse contact known: see the note below)"
    n = len(rcpt.portals)
    subject = (
        f"Abuse report: sale of fake social media engagement at {', '.join(rcpt.portals[:3])}"
        + (f" and {n - 3} more" if n > 3 else "")
    )
    lines = [f"To: {to}", f"Subject: {subject}", ""]
    lines += [
        f"Hello {rcpt.name} abuse team,",
        "",
        f"I report {n} website{'s' if n > 1 else ''} {WHAT[rcpt.to]} that "
        f"sell{'s' if n == 1 else ''} fake followers, likes and views for social media "
        "accounts (platform manipulation; a breach of the platforms' terms and of most "
        "acceptable-use policies).",
        "",
    ]
    for p in case.portals:
        if p.domain not in rcpt.portals:
            continue
        ips, how = portal_ips(p)
        lines += [f"Website: {p.url}", f"  Domain: {p.domain}"]
        if ips:
            lines.append(f"  IP address: {', '.join(ips)} ({how})")
        reg = (p.hosting or {}).get("registrar") or {}
        if reg.get("name"):
            lines.append(f"  Registrar: {reg['name']}")
        lines.append(f"  First seen: {iso(p.first_seen)}  Last seen: {iso(p.last_seen)} (UTC)")
        lines.append("  " + describe(p))
        mine = [i for i in rcpt.items if i]
        if mine:
            lines.append(f"  Concerning you: {'; '.join(mine)}")
        lines.append("  Evidence (UTC capture time, SHA-256 of the page as fetched):")
        for c in p.captures:
            lines.append(f"   - {c.url}")
            lines.append(f"     {iso(c.fetched_at)} sha256 {c.sha256} ({'; '.join(c.proves)})")
        lines.append("")
    ask = {
        "registrar": "Please act on these domains under your abuse policy.",
        "host": "Please act on these sites under your acceptable-use policy.",
        "payment": "Please review and close the receiving accounts named above.",
        "platform": "Please act against this sale of fake engagement and the accounts it serves.",
    }[rcpt.to]
    lines += [ask, ""]
    lines += [
        "Attached:",
        *[f" - {f} (XARF v4 report, JSON)" for f in xarf_files],
        f" - {evidence['wacz']} (WACZ: the captured pages, WARC records with SHA-256 digests)",
        f" - {len(evidence['screenshots'])} screenshots (evidence/screenshots/)",
        " - manifest.json (SHA-256 of every file in this packet)",
        "",
    ]
    if rcpt.note or rcpt.url:
        lines.append(f"Note: {rcpt.note or ''}".rstrip())
        if rcpt.url:
            lines.append(f"Report form: {rcpt.url} (confirm the address before sending)")
        lines.append("")
    lines += ["Regards,", reporter["org"], reporter["contact"], ""]
    return "\n".join(one_line(x) for x in lines)


def one_line(text: str) -> str:
    """A line of the e-mail: a value a portal chose can add no line (no header, no fake
    paragraph) and hide nothing (bidi controls shown as [U+202E])."""
    text = re.sub(
        r"[\u202a-\u202e\u2066-\u2069\u200e\u200f]", lambda m: f"[U+{ord(m[0]):04X}]", text
    )
    return re.sub(r"[\x00-\x1f\x7f\u0085\u2028\u2029]", " ", text)
