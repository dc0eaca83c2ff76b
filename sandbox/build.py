"""Build the sandbox web: sites, routes, ground truth and manifest for each epoch."""

from __future__ import annotations

import json
import random
import shutil
import time
import tomllib
from collections.abc import Iterable
from pathlib import Path

from sandbox import catalogues, faultroutes
from sandbox.clusters import Clusters
from sandbox.decoys import build_decoy, empty_truth
from sandbox.favicon import png
from sandbox.panelsite import build_panel
from sandbox.site import Site, mmh3_favicon
from sandbox.storefronts import build_storefront

WORLD = Path(__file__).with_name("spec") / "world.toml"
EPOCHS = ("early", "late")
WORLDS = ("curated", "reach", "discovery")


def world() -> dict:
    with WORLD.open("rb") as fh:
        return tomllib.load(fh)


def _rng(seed: int, *parts: str) -> random.Random:
    return random.Random("|".join([str(seed), *parts]))


def _cp1252_letters(text: str) -> bool:
    try:
        return any(ord(c) > 127 for c in text) and bool(text.encode("cp1252"))
    except UnicodeEncodeError:
        return False


def curated(seed: int, epoch: int) -> list[tuple[Site, dict]]:
    """(site, hosting) of the curated world for epoch 0 (early) or 1 (late)."""
    w = world()
    cl = Clusters(seed)
    out: list[tuple[Site, dict]] = []
    by_dataset = {p["dataset"]: p for p in w["panel"]}
    specs = list(w["panel"]) + [
        {
            **by_dataset[c["parent"]],
            "host": c["host"],
            "cluster": c["cluster"],
            "faults": [],
            "blog": False,
            "child_of": c["parent"],
            "upstream": by_dataset[c["parent"]]["host"],
        }
        for c in w.get("child", [])
    ]
    for spec in specs:
        ds = spec["dataset"]
        days = catalogues.days(ds)
        day = days[min(epoch, len(days) - 1)]
        limit = 10_000 if spec.get("keep_all") else 200
        rows = catalogues.subset(ds, day, seed, limit)
        if spec.get("wrong_charset"):  # make sure names with windows-1252 letters are shown
            have = {r.sid for r in rows}
            extra = {r.sid for r in catalogues.rows(ds, day) if _cp1252_letters(r.name)}
            rows = [r for r in catalogues.rows(ds, day) if r.sid in have or r.sid in extra]
        spec = {**spec, "headers": catalogues.header(ds)}
        icon = png(f"{seed}|{spec.get('cluster') or spec['host']}")
        shared = cl.leads(spec.get("cluster"))
        if epoch == 0 and shared and spec.get("early_upi"):  # the operator rotated its UPI ID
            shared = {**shared, "upi": spec["early_upi"]}
        site = build_panel(
            spec,
            rows,
            _rng(seed, spec["host"]),
            shared,
            mmh3_favicon(icon),
            day,
            ds,
        )
        site.page("/favicon.ico", icon, "image/png")
        if spec.get("blocked"):
            faultroutes.block(site, f"{_rng(seed, 'ray', spec['host']).getrandbits(64):016x}")
            site.truth.update(
                status="blocked",
                kind=None,
                software=None,
                offers=[],
                payments=[],
                contacts=[],
                identifiers=[],
                noise=[],
            )
        out.append(
            (
                site,
                cl.hosting(
                    spec.get("cluster"), spec["host"], cdn=True if spec.get("blocked") else None
                ),
            )
        )
    for spec in w["storefront"]:
        icon = png(f"{seed}|{spec.get('cluster') or spec['host']}")
        site = build_storefront(
            spec, _rng(seed, spec["host"]), cl.leads(spec.get("cluster")), mmh3_favicon(icon)
        )
        site.page("/favicon.ico", icon, "image/png")
        out.append((site, cl.hosting(spec.get("cluster"), spec["host"])))
    portal_urls = [s.url for s, _ in out]
    for spec in w["decoy"]:
        if spec["type"] == "dead" and epoch == 0 and spec.get("early"):  # alive, then died
            early = {**spec["early"], "host": spec["host"]}
            icon = png(f"{seed}|{spec['host']}")
            site = build_storefront(early, _rng(seed, spec["host"]), None, mmh3_favicon(icon))
            site.page("/favicon.ico", icon, "image/png")
        elif spec["type"] == "dead":
            site = Site(spec["host"], spec["host"].removeprefix("www."), dead=True)
            site.truth = empty_truth(site, "unreachable", None, None, [])
        else:
            site = build_decoy(spec, _rng(seed, spec["host"]), portal_urls)
        out.append((site, cl.hosting(None, spec["host"])))
    return out


def write_epoch(
    root: Path, epoch: str, seed: int, sites: Iterable[tuple[Site, dict]], pretty: bool = True
) -> int:
    """Write manifest, site dirs and truth of one epoch (the epoch dir is replaced).

    `pretty` indents the JSON (the C encoder without indent is ~5x faster for scale mode)."""
    ind = 1 if pretty else None
    if root.exists():
        shutil.rmtree(root)
    (root / "truth").mkdir(parents=True)
    (root / "sites").mkdir()
    entries = []
    for site, host_rec in sites:
        entry = {
            "host": site.host,
            "domain": site.domain,
            "url": site.url,
            "truth": f"truth/{site.domain}.json",
            "hosting": host_rec,
        }
        if site.dead:
            entry["dead"] = True
        else:
            sdir = root / "sites" / site.host
            (sdir / "files").mkdir(parents=True)
            for name, data in site.files.items():
                (sdir / name).write_bytes(data)
            (sdir / "site.json").write_text(
                json.dumps(site.site_json(), ensure_ascii=False, indent=ind), "utf-8"
            )
        (root / entry["truth"]).write_text(
            json.dumps(site.truth, ensure_ascii=False, indent=ind), "utf-8"
        )
        entries.append(entry)
    manifest = {"epoch": epoch, "seed": seed, "sites": entries}
    (root / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=ind), "utf-8"
    )
    return len(entries)


def build_web(
    out_dir: Path, seed: int = 1, portals: int | None = None, world: str = "curated"
) -> dict:
    """Generate the sandbox web under `out_dir`; `portals` switches to scale mode (N portals);
    `world="reach"` builds the reach world (real panel software's ways, sandbox/reach/)."""
    if world not in WORLDS:
        raise ValueError(f"unknown sandbox world {world!r} (one of {', '.join(WORLDS)})")
    t0 = time.monotonic()
    out_dir = Path(out_dir)
    n = 0
    for i, epoch in enumerate(EPOCHS):
        if portals:
            from sandbox.scale import scale_sites

            sites = scale_sites(seed, i, portals)
        elif world == "discovery":
            from sandbox.discovery import discovery_sites

            sites = discovery_sites(seed, i)
        elif world == "reach":
            from sandbox.reach import reach_sites

            sites = reach_sites(seed, i)
        else:
            sites = curated(seed, i)
        n = write_epoch(out_dir / epoch, epoch, seed, sites, pretty=not portals)
        if world == "discovery":
            from sandbox.discovery import write_extras

            write_extras(out_dir / epoch, seed, sites)
    return {"epochs": list(EPOCHS), "sites": n, "seconds": round(time.monotonic() - t0, 2)}
