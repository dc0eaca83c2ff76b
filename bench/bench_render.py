"""Rendering benchmark: how much of a crawl needs the browser, on the sandbox mix.

    .venv/bin/python bench/bench_render.py

Crawls the curated world (server-rendered panels, two JavaScript portals, storefronts, decoys)
and the reach world (real panel software's ways: login walls, sitemaps, four JavaScript apps,
shop software) with `--render auto`, and reports per world and for the mix: pages fetched,
pages loaded in the browser (the rendered fraction), wall time and the peak RSS of the largest
process of the crawl (GNU time's figure). Results go to bench/results/.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_crawl import timed  # noqa: E402


def crawl_world(world: str, tmp: Path) -> dict:
    from sandbox.build import build_web
    from sandbox.testing import running_sandbox

    root = tmp / world
    build_web(root / "web", seed=1, world=world)
    manifest = json.loads((root / "web" / "late" / "manifest.json").read_text())
    seeds = root / "seeds.txt"
    seeds.write_text("\n".join(s["url"] for s in manifest["sites"]))
    db = f"sqlite:///{root / 'atlas.db'}"
    with running_sandbox(root / "web") as server:
        wall, rss, _ = timed(
            [sys.executable, "-m", "atlas.cli", "crawl", "--seeds", str(seeds), "--db", db,
             "--data", str(root), "--proxy", server.proxy_url, "--render", "auto", "-q"]
        )  # fmt: skip
    rows = json.loads(
        subprocess.run(
            [sys.executable, "-m", "atlas.cli", "query", "--db", db, "--format", "json",
             "SELECT sum(pages) AS pages, sum(rendered_pages) AS rendered FROM portal_crawls"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    pages, rendered = rows[0]["pages"], rows[0]["rendered"]
    return {
        "portals": len(manifest["sites"]),
        "pages": pages,
        "rendered": rendered,
        "rendered_fraction": round(rendered / pages, 4),
        "seconds": round(wall, 2),
        "peak_rss_mib": rss // 1024,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        worlds = {w: crawl_world(w, Path(tmp)) for w in ("curated", "reach")}
    pages = sum(w["pages"] for w in worlds.values())
    rendered = sum(w["rendered"] for w in worlds.values())
    result = {**worlds, "mix": {"pages": pages, "rendered": rendered,
                                "rendered_fraction": round(rendered / pages, 4)}}  # fmt: skip
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"render-{int(time.time())}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
