"""The operator map: portals, operators (clusters) and shared values as a networkx graph.

Nodes: `portal:<domain>`, `operator:opN` (a cluster of atlas/clusters.py), `value:<value>` (a
value shown on two or more portals, counted once whatever kinds name it), `host:<ip or ns>`.
Edges carry `tie` (shared_value, member, supply, hosting), the kinds that name the value, a
`weight` by strength (payment account, phone, e-mail, crypto strong; analytics / pixel / favicon
medium; shared hosting weak) and `evidence`: where it was seen (page URL, capture id, UTC time,
SHA-256). An upstream provider or a parent panel is a directed `supply` edge (reseller ->
provider) and never merges operators. Formats: GEXF, GraphML (attributes that are lists are
JSON text), node-link JSON, and one self-contained HTML page (inline SVG, CSS and JS; no server,
no CDN) where clicking a node shows its evidence.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import defaultdict
from html import escape

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from atlas.clusters import (
    MEDIUM,
    SUPPLY_KINDS,
    WEAK,
    WEAK_KINDS,
    find_clusters,
    tie_weight,
    value_key,
)
from storage.models import Capture, Contact, HostingResult, Identifier, Payment, Portal, Sighting

FORMATS = ("gexf", "graphml", "json", "html")
COLORS = {
    "portal": "#2f6fdf",
    "operator": "#d9480f",
    "value": "#2b8a3e",
    "host": "#868e96",
    "provider": "#7048e8",
}


def _evidence(url, capture_id, fetched_at, digest) -> dict:
    return {
        "page": url,
        "capture_id": capture_id,
        "time": fetched_at.isoformat() if fetched_at else None,
        "sha256": digest,
    }


def _lead_evidence(session: Session):
    """(domain, kind, value, is_payment, evidence) of every lead, with its capture."""
    models = ((Identifier, Identifier.kind, Identifier.value), (Contact, Contact.kind,
              Contact.value), (Payment, Payment.method, Payment.account))  # fmt: skip
    for n, (model, kind_col, value_col) in enumerate(models):
        query = (
            select(
                Portal.domain,
                kind_col,
                value_col,
                model.url,
                model.capture_id,
                Capture.fetched_at,
                Capture.sha256,
            )  # fmt: skip
            .join(model, model.portal_id == Portal.id)
            .outerjoin(Capture, Capture.id == model.capture_id)
        )
        for domain, kind, value, url, cid, at, digest in session.execute(query):
            if value:
                yield domain, kind, value, n == 2, _evidence(url, cid, at, digest)


def build_graph(
    session: Session, cluster: str | None = None, max_share: int = 10
) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    portals = {
        d: (s, k) for d, s, k in session.execute(select(Portal.domain, Portal.status, Portal.kind))
    }
    active = {d for d, (s, _) in portals.items() if s == "active"}
    operator_of: dict[str, str] = {}
    for n, c in enumerate(find_clusters(session, max_share=max_share), 1):
        for d in c.domains:
            operator_of[d] = f"op{n}"
    for d in sorted(active):
        status, kind = portals[d]
        g.add_node(f"portal:{d}", type="portal", label=d, status=status, kind=kind or "",
                   operator=operator_of.get(d, ""))  # fmt: skip
    for op in sorted(set(operator_of.values()), key=lambda o: int(o[2:])):
        members = sorted(d for d, o in operator_of.items() if o == op)
        g.add_node(f"operator:{op}", type="operator", label=f"operator {op}", portals=members)
        for d in members:
            g.add_edge(f"portal:{d}", f"operator:{op}", tie="member", weight=MEDIUM, kinds=[],
                       evidence=[])  # fmt: skip
    # shared values: counted once whatever kinds name them
    values: dict[str, dict] = {}
    supply: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for domain, kind, value, payment, ev in _lead_evidence(session):
        if domain not in active or kind in WEAK_KINDS:
            continue
        if kind in SUPPLY_KINDS:
            supply[(domain, value.lower())].append({**ev, "kind": kind})
            continue
        v = values.setdefault(value_key(value), {"shown": value, "kinds": set(), "weight": 0.0,
                                                 "on": defaultdict(list)})  # fmt: skip
        v["kinds"].add(kind)
        v["weight"] = max(v["weight"], tie_weight(kind, payment))
        v["on"][domain].append({**ev, "kind": kind})
    for key, v in sorted(values.items()):
        if not 2 <= len(v["on"]) <= max_share:
            continue
        node = f"value:{key}"
        g.add_node(node, type="value", label=v["shown"], kinds=sorted(v["kinds"]),
                   weight=v["weight"])  # fmt: skip
        for domain, evs in sorted(v["on"].items()):
            g.add_edge(f"portal:{domain}", node, tie="shared_value", kinds=sorted(v["kinds"]),
                       weight=v["weight"], evidence=evs)  # fmt: skip
    # supply: upstream provider APIs and child-panel references (reseller -> provider)
    for kind, value, source, url, cid, at, digest in session.execute(
        select(
            Sighting.kind,
            Sighting.domain,
            Sighting.source,
            Sighting.url,
            Sighting.capture_id,
            Capture.fetched_at,
            Sighting.sha256,
        )  # fmt: skip
        .outerjoin(Capture, Capture.id == Sighting.capture_id)
        .where(Sighting.kind.in_(["provider_api", "child_panel"]))
    ):
        if source in active:
            supply[(source, value)].append({**_evidence(url, cid, at, digest), "kind": kind})
    for (reseller, provider), evs in sorted(supply.items()):
        node = f"portal:{provider}"
        if node not in g:
            g.add_node(node, type="provider", label=provider, status=portals.get(provider,
                       (None, None))[0] or "not crawled", kind="", operator="")  # fmt: skip
        g.add_edge(f"portal:{reseller}", node, tie="supply", kinds=sorted({e["kind"] for e in evs}),
                   weight=0.0, evidence=evs)  # fmt: skip
    _hosting(session, g, active, max_share)
    if cluster:
        g = _only(g, cluster)
    return g


def _hosting(session: Session, g: nx.MultiDiGraph, active: set[str], max_share: int) -> None:
    """Weak edges: the same IP address or name servers (newest DNS answer of each portal)."""
    newest: dict[str, tuple] = {}
    for domain, data, at, rid in session.execute(
        select(Portal.domain, HostingResult.data, HostingResult.fetched_at, HostingResult.id)
        .join(HostingResult, HostingResult.portal_id == Portal.id)
        .where(HostingResult.source == "dns", HostingResult.ok.is_(True))
        .order_by(HostingResult.fetched_at)
    ):
        if domain in active:
            newest[domain] = (data or {}, at, rid)
    on: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for domain, (data, at, rid) in newest.items():
        ev = {"page": f"dns:{domain}", "hosting_result_id": rid, "time": at.isoformat()}
        for ip in data.get("a", []):
            on[f"ip {ip}"].append((domain, ev))
        ns = ",".join(sorted(data.get("ns", [])))
        if ns:
            on[f"ns {ns}"].append((domain, ev))
    for key, rows in sorted(on.items()):
        if not 2 <= len(rows) <= max_share:
            continue
        g.add_node(f"host:{key}", type="host", label=key, kinds=["hosting"], weight=WEAK)
        for domain, ev in rows:
            g.add_edge(f"portal:{domain}", f"host:{key}", tie="hosting", kinds=["hosting"],
                       weight=WEAK, evidence=[ev])  # fmt: skip


def _only(g: nx.MultiDiGraph, cluster: str) -> nx.MultiDiGraph:
    op = f"operator:{cluster}"
    if op not in g:
        return nx.MultiDiGraph()
    members = {u for u, _ in g.in_edges(op)}
    keep = {op} | members
    for m in members:
        keep |= set(g.successors(m))
    return g.subgraph(keep).copy()


# --- formats ----------------------------------------------------------------------------------
def _flat(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose list/dict attributes are JSON text (GEXF and GraphML hold scalars only)."""
    h = nx.MultiDiGraph()

    def flat(attrs: dict) -> dict:
        return {
            k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
            for k, v in attrs.items()
        }

    for n, a in g.nodes(data=True):
        h.add_node(n, **flat(a))
    for u, v, k, a in g.edges(keys=True, data=True):
        h.add_edge(u, v, key=k, **flat(a))
    return h


