"""Crawl benchmark: the atlas against a plain Scrapy baseline, in the same run.

    .venv/bin/python bench/bench_crawl.py [--portals 300] [--budget 20] [--repeat 3]
        [--render never|auto] [--no-baseline] [--atlas-root DIR] [--profile]

Builds a scale-mode sandbox web (N portals), serves it, then crawls it twice through the same
proxy with the same settings: once with bench/baseline_spider.py (fetch and follow links only),
once with `smmatlas crawl --render never` (extraction, evidence, SQL). Reports pages/s and peak
memory of both, and the ratios atlas/baseline (the numbers that matter: absolute speed depends
on the machine). Memory is the peak RSS and PSS of each command's WHOLE process tree (the
crawler, its extraction workers, a browser if one starts: bench/treemem.py), sampled every
0.25 s. Results go to bench/results/.

`--no-baseline` is scale mode: the atlas alone at N portals (pages/s, tree memory, DB and WARC
size), for runs too long to do twice. `--render auto` lets the atlas decide to render (the
scale world has no page that needs a browser, so none should start).

`--repeat N` runs the pair N times, interleaved (baseline, atlas, baseline, atlas, ...) on the
same web, and reports each pair and the median ratio (one run is too noisy on a shared machine).
`--atlas-root DIR` (repeatable) runs the atlas from other checkouts (a "before" tree made with
`git archive`) after the same baseline, so a change is measured against its parent in one run.
`--profile` adds one atlas crawl (of the last root, not counted in the ratios) whose crawler
process runs under cProfile, and writes the top of its profile next to the result.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.treemem import run_measured  # noqa: E402


def timed(cmd: list[str], cwd: Path = ROOT) -> tuple[float, int, int, str]:
    """Run cmd: (wall seconds, peak RSS KiB and peak PSS KiB of its whole process tree, stdout)."""
    return run_measured(cmd, cwd=cwd)


def _size(path: Path) -> int:
    """Bytes under path (a file or a folder)."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    from sandbox.build import build_web
    from sandbox.testing import running_sandbox

    ap = argparse.ArgumentParser()
    ap.add_argument("--portals", type=int, default=300)
    ap.add_argument("--budget", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument(
        "--render",
        choices=("never", "auto"),
        default="never",
        help="the atlas's --render (auto: the browser starts only if a page needs it)",
    )
    ap.add_argument(
        "--no-baseline",
        action="store_true",
        help="scale mode: the atlas alone (pages/s, tree memory, DB and WARC size)",
    )
    ap.add_argument(
        "--atlas-root",
        action="append",
        help="run the atlas from this checkout (repeatable; default: this one)",
    )
    ap.add_argument("--label", type=json.loads, help='JSON {"root": "label"} for the results')
    ap.add_argument("--profile", action="store_true", help="cProfile the first atlas crawl")
    args = ap.parse_args()  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "web"
        t0 = time.perf_counter()
        build_web(root, seed=7, portals=args.portals)
        build_s = time.perf_counter() - t0
        manifest = json.loads((root / "late" / "manifest.json").read_text())
        urls = [s["url"] for s in manifest["sites"] if not s.get("dead")]
        roots = [Path(r).resolve() for r in args.atlas_root or [ROOT]]
        prof = Path(tmp) / "atlas.prof"
        runs: list[dict] = []
        with running_sandbox(root) as server:
            for n in range(args.repeat):  # interleaved: baseline, each atlas, baseline, ...
                base = None if args.no_baseline else baseline(server, urls, args)
                for i, atlas_root in enumerate(roots):
                    got = atlas(server, urls, Path(tmp) / f"run{n}-{i}", args, atlas_root, None)
                    runs.append(ratios(base, got))
                    print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
            if args.profile:  # an extra, profiled run: not counted in the ratios
                atlas(server, urls, Path(tmp) / "profiled", args, roots[-1], prof)
        profile = summary(prof) if args.profile else None
    result = {"portals": args.portals, "budget": args.budget, "render": args.render,
              "repeat": args.repeat, "cpus": os.cpu_count(),
              "build_seconds": round(build_s, 2), "atlases": []}  # fmt: skip
    for atlas_root in roots:
        mine = [r for r in runs if r["atlas"]["root"] == str(atlas_root)]
        summary_row = {
            "root": str(atlas_root),
            "label": (args.label or {}).get(str(atlas_root)) or _commit(atlas_root),
            "pages_per_s_median": statistics.median(r["atlas"]["pages_per_s"] for r in mine),
            "tree_rss_mib_max": round(max(r["atlas"]["tree_rss_kib"] for r in mine) / 1024, 1),
            "tree_pss_mib_max": round(max(r["atlas"]["tree_pss_kib"] for r in mine) / 1024, 1),
        }
        if not args.no_baseline:
            speed = [r["speed_ratio"] for r in mine]
            summary_row.update(
                speed_ratio_median=round(statistics.median(speed), 3),
                speed_ratio_range=[min(speed), max(speed)],
                memory_ratio_median=round(statistics.median(r["memory_ratio"] for r in mine), 3),
            )
        result["atlases"].append(summary_row)
    result["runs"] = runs
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = int(time.time())
    (out / f"crawl-{stamp}.json").write_text(json.dumps(result, indent=1))
    if profile:
        (out / f"crawl-{stamp}-profile.txt").write_text(profile)
    print(json.dumps(result, indent=1))


def _commit(root: Path) -> str | None:
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                          text=True)  # fmt: skip
    return proc.stdout.strip() or None


