"""Operator clusters: portals tied together by the leads they share.

Two portals are linked when they show the same identifier (analytics / tag / pixel ID, chat
widget, favicon hash, crypto address), the same contact (e-mail, phone,
WhatsApp, Telegram, ...) or the same receiving payment account. A value seen on very many
portals (a widget vendor's demo ID, a template's favicon) says nothing about an operator and is
left out. One shared lead is a lead; several are a case: each cluster lists the values that
tie it, so an analyst can judge. A value is counted once whatever kinds name it; an upstream
provider (resold by unrelated panels) and shared hosting never merge operators (atlas/graph.py
shows them as supply and weak edges).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Contact, Identifier, Payment, Portal

# kinds that are the site's own brand presence, not an operator's private channel
WEAK_KINDS = {"instagram", "facebook", "twitter"}
# an upstream provider is resold by many unrelated panels: a supply tie, never one operator
SUPPLY_KINDS = {"upstream_panel"}
# how strongly a shared value ties two portals (the graph's edge weights; shared hosting is weak
# and never merges operators on its own)
STRONG, MEDIUM, WEAK = 3.0, 2.0, 1.0
STRONG_KINDS = {
    "phone", "whatsapp", "telegram", "email", "skype", "discord", "signal", "viber",
    "bitcoin", "bitcoin_address", "ethereum", "ethereum_address", "usdt", "usdt_trc20",
    "tron", "litecoin", "monero",
}  # fmt: skip


def tie_weight(kind: str, payment: bool = False) -> float:
    """Strength of a shared value by the kind that names it (payment accounts are strong)."""
    if payment or kind in STRONG_KINDS:
        return STRONG
    if kind in WEAK_KINDS or kind.startswith("hosting"):
        return WEAK
    return MEDIUM


def value_key(value: str) -> str:
    """One value whatever kind names it (`bitcoin` and `bitcoin_address`, `phone` and
    `whatsapp`): compared without case and surrounding blanks."""
    return value.strip().lower()


@dataclass
class Cluster:
    domains: list[str]
    shared: list[dict] = field(default_factory=list)  # {"kind", "kinds", "value", "domains"}

    @property
    def strength(self) -> int:
        return len(self.shared)


def lead_rows(session: Session):
    """(domain, kind, value, is_payment) of every identifier, contact and payment account."""
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
    for n, query in enumerate(rows):
        for domain, kind, value in session.execute(query):
            yield domain, kind, value, n == 2


def _leads(session: Session) -> dict[str, tuple[list[str], str, float, set[str]]]:
    """value key -> (kinds, value as first shown, weight, domains): a value counted once."""
    seen: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, set[str]] = defaultdict(set)
    shown: dict[str, str] = {}
    weight: dict[str, float] = {}
    for domain, kind, value, payment in lead_rows(session):
        if kind in WEAK_KINDS or kind in SUPPLY_KINDS:
            continue
        key = value_key(value)
        shown.setdefault(key, value)
        seen[key].add(domain)
        kinds[key].add(kind)
        weight[key] = max(weight.get(key, 0.0), tie_weight(kind, payment))
    return {k: (sorted(kinds[k]), shown[k], weight[k], seen[k]) for k in seen}


def find_clusters(session: Session, max_share: int = 10) -> list[Cluster]:
    """Clusters of two or more portals, strongest first (union of shared leads)."""
    parent: dict[str, str] = {}

    def root(d: str) -> str:
        while parent.setdefault(d, d) != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    shared = {
        key: lead
        for key, lead in _leads(session).items()
        if 2 <= len(lead[3]) <= max_share and lead[2] >= MEDIUM
    }
    for *_, domains in shared.values():
        first, *rest = sorted(domains)
        for other in rest:
            parent[root(other)] = root(first)
    groups: dict[str, list[str]] = defaultdict(list)
    for domain in {d for *_, ds in shared.values() for d in ds}:
        groups[root(domain)].append(domain)
    clusters = []
    for members in groups.values():
        member_set = set(members)
        ties = [
            {"kind": kinds[0], "kinds": kinds, "value": value, "weight": weight,
             "domains": sorted(domains)}
            for kinds, value, weight, domains in sorted(shared.values(), key=lambda x: x[:2])
            if domains <= member_set
        ]  # fmt: skip
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
