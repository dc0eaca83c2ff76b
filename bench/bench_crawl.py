"""Crawl benchmark: the atlas against a plain Scrapy baseline, in the same run.

    .venv/bin/python bench/bench_crawl.py [--portals 300] [--budget 20]

Builds a scale-mode sandbox web (N portals), serves it, then crawls it twice through the same
proxy with the same settings: once with bench/baseline_spider.py (fetch and follow links only),
once with `smmatlas crawl --render never` (extraction, evidence, SQL). Reports pages/s and peak
memory of both, and the ratios atlas/baseline (the numbers that matter: absolute speed depends
on the machine). Results go to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(cmd: list[str]) -> tuple[float, int, str]:
    """Run cmd under GNU time: (wall seconds, peak RSS KiB, stdout)."""
    with tempfile.NamedTemporaryFile("r") as tf:
        start = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-o", tf.name, "-f", "%M", *cmd],
            cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{cmd[:4]} failed:\n{proc.stderr[-3000:]}")
        return wall, int(tf.read().strip().splitlines()[-1]), proc.stdout


def main() -> None:
    from sandbox.build import build_web
    from sandbox.testing import running_sandbox

    ap = argparse.ArgumentParser()
    ap.add_argument("--portals", type=int, default=300)
    ap.add_argument("--budget", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "web"
        t0 = time.perf_counter()
        build_web(root, seed=7, portals=args.portals)
        build_s = time.perf_counter() - t0
        manifest = json.loads((root / "late" / "manifest.json").read_text())
        urls = [s["url"] for s in manifest["sites"] if not s.get("dead")]
        with running_sandbox(root) as server:
            py = sys.executable
            b_wall, b_rss, b_out = timed(
                [py, "bench/baseline_spider.py", json.dumps(urls), server.proxy_url,
                 str(args.budget)]
            )  # fmt: skip
            b_pages = json.loads(b_out.strip().splitlines()[-1])["pages"]
            server.reset_faults()
            seeds = Path(tmp) / "seeds.txt"
            seeds.write_text("\n".join(urls))
            a_wall, a_rss, a_out = timed(
                [py, "-m", "atlas.cli", "crawl", "--seeds", str(seeds), "--render", "never",
                 "--db", f"sqlite:///{tmp}/atlas.db", "--data", tmp, "--proxy",
                 server.proxy_url, "--budget", str(args.budget), "-q"]
            )  # fmt: skip
        run = json.loads(
            subprocess.run(
                [py, "-m", "atlas.cli", "query", "--db", f"sqlite:///{tmp}/atlas.db", "--format",
                 "json", "SELECT count(*) AS pages FROM captures"],
                cwd=ROOT, capture_output=True, text=True, check=True,
            ).stdout
        )  # fmt: skip
        a_pages = run[0]["pages"]
    result = {
        "portals": args.portals,
        "build_seconds": round(build_s, 2),
        "baseline": {"pages": b_pages, "seconds": round(b_wall, 2), "rss_mib": b_rss // 1024},
        "atlas": {"captures": a_pages, "seconds": round(a_wall, 2), "rss_mib": a_rss // 1024},
        "speed_ratio": round((a_pages / a_wall) / (b_pages / b_wall), 3),
        "memory_ratio": round(a_rss / b_rss, 3),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"crawl-{int(time.time())}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
