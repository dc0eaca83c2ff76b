"""`smmatlas export --format misp`: the atlas as one MISP event (JSON), built offline with
PyMISP's `MISPEvent` (no MISP server is contacted).

Per portal: a `domain-ip` object (domain, IPs) and attributes for the URL, contact e-mails and
phone numbers, receiving payment accounts (`btc` for bitcoin, `text` for the others, each with
its method), tracking identifiers (`text`) and the SHA-256 of each capture cited (`sha256`,
non-IDS: evidence, not indicators). Attribute comments name the portal; operator clusters
become tags (`smmatlas:cluster="N"`) on the attributes of their portals.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pymisp import MISPEvent, MISPObject
from sqlalchemy.orm import Session

MAX_EVIDENCE = 20  # capture hashes per portal


def build_event(session: Session, domains: list[str] | None = None) -> MISPEvent:
    from atlas.clusters import find_clusters
    from atlas.export import portal_records

    records = [r for r in portal_records(session, domains) if r["status"] != "not_a_portal"]
    cluster_of: dict[str, int] = {}
    for n, cluster in enumerate(find_clusters(session), 1):
        for d in cluster.domains:
            cluster_of[d] = n
    event = MISPEvent()
    event.info = f"SMM Atlas: {len(records)} portals selling fake social media engagement"
    event.distribution = 0  # your organisation only, until you decide otherwise
    event.threat_level_id = 3
    event.analysis = 2
    event.date = datetime.now(UTC).date()
    event.add_tag("smmatlas:fake-engagement")
    for r in records:
        domain = r["domain"]
        tags = [f'smmatlas:cluster="{cluster_of[domain]}"'] if domain in cluster_of else []
        note = f"{domain} ({r['status']})"

        def add(kind: str, value: str, comment: str, to_ids: bool = True, _tags=tags):
            attr = event.add_attribute(kind, value, comment=comment[:250], to_ids=to_ids)
            for tag in _tags:
                attr.add_tag(tag)

        obj = MISPObject("domain-ip", standalone=False)
        obj.comment = note
        obj.add_attribute("domain", value=domain)
        for ip in (r.get("hosting") or {}).get("ips") or []:
            obj.add_attribute("ip", value=ip)
        event.add_object(obj)
        add("url", r["url"], f"entry page of {note}")
        for c in r.get("contacts", []):
            if c["kind"] == "email":
                add("email-src", c["value"], f"contact e-mail of {note}")
            elif c["kind"] in ("phone", "whatsapp"):
                add("phone-number", c["value"], f"{c['kind']} of {note}")
            else:
                add("text", c["value"], f"{c['kind']} contact of {note}", to_ids=False)
        for p in r.get("payments", []):
            if not p.get("account"):
                continue
            kind = "btc" if p["method"] == "bitcoin" else "text"
            add(kind, p["account"], f"{p['method']} receiving account of {note}")
        for i in r.get("identifiers", []):
            if i["kind"] in ("bitcoin_address",):
                continue  # already a payment account
            add("text", i["value"], f"{i['kind']} of {note}", to_ids=False)
        for e in r.get("evidence", [])[:MAX_EVIDENCE]:
            add("sha256", e["sha256"], f"capture of {e['url']} at {e['fetched_at']}", False)
    return event


def export_misp_bytes(session: Session, options) -> bytes:
    event = build_event(session, getattr(options, "domains", None))
    return (event.to_json(indent=1) + "\n").encode("utf-8")
