"""Scale mode: N portals recombining real dataset rows across themes, for benchmarks."""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import cache

from sandbox import catalogues
from sandbox.catalogues import Row
from sandbox.clusters import Clusters
from sandbox.favicon import png
from sandbox.panelsite import build_panel
from sandbox.site import Site, mmh3_favicon
from sandbox.storefronts import build_storefront

THEMES = [
    "perfectpanel",
    "perfectpanel",
    "perfectpanel_icons",
    "smartpanel",
    "oneoff",
    "oneoff",
    "divrows",
    "turkish",
]
STYLES = [
    "usd",
    "usd",
    "usd_plain",
    "usd_space",
    "inr_symbol",
    "inr_rs",
    "eur_after",
    "try_symbol",
    "brl",
    "ngn",
]
WORDS = [
    "smm",
    "boost",
    "follow",
    "fame",
    "insta",
    "grow",
    "viral",
    "likes",
    "social",
    "panel",
    "fast",
    "cheap",
    "king",
    "star",
    "pro",
    "hub",
    "zone",
    "kart",
    "gram",
    "reach",
]
TLDS = ["com", "com", "net", "in", "co.in", "com.tr", "org", "co"]


@cache
def pool(epoch: int) -> tuple[tuple[str, Row], ...]:
    """(dataset panel, row) of every panel on its `epoch`-th day."""
    out = []
    for p in catalogues.panels():
        days = catalogues.days(p)
        out += [(p, r) for r in catalogues.rows(p, days[min(epoch, len(days) - 1)])]
    return tuple(out)


def scale_sites(seed: int, epoch: int, n: int) -> Iterator[tuple[Site, dict]]:
    """`n` portals (panels, one in ten a storefront), each with truth and hosting."""
    rows = pool(epoch)
    panels = catalogues.panels()
    clusters = Clusters(seed)
    for i in range(n):
        rng = random.Random(f"{seed}|scale|{i}")
        # one trio of consecutive sites in seven is an operator cluster (~14% of sites)
        cluster = f"s{i // 3}" if (i // 3) % 7 == 0 else None
        host = f"{rng.choice(WORDS)}{rng.choice(WORDS)}{i}.{rng.choice(TLDS)}"
        if rng.random() < 0.1 and not host.endswith(".com.tr"):
            spec = {
                "host": host,
                "layout": rng.choice(["cards", "woocommerce", "tiers"]),
                "style": rng.choice(["usd", "inr_symbol", "eur_after"]),
                "region": "global",
                "products": rng.randint(2, 4),
            }
            icon = png(f"{seed}|{cluster or host}")
            site = build_storefront(spec, rng, clusters.leads(cluster), mmh3_favicon(icon))
        else:
            ds = rng.choice(panels)
            style = rng.choice(STYLES)
            spec = {
                "dataset": ds,
                "host": host,
                "theme": rng.choice(THEMES),
                "style": style,
                "region": "in" if style.startswith("inr") else "global",
                "headers": catalogues.header(ds),
                "page_size": 50,
            }
            k = rng.randint(20, 120)
            start = rng.randrange(len(rows))
            picked, seen = [], set()
            for j in range(k):
                p, r = rows[(start + j * 7919) % len(rows)]
                if r.sid not in seen:
                    seen.add(r.sid)
                    picked.append(r)
            icon = png(f"{seed}|{cluster or host}")
            if rng.random() < 0.03:
                spec["faults"] = [rng.choice(["flaky_services", "slow_faq", "redirect_loop"])]
            site = build_panel(
                spec, picked, rng, clusters.leads(cluster), mmh3_favicon(icon), "", "recombined"
            )
            site.truth["source"] = {"dataset_panel": "recombined", "day": str(epoch)}
        site.page("/favicon.ico", icon, "image/png")
        site.truth["cluster"] = cluster
        yield site, clusters.hosting(cluster, host)