def render(g: nx.MultiDiGraph, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(nx.node_link_data(g, edges="edges"), ensure_ascii=False, indent=1)
    if fmt == "gexf":
        return "\n".join(nx.generate_gexf(_flat(g)))
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(_flat(g)))
    if fmt == "html":
        return html_map(g)
    raise ValueError(f"unknown graph format {fmt!r} (one of {', '.join(FORMATS)})")


def layout(g: nx.MultiDiGraph, width: int = 1000, height: int = 720) -> dict[str, tuple]:
    """Positions without numpy: operators on a circle, their portals around them, other
    portals on an outer ring, values between the portals that show them."""
    cx, cy = width / 2, height / 2
    pos: dict[str, tuple[float, float]] = {}
    ops = [n for n, a in g.nodes(data=True) if a["type"] == "operator"]
    loose = [n for n, a in g.nodes(data=True) if a["type"] in ("portal", "provider")
             and not any(g.nodes[o]["type"] == "operator" for o in g.successors(n))]  # fmt: skip
    r_ops = min(width, height) * (0.28 if len(ops) > 1 else 0.0)
    for i, op in enumerate(ops):
        t = 2 * math.pi * i / max(1, len(ops))
        ox, oy = cx + r_ops * math.cos(t), cy + r_ops * math.sin(t)
        pos[op] = (ox, oy)
        members = [u for u, _ in g.in_edges(op)]
        for j, m in enumerate(members):
            s = t + 2 * math.pi * j / max(1, len(members))
            pos[m] = (ox + 70 * math.cos(s), oy + 70 * math.sin(s))
    for i, n in enumerate(loose):
        t = 2 * math.pi * i / max(1, len(loose)) + 0.3
        pos[n] = (cx + min(width, height) * 0.45 * math.cos(t),
                  cy + min(width, height) * 0.45 * math.sin(t))  # fmt: skip
    for n in g.nodes:
        if n in pos:
            continue
        near = [pos[u] for u, _ in g.in_edges(n) if u in pos] or [(cx, cy)]
        x = sum(p[0] for p in near) / len(near)
        y = sum(p[1] for p in near) / len(near)
        k = (zlib.crc32(n.encode()) % 360) * math.pi / 180
        pos[n] = (x + 28 * math.cos(k), y + 28 * math.sin(k))
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in pos.items()}


