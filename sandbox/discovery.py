"""The discovery world: a small web in which portals are found from a few seeds (issue 9).

Portals are reachable only the ways investigators find them: a directory of panels, a "best
panels" post, cross-links between one operator's sites, a reseller's upstream provider API
(`/api/v2` of another domain), child-panel references, and a certificate-log double (crt.sh
style JSON) whose answer to a keyword also names decoys, parked and dead names, wildcard and
mail subdomains. Resellers of one upstream belong to different operators. The world is small so
a discover run stays quick; `discovery.json` holds its seeds and ground truth, and
`ctlog.json` the certificate log the double serves (sandbox/ctlog.py).
"""

from __future__ import annotations

import random
from html import escape

from sandbox import catalogues
from sandbox.clusters import Clusters
from sandbox.decoys import build_decoy, empty_truth
from sandbox.favicon import png
from sandbox.pages import shell
from sandbox.panelsite import build_panel
from sandbox.site import Site, mmh3_favicon
from sandbox.storefronts import build_storefront

# Panels: (host, dataset, theme, style, region, cluster, upstream host or None)
PANELS = [
    ("smmwholesale-hub.com", "SocialPanel24", "perfectpanel", "usd_plain", "global", None, None),
    ("instafame-smm.in", "SMM-heaven", "perfectpanel", "inr_symbol", "in", "d1", "up"),
    ("growviral-panel.in", "InstaSmartt", "perfectpanel_icons", "inr_rs", "in", "d1", None),
    ("followboost-smm.com", "PerfectSMM", "perfectpanel", "usd_plain", "global", "d2", "up"),
    ("panelkid-smm.net", "PerfectSMM", "perfectpanel", "usd_plain", "global", None, None),
    ("viralfans-panel.net", "BoostSmmPanel", "perfectpanel_icons", "usd_space", "global", "d3",
     "up"),
    ("socialtrendz-smm.net", "SmmFollows", "smartpanel", "usd", "global", "d3", None),
    ("tiktokfame-panel.com", "ClassicSMM", "oneoff", "inr_symbol", "in", None, None),
    ("smmrocket-panel.net", "Heartmedia", "divrows", "eur_after", "global", None, None),
]  # fmt: skip
UPSTREAM = "smmwholesale-hub.com"
# Storefronts: (host, layout, style, region, cluster)
STOREFRONTS = [
    ("likeskart-store.in", "cards", "inr_symbol", "in", "d1"),
    ("cheapigfollowers.com", "tiers", "usd", "global", None),
]
DIRECTORY = "smmpanel-directory.com"
BLOG = "smmreviewblog.com"
NEWS = "smm-newsdaily.com"
CT_ONLY = ["socialtrendz-smm.net", "smmrocket-panel.net"]
DECOYS = [  # (host, type) reachable from the directory or the certificate log
    (NEWS, "news"),
    ("smmagency-pro.com", "agency"),
    ("smmtips-blog.net", "blog"),
    ("smmpanel-forsale.com", "parked"),
    ("oldsmmpanel.net", "dead"),
]
CT_KEYWORD = "smm"
NAV = [("/", "Home"), ("/about", "About")]


def _rng(seed: int, *parts: str) -> random.Random:
    return random.Random("|".join([str(seed), "discovery", *parts]))


def _inject(site: Site, path: str, html: str) -> None:
    """Add `html` to the footer of the page at `path` (same bytes otherwise)."""
    name = site.routes[path]["file"]
    text = site.files[name].decode("utf-8")
    text = text.replace("</footer>", f"{html}</footer>", 1)
    site.files[name] = text.encode("utf-8")


def _link(host: str, text: str | None = None) -> str:
    return f'<a href="http://{host}/">{escape(text or host)}</a>'


