"""Rendering benchmark: how much of a crawl needs the browser, on the sandbox mix; and the
memory of the whole process tree when the browser is used (`--memory`).

    .venv/bin/python bench/bench_render.py
    .venv/bin/python bench/bench_render.py --memory --repeat 3 [--atlas-root DIR ...]
        [--variant LABEL=NAME=VALUE,NAME=VALUE ...]

Crawls the curated world (server-rendered panels, two JavaScript portals, storefronts, decoys)
and the reach world (real panel software's ways: login walls, sitemaps, four JavaScript apps,
shop software) with `--render auto`, and reports per world and for the mix: pages fetched,
pages loaded in the browser (the rendered fraction), wall time and the peak RSS of the largest
process of the crawl (GNU time's figure). Results go to bench/results/.

`--memory` crawls the curated world (its two JavaScript portals rendered, screenshots on) with
`--render auto` and samples the WHOLE process tree (crawler, extraction workers, Playwright's
driver, Chromium; bench/treemem.py): peak RSS and PSS, wall time, the browser's starts, stops
and restarts from the run's stats. Runs are repeated and interleaved over every `--atlas-root`
(a "before" tree made with `git archive`, next to a `shared` symlink) and every `--variant`
(environment settings, e.g. `one-page=PLAYWRIGHT_MAX_PAGES_PER_CONTEXT=1`). It also crawls the
curated portals that need no browser, screenshots off, and records whether any browser or
driver process appeared in the tree (with the lazy browser, none may). Results:
bench/results/render-memory-*.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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


NEEDS_BROWSER = {"cheapsmmpanelz.com", "buzzgramly.com"}  # the curated world's rendered pages
BUDGET_MIB = 1024


def measured(cmd: list[str], cwd: Path, env: dict) -> dict:
    """Run `cmd`: wall, peak tree RSS/PSS (MiB) and the browser/driver processes seen."""
    from bench.treemem import TreeSampler, TreeWatch

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    with TreeWatch(proc.pid, ("chrom", "node")) as watch, TreeSampler(proc.pid, 0.1) as sampler:
        _, err = proc.communicate()
    seen = watch.matched
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:5]} failed ({proc.returncode}):\n{err[-3000:]}")
    return {"seconds": round(time.perf_counter() - start, 1),
            "tree_rss_mib": sampler.peak_rss // 1024, "tree_pss_mib": sampler.peak_pss // 1024,
            "browser_processes_seen": sorted(seen), "at_peak": sampler.at_peak}  # fmt: skip


def crawl_memory(server, urls, tmp: Path, root: Path, env: dict, screenshots: bool) -> dict:
    tmp.mkdir(parents=True)
    seeds = tmp / "seeds.txt"
    seeds.write_text("\n".join(urls))
    db = f"sqlite:///{tmp}/atlas.db"
    env = {**os.environ, "SMMATLAS_SCREENSHOTS": "1" if screenshots else "0", **env}
    got = measured(
        [sys.executable, "-m", "atlas.cli", "crawl", "--seeds", str(seeds), "--db", db,
         "--data", str(tmp), "--proxy", server.proxy_url, "--render", "auto", "-q"],
        root, env,
    )  # fmt: skip
    raw = subprocess.run(
        [sys.executable, "-m", "atlas.cli", "query", "--db", db, "--format", "json",
         "SELECT counts, (SELECT count(*) FROM captures) AS captures, "
         "(SELECT count(*) FROM captures WHERE screenshot IS NOT NULL) AS screenshots "
         "FROM crawl_runs ORDER BY id DESC LIMIT 1"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    row = json.loads(raw)[0]
    counts = row["counts"] if isinstance(row["counts"], dict) else json.loads(row["counts"])
    keys = ("smmatlas/render/decided", "playwright/page_count", "playwright/browser_count",
            "smmatlas/browser/starts", "smmatlas/browser/stops", "smmatlas/browser/restarts",
            "smmatlas/browser/idle_closes")  # fmt: skip
    got.update({k: counts.get(k, 0) for k in keys})
    got.update({"captures": row["captures"], "screenshots": row["screenshots"]})
    return got


def memory(args) -> dict:
    from bench.bench_crawl import _commit
    from sandbox.build import build_web
    from sandbox.testing import running_sandbox

    roots = [Path(r).resolve() for r in args.atlas_root or [ROOT]]
    variants = {"default": {}}
    for spec in args.variant or []:
        label, _, pairs = spec.partition("=")
        variants[label] = dict(p.split("=", 1) for p in pairs.split(",") if p)
    runs: dict[str, list] = {}
    with tempfile.TemporaryDirectory() as tmp:
        web = Path(tmp) / "web"
        build_web(web, seed=1, world="curated")
        sites = json.loads((web / "late" / "manifest.json").read_text())["sites"]
        urls = [s["url"] for s in sites]
        plain = [s["url"] for s in sites if not s.get("dead") and s["domain"] not in NEEDS_BROWSER]
        with running_sandbox(web) as server:
            for n in range(args.repeat):
                for i, root in enumerate(roots):
                    for label, env in variants.items():
                        key = f"{_commit(root) or root.name}:{label}"
                        got = crawl_memory(server, urls, Path(tmp) / f"r{n}-{i}-{label}", root,
                                           env, screenshots=True)  # fmt: skip
                        runs.setdefault(key, []).append(got)
                        print(key, json.dumps(got), flush=True)
                    key = f"{_commit(root) or root.name}:no-page-to-render"
                    got = crawl_memory(server, plain, Path(tmp) / f"p{n}-{i}", root, {},
                                       screenshots=False)  # fmt: skip
                    runs.setdefault(key, []).append(got)
                    print(key, json.dumps(got), flush=True)
    summary = {}
    for key, got in runs.items():
        summary[key] = {
            "median_tree_rss_mib": statistics.median(g["tree_rss_mib"] for g in got),
            "median_tree_pss_mib": statistics.median(g["tree_pss_mib"] for g in got),
            "max_tree_rss_mib": max(g["tree_rss_mib"] for g in got),
            "max_tree_pss_mib": max(g["tree_pss_mib"] for g in got),
            "median_seconds": statistics.median(g["seconds"] for g in got),
            "under_1_gib": all(max(g["tree_rss_mib"], g["tree_pss_mib"]) < BUDGET_MIB for g in got),
        }
    return {"world": "curated", "portals": len(urls), "repeat": args.repeat,
            "variants": variants, "summary": summary, "runs": runs}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--memory", action="store_true", help="whole-tree memory with the browser")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--atlas-root", action="append", help="another checkout to run")
    parser.add_argument("--variant", action="append", help="LABEL=NAME=VALUE,NAME=VALUE")
    args = parser.parse_args()
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    if args.memory:
        result = memory(args)
        (out / f"render-memory-{int(time.time())}.json").write_text(json.dumps(result, indent=1))
        print(json.dumps(result["summary"], indent=1))
        return
    with tempfile.TemporaryDirectory() as tmp:
        worlds = {w: crawl_world(w, Path(tmp)) for w in ("curated", "reach")}
    pages = sum(w["pages"] for w in worlds.values())
    rendered = sum(w["rendered"] for w in worlds.values())
    result = {**worlds, "mix": {"pages": pages, "rendered": rendered,
                                "rendered_fraction": round(rendered / pages, 4)}}  # fmt: skip
    (out / f"render-{int(time.time())}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
