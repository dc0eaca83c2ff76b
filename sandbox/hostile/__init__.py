"""The hostile world: portals that try to turn the crawler against its user.

Each site points the crawler (plain fetches and the browser) at the crawler's own machine and
network, at local files and at non-web schemes, or refreshes to another domain that has offers
of its own. `never.json` in the epoch folder is the ground truth of what must never happen:

    {"hosts": [...],           # hosts no request may name (proxy requests, browser, direct)
     "canary_port": N,         # a loopback port no connection may reach
     "offsite_offers": [...],  # names of offers that belong to no crawled portal
     "seeds": [...],           # what to crawl (one seed carries user:password@)
     "secrets": [...],         # strings that must appear in no WARC, database row or log line
     "file_markers": [...]}    # strings from local files that must never be stored

Built with `build_hostile(out_dir, canary_port, proxy_password)`; served like any sandbox web
(`SandboxServer(out_dir, epoch="late")`, or `RecordingSandbox` to see every request).
"""

from __future__ import annotations

import json
from pathlib import Path

from sandbox.build import write_epoch
from sandbox.site import Site

SEED_SECRET = "s3cr3tSeedPass"
SEED_USER = "analyst"
OFFSITE_OFFERS = ["Offsite Instagram Followers Gold", "Offsite TikTok Views Turbo"]


def _panel(title: str, rows: list[tuple[str, str, float]], head: str = "", body: str = "") -> str:
    cells = "".join(
        f"<tr><td>{n}</td><td>{name}</td><td>${price:.2f}</td><td>100</td><td>10000</td></tr>"
        for n, (name, _, price) in enumerate(rows, 1)
    )
    return (
        f"<!doctype html><html><head><title>{title}</title>{head}</head><body>"
        f"<h1>{title}</h1><p>Cheap followers, likes and views for every platform.</p>"
        '<table id="service-table"><thead><tr><th>ID</th><th>Service</th>'
        "<th>Rate per 1000</th><th>Min order</th><th>Max order</th></tr></thead>"
        f"<tbody>{cells}</tbody></table>{body}</body></html>"
    )


ROWS = [("Instagram Followers Real", "", 1.2), ("Instagram Likes Fast", "", 0.4)]


def hostile_sites(canary: int) -> list[Site]:
    loop = f"127.0.0.1:{canary}"
    sites: list[Site] = []

    def site(host: str) -> Site:
        s = Site(host, host.removeprefix("www."))
        s.truth = {"domain": s.domain, "url": s.url}
        sites.append(s)
        return s

    # plain fetches: refreshes and script redirects to the metadata service and loopback
    site("www.refresh-metadata.com").page(
        "/",
        '<html><head><meta http-equiv="refresh" '
        'content="0;url=http://169.254.169.254/latest/meta-data/"></head><body></body></html>',
    )
    site("www.script-loopback.com").page(
        "/", f'<html><body><script>location.href = "http://{loop}/admin";</script></body></html>'
    )
    site("www.refresh-v6.com").page(
        "/",
        f'<html><head><meta http-equiv="refresh" content="0;url=http://[::1]:{canary}/">'
        "</head><body></body></html>",
    )
    # favicons: every one points somewhere it must not
    favicons = {
        "www.favicon-file.com": "file:///etc/passwd",
        "www.favicon-environ.com": "file:///proc/self/environ",
        "www.favicon-ftp.com": f"ftp://{loop}/favicon.ico",
        "www.favicon-private.com": "http://10.0.0.1/favicon.ico",
        "www.favicon-integer.com": f"http://2130706433:{canary}/favicon.ico",
        "www.favicon-hex.com": f"http://0x7f.1:{canary}/favicon.ico",
        "www.favicon-localhost.com": f"http://localhost:{canary}/favicon.ico",
        "www.favicon-data.com": "data:image/x-icon;base64,AAABAAEAAQEAAAEAIAAwAAAAFgAAAA==",
    }
    for host, icon in favicons.items():
        site(host).page("/", _panel(host, ROWS, head=f'<link rel="icon" href="{icon}">'))
    # the browser: an app whose page reaches for private addresses in every way it can
    app = site("www.hostile-app.com")
    app.page(
        "/",
        '<html><head><title>App</title></head><body><div id="app"></div>'
        f'<img src="http://10.0.0.1/pixel.png"><img src="http://169.254.169.254/x.png">'
        f'<script src="http://[::1]:{canary}/lib.js"></script>'
        '<script src="/app.js"></script></body></html>',
    )
    app.page(
        "/app.js",
        f'fetch("http://{loop}/api").catch(() => 0);'
        'fetch("http://10.0.0.1/api").catch(() => 0);'
        'var x = new XMLHttpRequest(); x.open("GET", "http://169.254.169.254/latest"); x.send();'
        'document.getElementById("app").innerHTML = "<h1>Services</h1>'
        "<table id='service-table'><tr><th>ID</th><th>Service</th><th>Rate per 1000</th>"
        "<th>Min order</th><th>Max order</th></tr><tr><td>7</td><td>YouTube Views HR</td>"
        '<td>$2.10</td><td>100</td><td>50000</td></tr></table>";',
        ctype="application/javascript",
    )
    # the browser navigates off the site after rendering
    nav = site("www.app-navigates.com")
    nav.page(
        "/",
        '<html><body><div id="root"></div><script src="/main.js"></script></body></html>',
    )
    nav.page(
        "/main.js",
        'setTimeout(() => { location.href = "http://www.other-shop.com/services"; }, 50);',
        ctype="application/javascript",
    )
    # off-site refresh to a shop with offers of its own (never crawled as a seed here)
    site("www.offsite-refresh.com").page(
        "/",
        '<html><head><meta http-equiv="refresh" '
        'content="0;url=http://www.other-shop.com/services"></head><body></body></html>',
    )
    other = site("www.other-shop.com")
    offsite_rows = [(name, "", 3.5) for name in OFFSITE_OFFERS]
    other.page("/services", _panel("Other shop", offsite_rows))
    other.page("/", _panel("Other shop", offsite_rows))
    # a seed with credentials in its URL: a plain panel
    site("www.cred-seed.com").page("/", _panel("Cred panel", ROWS))
    return sites


def build_hostile(out_dir: Path | str, canary_port: int, proxy_password: str) -> dict:
    """Write the hostile world (epoch `late`) under `out_dir`; returns its `never.json`."""
    out = Path(out_dir)
    sites = hostile_sites(canary_port)
    write_epoch(out / "late", "late", 1, [(s, {}) for s in sites])
    seeds = [s.url for s in sites if s.host != "www.other-shop.com"]
    seeds = [u for u in seeds if "cred-seed" not in u]
    seeds.append(f"http://{SEED_USER}:{SEED_SECRET}@www.cred-seed.com/")
    never = {
        "hosts": ["169.254.169.254", "127.0.0.1", "::1", "10.0.0.1", "2130706433", "0x7f.1",
                  "localhost"],
        "canary_port": canary_port,
        "offsite_offers": OFFSITE_OFFERS,
        "offsite_domain": "other-shop.com",
        "seeds": seeds,
        "secrets": [SEED_SECRET, proxy_password],
        "file_markers": ["root:x:0:0", "PATH=/"],
    }  # fmt: skip
    (out / "late" / "never.json").write_text(json.dumps(never, indent=1), "utf-8")
    return never
