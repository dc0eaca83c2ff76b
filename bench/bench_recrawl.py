"""Recrawl benchmark: a second crawl of an unchanged world into the same atlas, against the
plain spider on the same pages (issue 12: "an unchanged recrawl costs <= 1.5x the plain spider").

    .venv/bin/python bench/bench_recrawl.py [--portals 300] [--budget 20] [--repeat 1]
        [--atlas-root DIR ...]

Builds the scale-mode sandbox web (as bench/bench_crawl.py does), serves it, and for each atlas
checkout (`--atlas-root`, e.g. a `git archive` of the tree before a change; default this one)
crawls it once into a fresh atlas (the first crawl, timed too) and then again into the same
atlas (the recrawl: same pages, same bodies), each crawl measured as a whole process tree
(bench/treemem.py). The plain spider (bench/baseline_spider.py) runs before each checkout's
pair, interleaved. Ratio = recrawl seconds / plain spider seconds (lower is better).
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

from bench.bench_crawl import _commit, baseline  # noqa: E402
from bench.treemem import run_measured  # noqa: E402


def crawl(server, urls: list[str], folder: Path, args, atlas_root: Path) -> dict:
    """One `smmatlas crawl --render never` into folder/atlas.db (made by the first call)."""
    server.reset_faults()
    folder.mkdir(exist_ok=True)
    seeds = folder / "seeds.txt"
    seeds.write_text("\n".join(urls))
    db = f"sqlite:///{folder}/atlas.db"
    env = {**os.environ, "SMMATLAS_SCREENSHOTS": "0"}
    log = folder / f"crawl-{time.time_ns()}.log"
    try:
        wall, rss, pss, _ = run_measured(
            [sys.executable, "-m", "atlas.cli", "crawl", "--seeds", str(seeds), "--render",
             args.render, "--db", db, "--data", str(folder), "--proxy", server.proxy_url,
             "--budget", str(args.budget), "--log-file", str(log), "-q"],
            cwd=atlas_root, env=env,
        )  # fmt: skip
    except SystemExit as exc:  # say why (the crawl runs with -q)
        tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
        raise SystemExit(f"{exc}\n--- {log} ---\n{tail}") from None
    query = ("SELECT counts FROM crawl_runs ORDER BY id DESC LIMIT 1")  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-m", "atlas.cli", "query", "--db", db, "--format", "json", query],
        cwd=atlas_root, capture_output=True, text=True, check=True,  # its own schema
    )  # fmt: skip
    counts = json.loads(out.stdout)[0]["counts"]
    counts = json.loads(counts) if isinstance(counts, str) else counts
    pages = counts.get("smmatlas/pages", 0)
    return {"seconds": round(wall, 2), "pages": pages, "pages_per_s": round(pages / wall, 1),
            "tree_rss_kib": rss, "tree_pss_kib": pss,
            "extracted": counts.get("smmatlas/extract/extracted"),
            "unchanged": counts.get("smmatlas/extract/unchanged")}  # fmt: skip


def main() -> None:
    from sandbox.build import build_web
    from sandbox.testing import running_sandbox

    ap = argparse.ArgumentParser()
    ap.add_argument("--portals", type=int, default=300)
    ap.add_argument("--budget", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--render", default="never")
    ap.add_argument("--atlas-root", action="append")
    ap.add_argument("--label", type=json.loads, help='JSON {"root": "label"} for the results')
    args = ap.parse_args()
    roots = [Path(r).resolve() for r in args.atlas_root or [ROOT]]
    runs: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        web = Path(tmp) / "web"
        build_web(web, seed=7, portals=args.portals)
        manifest = json.loads((web / "late" / "manifest.json").read_text())
        urls = [s["url"] for s in manifest["sites"] if not s.get("dead")]
        with running_sandbox(web) as server:
            for n in range(args.repeat):
                for i, atlas_root in enumerate(roots):
                    base = baseline(server, urls, args)
                    folder = Path(tmp) / f"run{n}-{i}"
                    first = crawl(server, urls, folder, args, atlas_root)
                    again = crawl(server, urls, folder, args, atlas_root)
                    row = {"root": str(atlas_root), "baseline": base, "first": first,
                           "recrawl": again,
                           "recrawl_time_ratio": round(again["seconds"] / base["seconds"], 3),
                           "first_time_ratio": round(first["seconds"] / base["seconds"], 3),
                           "recrawl_tree_rss_ratio": round(
                               again["tree_rss_kib"] / base["tree_rss_kib"], 3)}  # fmt: skip
                    runs.append(row)
                    print(json.dumps(row), file=sys.stderr, flush=True)
    result = {"portals": args.portals, "budget": args.budget, "render": args.render,
              "repeat": args.repeat, "cpus": os.cpu_count(), "atlases": []}  # fmt: skip
    for atlas_root in roots:
        mine = [r for r in runs if r["root"] == str(atlas_root)]
        ratios = [r["recrawl_time_ratio"] for r in mine]
        result["atlases"].append({
            "root": str(atlas_root),
            "label": (args.label or {}).get(str(atlas_root)) or _commit(atlas_root),
            "recrawl_time_ratio_median": statistics.median(ratios),
            "recrawl_time_ratio_range": [min(ratios), max(ratios)],
            "recrawl_seconds_median": statistics.median(r["recrawl"]["seconds"] for r in mine),
            "baseline_seconds_median": statistics.median(r["baseline"]["seconds"] for r in mine),
            "recrawl_tree_rss_mib_max": round(
                max(r["recrawl"]["tree_rss_kib"] for r in mine) / 1024, 1),
        })  # fmt: skip
    result["runs"] = runs
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"recrawl-{int(time.time())}.json"
    path.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