def _panel(seed: int, epoch: int, cl: Clusters, row: tuple) -> tuple[Site, dict]:
    host, ds, theme, style, region, cluster, upstream = row
    days = catalogues.days(ds)
    day = days[min(epoch, len(days) - 1)]
    rows = catalogues.subset(ds, day, seed, 30)
    spec = {
        "dataset": ds, "host": host, "theme": theme, "style": style, "region": region,
        "cluster": cluster, "headers": catalogues.header(ds), "page_size": 60,
    }  # fmt: skip
    if upstream:
        spec["upstream"] = UPSTREAM
    icon = png(f"{seed}|{cluster or host}")
    site = build_panel(spec, rows, _rng(seed, host), cl.leads(cluster), mmh3_favicon(icon), day, ds)
    site.page("/favicon.ico", icon, "image/png")
    return site, cl.hosting(cluster, host)


def _listing_page(site: Site, path: str, title: str, hosts: list[str], intro: str) -> None:
    items = "".join(
        f"<li>{_link(h)} &mdash; rated 4.{i % 9}/5, cheap Instagram and TikTok services</li>"
        for i, h in enumerate(hosts)
    )
    body = f"<h1>{escape(title)}</h1><p>{escape(intro)}</p><ol class='ranking'>{items}</ol>"
    brand = site.domain.split(".")[0].capitalize()
    site.page(path, shell(title, brand, body, nav=NAV))


def discovery_sites(seed: int, epoch: int) -> list[tuple[Site, dict]]:
    """(site, hosting) of the discovery world for epoch 0 (early) or 1 (late)."""
    cl = Clusters(seed)
    out: dict[str, tuple[Site, dict]] = {}
    for row in PANELS:
        site, hosting = _panel(seed, epoch, cl, row)
        out[row[0]] = (site, hosting)
    for host, layout, style, region, cluster in STOREFRONTS:
        spec = {"host": host, "layout": layout, "style": style, "region": region,
                "cluster": cluster, "products": 3}  # fmt: skip
        icon = png(f"{seed}|{cluster or host}")
        site = build_storefront(spec, _rng(seed, host), cl.leads(cluster), mmh3_favicon(icon))
        site.page("/favicon.ico", icon, "image/png")
        out[host] = (site, cl.hosting(cluster, host))
    # the ties between sites
    _inject(
        out["instafame-smm.in"][0],
        "/",
        f"<p>Our other panel: {_link('growviral-panel.in')} (same team, INR prices).</p>",
    )
    _inject(
        out["growviral-panel.in"][0],
        "/",
        f"<p>Prefer packages? Visit our shop {_link('likeskart-store.in')}.</p>",
    )
    _inject(
        out["followboost-smm.com"][0],
        "/",
        f"<p>Child panels from $25/month: see {_link('panelkid-smm.net')}, a child panel"
        " running on our services.</p>",
    )
    _inject(
        out["panelkid-smm.net"][0],
        "/",
        f"<p>Child panel powered by {_link('followboost-smm.com', 'FollowBoost')}.</p>",
    )
    # directory, "best panels" post, decoys
    directory = Site(DIRECTORY, DIRECTORY)
    listed = ["followboost-smm.com", "viralfans-panel.net", "oldsmmpanel.net", "instafame-smm.in"]
    _listing_page(
        directory,
        "/best-smm-panels",
        "Best SMM panels 2026",
        listed,
        "Our hand-checked ranking of the cheapest SMM panels.",
    )
    _inject(
        directory,
        "/best-smm-panels",
        f"<p>More reviews: {_link(BLOG, 'top 10 panels this month')} · news: {_link(NEWS)}</p>",
    )
    directory.page(
        "/",
        shell(
            "SMM panel directory",
            "Directory",
            '<h1>SMM panel directory</h1><p>See <a href="/best-smm-panels">the ranking</a>.</p>',
            nav=NAV,
        ),
    )
    directory.page("/about", shell("About", "Directory", "<p>Independent since 2019.</p>", nav=NAV))
    directory.truth = empty_truth(directory, "not_a_portal", None, "directory", [])
    blog = Site(BLOG, BLOG)
    _listing_page(
        blog,
        "/",
        "Top 10 SMM panels this month",
        ["tiktokfame-panel.com", "cheapigfollowers.com", "viralfans-panel.net", NEWS,
         "smmtips-blog.net"],
        "We ordered from each of these panels so you do not have to.",
    )  # fmt: skip
    blog.page("/about", shell("About", "Blog", "<p>Reviews since 2018.</p>", nav=NAV))
    blog.truth = empty_truth(blog, "not_a_portal", None, "blog", [])
    sites = [s for s in out.values()]
    sites += [(directory, cl.hosting(None, DIRECTORY)), (blog, cl.hosting(None, BLOG))]
    urls = [f"http://{h}/" for h in ("instafame-smm.in", "followboost-smm.com")]
    for host, kind in DECOYS:
        if kind == "dead":
            site = Site(host, host, dead=True)
            site.truth = empty_truth(site, "unreachable", None, None, [])
        else:
            site = build_decoy({"host": host, "type": kind}, _rng(seed, host), urls)
        sites.append((site, cl.hosting(None, host)))
    return sites


