"""Seeds: URLs or domains given by the analyst (a seeds file, a list from elsewhere)."""

from __future__ import annotations

from urllib.parse import urlsplit

from atlas.discovery.candidates import record_sighting
from atlas.discovery.sources import Context, Found
from extract.domains import normalise_seed, registered_domain


def collect(ctx: Context) -> list[Found]:
    out = []
    for seed in ctx.seeds:
        url = normalise_seed(seed)[0] if "://" in seed else "http://" + seed.strip().strip("/")
        domain = registered_domain(urlsplit(url).hostname or "")
        sid = record_sighting(ctx.session, "seed", url, domain, url, source="seed")
        out.append(Found(domain, url, "seed", None, sid))
    return out