def baseline(server, urls, args) -> dict:
    """The plain spider: fetch and follow links only."""
    server.reset_faults()
    wall, rss, pss, out = timed(
        [sys.executable, "bench/baseline_spider.py", json.dumps(urls), server.proxy_url,
         str(args.budget)]
    )  # fmt: skip
    pages = json.loads(out.strip().splitlines()[-1])["pages"]
    return {"pages": pages, "seconds": round(wall, 2), "tree_rss_kib": rss, "tree_pss_kib": pss,
            "pages_per_s": round(pages / wall, 1)}  # fmt: skip


def atlas(server, urls, tmp: Path, args, atlas_root: Path, prof: Path | None) -> dict:
    """`smmatlas crawl` of the same pages through the same proxy (`--render never` unless
    `--render auto`), screenshots off, as a scheduled job runs it."""
    tmp.mkdir()
    py = sys.executable
    server.reset_faults()
    seeds = tmp / "seeds.txt"
    seeds.write_text("\n".join(urls))
    db = f"sqlite:///{tmp}/atlas.db"
    profiled = ["-m", "cProfile", "-o", str(prof)] if prof else []
    env = {**os.environ, "SMMATLAS_SCREENSHOTS": "0"}
    start = time.perf_counter()
    wall, rss, pss, _ = run_measured(
        [py, *profiled, "-m", "atlas.cli", "crawl", "--seeds", str(seeds), "--render",
         args.render, "--db", db, "--data", str(tmp), "--proxy", server.proxy_url, "--budget",
         str(args.budget), "-q"],
        cwd=atlas_root, env=env,
    )  # fmt: skip
    wall = time.perf_counter() - start
    run = json.loads(
        subprocess.run(
            [py, "-m", "atlas.cli", "query", "--db", db, "--format", "json",
             "SELECT (SELECT count(*) FROM captures) AS pages, "
             "(SELECT count(*) FROM offers) AS offers, "
             "(SELECT count(*) FROM offer_observations) AS observations, "
             "(SELECT count(*) FROM portals) AS portals, "
             "(SELECT count(*) FROM portals WHERE status = 'active') AS active"],
            cwd=atlas_root, capture_output=True, text=True, check=True,
        ).stdout
    )[0]  # fmt: skip
    return {"root": str(atlas_root), "captures": run["pages"], "offers": run["offers"],
            "observations": run["observations"], "portals": run["portals"],
            "active": run["active"], "seconds": round(wall, 2), "tree_rss_kib": rss,
            "tree_pss_kib": pss, "pages_per_s": round(run["pages"] / wall, 1),
            "db_mib": round(_size(tmp / "atlas.db") / 2**20, 1),
            "warc_mib": round(_size(tmp / "warc") / 2**20, 1)}  # fmt: skip


def ratios(base: dict | None, got: dict) -> dict:
    if base is None:
        return {"atlas": got}
    return {
        "baseline": base,
        "atlas": got,
        "speed_ratio": round(got["pages_per_s"] / base["pages_per_s"], 3),
        "memory_ratio": round(got["tree_rss_kib"] / base["tree_rss_kib"], 3),
    }


def summary(prof: Path, top: int = 30) -> str:
    """The crawler process's profile: the functions with the most cumulative and own time."""
    out = io.StringIO()
    stats = pstats.Stats(str(prof), stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


if __name__ == "__main__":
    main()
