"""The reach world: portals built the way real third-party panel software, JavaScript panel
front-ends and shop software serve them (login walls, sitemaps, button navigation, JSON-fed
and category-gated catalogues, local number formats, shop product JSON, payment pages in the
field's languages). Written from what public panel scripts and themes do, not copied from them.

`reach_sites(seed, epoch)` returns (site, hosting) pairs like `sandbox.build.curated`; the
families live in `panels.py` (server-rendered panels), `apps.py` (JavaScript apps) and
`shops.py` (storefronts on shop software). Truth has the same format as the curated world's.
"""

from __future__ import annotations

from sandbox.clusters import Clusters
from sandbox.site import Site


def reach_sites(seed: int, epoch: int) -> list[tuple[Site, dict]]:
    """(site, hosting) of every reach-world family for epoch 0 (early) or 1 (late)."""
    from sandbox.reach import apps, panels, shops

    cl = Clusters(seed)
    out: list[tuple[Site, dict]] = []
    for family in (panels, apps, shops):
        for site in family.sites(seed, epoch):
            out.append((site, cl.hosting(None, site.host)))
    return out
