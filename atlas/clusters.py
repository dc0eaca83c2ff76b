"""Operator clusters: portals tied together by the leads they share.

Two portals are linked when they show the same identifier (analytics / tag / pixel ID, chat
widget, favicon hash, crypto address, upstream panel), the same contact (e-mail, phone,
WhatsApp, Telegram, ...) or the same receiving payment account. A value seen on very many
portals (a widget vendor's demo ID, a template's favicon) says nothing about an operator and is
left out. One shared lead is a lead; several are a case: each cluster lists the values that
tie it, so an analyst can judge.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Contact, Identifier, Payment, Portal

# kinds that are the site's own brand presence, not an operator's private channel
WEAK_KINDS = {"instagram", "facebook", "twitter"}


@dataclass
class Cluster:
    domains: list[str]
    shared: list[dict] = field(default_factory=list)  # {"kind", "value", "domains"}

    @property
    def strength(self) -> int:
        return len(self.shared)


def _leads(session: Session) -> dict[tuple[str, str], set[str]]:
    """(kind, value as first shown) -> domains showing it; values compare case-blind."""
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    shown: dict[tuple[str, str], str] = {}
    rows = [
        select(Portal.domain, Identifier.kind, Identifier.value).join(
            Identifier, Identifier.portal_id == Portal.id
        ),
        select(Portal.domain, Contact.kind, Contact.value).join(
            Contact, Contact.portal_id == Portal.id
        ),
        select(Portal.domain, Payment.method, Payment.account)
        .join(Payment, Payment.portal_id == Portal.id)
        .where(Payment.account != ""),
    ]
    for query in rows:
        for domain, kind, value in session.execute(query):
            if kind not in WEAK_KINDS:
                key = (kind, value.lower())
                shown.setdefault(key, value)
                seen[key].add(domain)
    return {(kind, shown[(kind, low)]): domains for (kind, low), domains in seen.items()}


def find_clusters(session: Session, max_share: int = 10) -> list[Cluster]:
    """Clusters of two or more portals, strongest first (union of shared leads)."""
    parent: dict[str, str] = {}

    def root(d: str) -> str:
        while parent.setdefault(d, d) != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    shared = {
        key: domains for key, domains in _leads(session).items() if 2 <= len(domains) <= max_share
    }
    for domains in shared.values():
        first, *rest = sorted(domains)
        for other in rest:
            parent[root(other)] = root(first)
    groups: dict[str, list[str]] = defaultdict(list)
    for domain in {d for ds in shared.values() for d in ds}:
        groups[root(domain)].append(domain)
    clusters = []
    for members in groups.values():
        member_set = set(members)
        ties = [
            {"kind": kind, "value": value, "domains": sorted(domains)}
            for (kind, value), domains in sorted(shared.items())
            if domains <= member_set
        ]
        clusters.append(Cluster(sorted(members), ties))
    return sorted(clusters, key=lambda c: (-len(c.domains), -c.strength, c.domains))


def cluster_rows(clusters: list[Cluster]) -> tuple[list[str], list[tuple]]:
    """Table rows: one per tie (cluster number, size, kind, value, portals showing it)."""
    rows = []
    for number, cluster in enumerate(clusters, 1):
        for tie in cluster.shared:
            rows.append(
                (number, len(cluster.domains), tie["kind"], tie["value"], " ".join(tie["domains"]))
            )
    return ["cluster", "portals", "kind", "value", "shown_on"], rows
