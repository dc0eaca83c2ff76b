"""`smmatlas demo`: the whole pipeline against the local sandbox web, scored against its truth."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from atlas.sandbox_cmd import sandbox_services


def _step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run_demo(args: argparse.Namespace) -> int:
    from atlas.evaluate import evaluate, load_truth
    from sandbox.build import build_web

    data = Path(args.data)
    root = data / "sandbox"
    db = f"sqlite:///{data / 'atlas.db'}"
    _step(f"building the sandbox web into {root}")
    print(json.dumps(build_web(root, seed=1), default=str))
    manifest = json.loads((root / "late" / "manifest.json").read_text(encoding="utf-8"))
    seeds = data / "seeds.txt"
    seeds.write_text("\n".join(site["url"] for site in manifest["sites"]) + "\n")
    cli = [sys.executable, "-m", "atlas.cli"]
    with sandbox_services(root) as svc:
        print(f"serving it at {svc.proxy_url} (DNS {svc.dns}, RDAP {svc.rdap})")
        _step(f"crawling {len(manifest['sites'])} sites (render {args.render})")
        crawl = [*cli, "crawl", "--seeds", str(seeds), "--db", db, "--data", str(data)]
        crawl += ["--proxy", svc.proxy_url, "--render", args.render, "-q"]
        if subprocess.run(crawl).returncode != 0:
            return 1
        _step("enriching hosting from the DNS and RDAP doubles")
        enrich = [*cli, "enrich", "--db", db, "--dns", svc.dns, "--rdap-domain", svc.rdap]
        if subprocess.run([*enrich, "--rdap-ip", svc.rdap]).returncode != 0:
            return 1
    _step("exporting")
    out = data / "atlas.json"
    if subprocess.run([*cli, "export", "--db", db, "-o", str(out)]).returncode != 0:
        return 1
    subprocess.run([*cli, "portals", "--db", db])
    _step("scoring against the sandbox's ground truth")
    report = evaluate(
        json.loads(out.read_text(encoding="utf-8")), load_truth(root / "late" / "truth")
    )
    report.pop("problems")
    print(json.dumps(report, indent=1))
    print(f"\natlas: {db}  export: {out}  evidence: {data / 'warc'}")
    return 0