def ct_entries(seed: int) -> list[dict]:
    """The certificate log (crt.sh JSON rows) the double serves: real-looking, with noise."""
    rng = _rng(seed, "ct")
    names: list[str] = []
    for host in CT_ONLY + ["instafame-smm.in", "followboost-smm.com"]:
        names += [host, f"www.{host}"]
    names += ["*.viralfans-panel.net", "mail.socialtrendz-smm.net", "cpanel.smmrocket-panel.net"]
    names += [h for h, k in DECOYS if k != "news"]
    names += ["smm-cdn-assets.net", "api.smmstatus-check.org"]  # names nobody serves
    rows = []
    for n, name in enumerate(names):
        day = 1 + rng.randrange(27)
        rows.append(
            {
                "issuer_ca_id": rng.choice([183267, 295815, 16418]),
                "issuer_name": rng.choice(
                    [
                        "C=US, O=Let's Encrypt, CN=R3",
                        "C=US, O=Let's Encrypt, CN=E1",
                        "C=GB, ST=Greater Manchester, L=Salford, O=Sectigo Limited, CN=Sectigo RSA"
                        " Domain Validation Secure Server CA",
                    ]
                ),
                "common_name": name,
                "name_value": name if n % 3 else f"{name}\nwww.{name.removeprefix('www.')}",
                "id": 9_000_000_000 + rng.randrange(10**8),
                "entry_timestamp": f"2026-10-{day:02d}T0{n % 10}:12:33.512",
                "not_before": f"2026-10-{day:02d}T00:00:00",
                "not_after": f"2027-01-{day:02d}T23:59:59",
                "serial_number": f"{rng.getrandbits(128):032x}",
                "result_count": 2,
            }
        )
    return rows


def discovery_truth(sites: list[tuple[Site, dict]]) -> dict:
    """Seeds and ground truth of the world: portals, operators, supply ties."""
    portals = sorted(s.domain for s, _ in sites if s.truth.get("status") == "active")
    operators: dict[str, list[str]] = {}
    for s, _ in sites:
        if s.truth.get("status") == "active" and s.truth.get("cluster"):
            operators.setdefault(s.truth["cluster"], []).append(s.domain)
    return {
        "seeds": {
            "directory": f"http://{DIRECTORY}/best-smm-panels",
            "panel": "http://instafame-smm.in/",
            "ct_keyword": CT_KEYWORD,
        },
        "portals": portals,
        "not_portals": sorted(s.domain for s, _ in sites if s.domain not in portals),
        "operators": {k: sorted(v) for k, v in sorted(operators.items())},
        "upstream": {
            UPSTREAM: sorted(h for h, *_, up in PANELS if up),
        },
        "child_panels": {"panelkid-smm.net": "followboost-smm.com"},
    }


def write_extras(epoch_dir, seed: int, sites: list[tuple[Site, dict]]) -> None:
    """`ctlog.json` (what the certificate-log double serves) and `discovery.json` (truth)."""
    import json
    from pathlib import Path

    folder = Path(epoch_dir)
    (folder / "ctlog.json").write_text(json.dumps(ct_entries(seed), indent=1), "utf-8")
    (folder / "discovery.json").write_text(json.dumps(discovery_truth(sites), indent=1), "utf-8")
