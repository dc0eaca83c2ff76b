"""`smmatlas export --format stix`: the atlas as a STIX 2.1 bundle (built with `stix2`).

Per portal: an `infrastructure` (the portal), its `domain-name`, `ipv4-addr`s (resolves_to_refs),
`url`, contact `email-addr`s, `indicator`s with STIX patterns for the domain and the URL, and
`relationship`s (indicator indicates infrastructure; infrastructure consists-of domain, URL,
IPs; related-to e-mail addresses). Per operator cluster (`smmatlas clusters`): an
`intrusion-set` that `uses` each of its portals, with the shared values as evidence.

Custom content follows STIX 2.1's rules: properties prefixed `x_smmatlas_` (payment accounts,
status, software, offer counts, cluster ties, capture references), built with allow_custom.
SDO ids are UUIDv5 of the portal's domain / the cluster's members, so re-exports update the
same objects in a threat-intel platform instead of duplicating them.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import stix2
from sqlalchemy.orm import Session

NAMESPACE = uuid.UUID("5f0c3a8e-6b8a-4f4e-9a53-0d9f2b7c1e11")
EXTERNAL = "smmatlas"


def _sid(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}:{key}')}"


def _quote(value: str) -> str:
    """A STIX pattern string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _when(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _ipv4(value: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(value).version == 4
    except ValueError:
        return False


def portal_objects(record: dict, identity: stix2.Identity) -> tuple[list, str]:
    domain = record["domain"]
    first, last = _when(record.get("first_seen")), _when(record.get("last_seen"))
    hosting = record.get("hosting") or {}
    common = {"created_by_ref": identity.id, "allow_custom": True}
    ips = [stix2.IPv4Address(value=ip) for ip in hosting.get("ips") or [] if _ipv4(ip)]
    dn = stix2.DomainName(value=domain, resolves_to_refs=[ip.id for ip in ips] or None)
    url = stix2.URL(value=record["url"])
    emails = [
        stix2.EmailAddress(value=c["value"]) for c in record.get("contacts", [])
        if c["kind"] == "email" and "@" in c["value"]
    ]  # fmt: skip
    platforms = sorted({o["platform"] for o in record.get("offers", [])})
    infra = stix2.Infrastructure(
        id=_sid("infrastructure", domain),
        created=first,
        modified=last if last >= first else first,
        name=f"Fake-engagement portal {domain}",
        description=(
            f"{domain} ({record.get('kind') or 'portal'}) sells fake social media engagement: "
            f"{len(record.get('offers', []))} services seen; platforms: "
            f"{', '.join(platforms) or 'none classified'}."
        ),
        infrastructure_types=["unknown"],
        first_seen=first,
        last_seen=last,
        external_references=[{"source_name": EXTERNAL, "url": record["url"]}],
        x_smmatlas_status=record.get("status"),
        x_smmatlas_software=record.get("software"),
        x_smmatlas_offer_count=len(record.get("offers", [])),
        x_smmatlas_platforms=platforms,
        x_smmatlas_payment_accounts=[
            {k: v for k, v in p.items() if v is not None} for p in record.get("payments", [])
        ],
        x_smmatlas_identifiers=[
            {"kind": i["kind"], "value": i["value"]} for i in record.get("identifiers", [])
        ],
        x_smmatlas_contacts=[
            {"kind": c["kind"], "value": c["value"]} for c in record.get("contacts", [])
        ],
        x_smmatlas_evidence=[
            {k: e.get(k) for k in ("url", "fetched_at", "sha256", "warc")}
            for e in record.get("evidence", [])[:50]
        ],
        **common,
    )
    objects: list = [*ips, dn, url, *emails, infra]
    for kind, obj, pattern in (
        ("domain", dn, f"[domain-name:value = {_quote(domain)}]"),
        ("url", url, f"[url:value = {_quote(record['url'])}]"),
    ):
        ind = stix2.Indicator(
            id=_sid("indicator", f"{kind}:{obj.value}"),
            created=first,
            modified=last if last >= first else first,
            name=f"{kind} of fake-engagement portal {domain}",
            indicator_types=["malicious-activity"],
            pattern=pattern,
            pattern_type="stix",
            valid_from=first,
            **common,
        )
        objects += [ind, _rel(ind.id, "indicates", infra.id, identity)]
    for target in (dn, url, *ips):
        objects.append(_rel(infra.id, "consists-of", target.id, identity))
    for email in emails:
        objects.append(_rel(infra.id, "related-to", email.id, identity))
    return objects, infra.id


def _rel(source: str, kind: str, target: str, identity: stix2.Identity) -> stix2.Relationship:
    return stix2.Relationship(
        id=_sid("relationship", f"{source}|{kind}|{target}"),
        source_ref=source,
        relationship_type=kind,
        target_ref=target,
        created_by_ref=identity.id,
    )


def build_bundle(session: Session, domains: list[str] | None = None) -> stix2.Bundle:
    from atlas.clusters import find_clusters
    from atlas.export import portal_records

    identity = stix2.Identity(
        id=_sid("identity", "smmatlas"), name="SMM Atlas", identity_class="system"
    )
    objects: list = [identity]
    infra_of: dict[str, str] = {}
    for record in portal_records(session, domains):
        if record["status"] == "not_a_portal":
            continue
        made, infra_id = portal_objects(record, identity)
        objects += made
        infra_of[record["domain"]] = infra_id
    for n, cluster in enumerate(find_clusters(session), 1):
        members = [d for d in cluster.domains if d in infra_of]
        if len(members) < 2:
            continue
        iset = stix2.IntrusionSet(
            id=_sid("intrusion-set", " ".join(cluster.domains)),
            name=f"SMM operator cluster {n}",
            description=(
                f"Portals tied by {cluster.strength} shared values "
                "(analytics/pixel IDs, contacts, payment accounts): " + ", ".join(members)
            ),
            created_by_ref=identity.id,
            x_smmatlas_ties=cluster.shared,
            allow_custom=True,
        )
        objects.append(iset)
        objects += [_rel(iset.id, "uses", infra_of[d], identity) for d in members]
    seen, unique = set(), []
    for obj in objects:  # the same IP or e-mail shared by two portals is one object
        if obj.id not in seen:
            seen.add(obj.id)
            unique.append(obj)
    return stix2.Bundle(objects=unique, allow_custom=True)


def export_stix_bytes(session: Session, options) -> bytes:
    bundle = build_bundle(session, getattr(options, "domains", None))
    return (
        json.dumps(json.loads(bundle.serialize()), indent=1, ensure_ascii=False) + "\n"
    ).encode()