_CSS = """body{margin:0;font:13px sans-serif;display:flex;height:100vh}
#map{flex:1}#side{width:340px;overflow:auto;border-left:1px solid #ccc;padding:8px}
#legend{background:#f8f9fa;border:1px solid #ccc;padding:6px;margin-bottom:8px}
#legend span{display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:4px}
circle{cursor:pointer;stroke:#222;stroke-width:1}text{font-size:10px;pointer-events:none}
pre{white-space:pre-wrap;word-break:break-all;font-size:11px}"""

_JS = """const G=JSON.parse(document.getElementById('data').textContent);
const side=document.getElementById('detail');
function show(id){const n=G.nodes.find(x=>x.id===id);side.replaceChildren();
const h=document.createElement('h3');h.textContent=n.label+' ('+n.type+')';side.append(h);
const ties=G.edges.filter(e=>e.source===id||e.target===id);
const p=document.createElement('p');p.textContent=ties.length+' ties';side.append(p);
for(const e of ties){const d=document.createElement('div');
const other=e.source===id?e.target:e.source;
const t=document.createElement('b');t.textContent=e.tie+' '+(e.kinds||[]).join('/')+
' (weight '+e.weight+') \\u2192 '+other;d.append(t);
const pre=document.createElement('pre');pre.textContent=JSON.stringify(e.evidence,null,1);
d.append(pre);side.append(d);}}
for(const c of document.querySelectorAll('circle')){
c.addEventListener('click',()=>show(c.dataset.id));}
"""


def html_map(g: nx.MultiDiGraph) -> str:
    """One self-contained page: inline SVG, CSS and JS; click a node to see its evidence."""
    pos = layout(g)
    data = nx.node_link_data(g, edges="edges")
    parts = []
    for u, v, a in g.edges(data=True):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        dash = ' stroke-dasharray="5,4"' if a["tie"] in ("supply", "hosting") else ""
        color = "#7048e8" if a["tie"] == "supply" else "#999"
        width = 1 + float(a.get("weight") or 0) / 1.5
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{color}" '
                     f'stroke-width="{width:.1f}"{dash}/>')  # fmt: skip
    for n, a in g.nodes(data=True):
        x, y = pos[n]
        r = {"operator": 14, "portal": 9, "provider": 11}.get(a["type"], 6)
        parts.append(
            f'<circle class="node {a["type"]}" data-id="{escape(n)}" cx="{x}" cy="{y}" r="{r}" '
            f'fill="{COLORS[a["type"]]}"><title>{escape(str(a["label"]))}</title></circle>'
        )
        if a["type"] != "value":
            parts.append(f'<text x="{x + r + 2}" y="{y + 3}">{escape(str(a["label"]))}</text>')
    legend = "".join(
        f'<div><span style="background:{c}"></span>{escape(t)}</div>' for t, c in COLORS.items()
    ) + (
        "<div>line width = strength (payment/phone strong, analytics medium, hosting weak); "
        "dashed violet = supply (upstream / parent panel)</div>"
    )
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>SMM Atlas operator map</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<svg id='map' viewBox='0 0 1000 720'>{''.join(parts)}</svg>"
        f"<div id='side'><div id='legend'><b>Legend</b>{legend}</div><div id='detail'>"
        "<h3>Click a node</h3><p>its ties and evidence (page, capture, time, SHA-256) appear "
        "here.</p></div></div>"
        f"<script type='application/json' id='data'>{payload}</script>"
        f"<script>{_JS}</script></body></html>"
    )
