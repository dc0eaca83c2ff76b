"""Scale-out benchmark: one crawler process against two workers on one Redis portal queue.

    .venv/bin/python bench/bench_queue.py [--portals 300] [--budget 20] [--repeat 2] [--idle 2]
        [--atlas-root DIR] [--note TEXT]

Builds the scale-mode sandbox web (N portals, as bench/bench_crawl.py) and serves it, and starts
a redis-server and a private PostgreSQL cluster on 127.0.0.1 (as tests/test_scaleout.py does;
both stopped at the end). Then `--repeat` times, interleaved: "one" is `smmatlas crawl --queue`
alone; "two" is the same crawl plus one `smmatlas worker` started right after it. Each run gets
a fresh Redis database number and key prefix, a fresh PostgreSQL database and evidence root,
`--render never`, screenshots off, `SMMATLAS_QUEUE_IDLE=--idle` seconds. `--atlas-root DIR`
runs the commands from another checkout (a `git archive` of a commit, next to a `shared`
symlink, as for bench/bench_crawl.py).

Per run: wall seconds until every process has ended, captures and offers in the atlas, pages/s
(captures / wall), the portals each process finished, and the peak of the summed RSS and PSS of
all the processes' trees (each crawler with its extraction workers; the trees are sampled
together every 0.25 s with bench/treemem.py). Redis and PostgreSQL are not counted (the same in
both modes). Warns when the modes do not store the same number of offers. Results:
bench/results/queue-<unixtime>.json (runs, median pages/s per mode, ratio two/one).
"""

from __future__ import annotations

import argparse
import contextlib
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
sys.path.append(str(ROOT / "tests"))  # after the project: tests/ only adds pgserver, redisserver

import pgserver  # noqa: E402  (tests/pgserver.py: the private PostgreSQL cluster)
from redisserver import redis_server  # noqa: E402  (tests/redisserver.py)

from bench.treemem import TreeSampler  # noqa: E402

postgres_server = contextlib.contextmanager(pgserver.postgres.__wrapped__)  # the test fixture


def crawl_run(mode: str, n: int, ctx: dict, tmp: Path, args) -> dict:
    """One run of `mode` ("one" or "two") on its own queue, database and evidence root."""
    name = f"{mode}_{n}"
    db = pgserver.createdb(ctx["postgres"], name)
    data = tmp / name
    data.mkdir()
    queue = f"{ctx['redis']}/{ctx['runs'] % 16}"
    ctx["runs"] += 1
    env = {**os.environ, "SMMATLAS_SCREENSHOTS": "0", "SMMATLAS_QUEUE_IDLE": str(args.idle),
           "SMMATLAS_QUEUE_KEY": f"bench:{name}"}  # fmt: skip
    common = ["--queue", queue, "--db", db, "--data", str(data), "--proxy", ctx["proxy"],
              "--render", "never", "--no-screenshots", "--budget", str(args.budget),
              "-q"]  # fmt: skip
    cmds = [["crawl", "--seeds", str(ctx["seeds"]), *common]]
    if mode == "two":
        cmds.append(["worker", *common])
    start = time.perf_counter()
    procs = []
    for i, cmd in enumerate(cmds):
        log = open(data / f"proc{i}.log", "w")  # noqa: SIM115 - closed below
        procs.append((log, subprocess.Popen(
            [sys.executable, "-m", "atlas.cli", *cmd], cwd=args.atlas_root, env=env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )))  # fmt: skip
    with TreeSampler([p.pid for _, p in procs]) as sampler:
        codes = [p.wait() for _, p in procs]
    wall = time.perf_counter() - start
    for log, _ in procs:
        log.close()
    if any(codes):
        tails = [(data / f"proc{i}.log").read_text()[-2000:] for i in range(len(cmds))]
        raise SystemExit(f"{name}: exit codes {codes}\n" + "\n---\n".join(tails))
    facts = atlas_facts(db)
    return {"mode": mode, "processes": len(cmds), "seconds": round(wall, 2), **facts,
            "pages_per_s": round(facts["captures"] / wall, 1),
            "tree_rss_kib": sampler.peak_rss, "tree_pss_kib": sampler.peak_pss,
            "at_peak": sampler.at_peak}  # fmt: skip


def atlas_facts(db: str) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    with engine.connect() as conn:
        one = conn.execute(text(
            "SELECT (SELECT count(*) FROM captures), (SELECT count(*) FROM offers), "
            "(SELECT count(*) FROM portals)"
        )).one()  # fmt: skip
        per_run = conn.execute(text(
            "SELECT run_id, count(*) FROM portal_crawls WHERE finished_at IS NOT NULL "
            "GROUP BY run_id ORDER BY run_id"
        )).all()  # fmt: skip
    engine.dispose()
    return {"captures": one[0], "offers": one[1], "portals": one[2],
            "portals_per_process": [r[1] for r in per_run]}  # fmt: skip


def main() -> None:
    from sandbox.build import build_web
    from sandbox.testing import running_sandbox

    ap = argparse.ArgumentParser()
    ap.add_argument("--portals", type=int, default=300)
    ap.add_argument("--budget", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--idle", type=float, default=2, help="SMMATLAS_QUEUE_IDLE seconds")
    ap.add_argument("--atlas-root", type=Path, default=ROOT, help="the checkout to run")
    ap.add_argument("--note", default="", help="added to the result's note")
    args = ap.parse_args()
    load_start = os.getloadavg()
    runs: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        build_web(tmp / "web", seed=7, portals=args.portals)
        manifest = json.loads((tmp / "web" / "late" / "manifest.json").read_text())
        seeds = tmp / "seeds.txt"
        seeds.write_text("\n".join(s["url"] for s in manifest["sites"] if not s.get("dead")))
        with running_sandbox(tmp / "web") as server, postgres_server() as pg, redis_server() as rd:
            ctx = {"postgres": pg, "redis": rd, "proxy": server.proxy_url, "seeds": seeds,
                   "runs": 0}  # fmt: skip
            for n in range(args.repeat):
                for mode in ("one", "two"):
                    server.reset_faults()
                    runs.append(crawl_run(mode, n, ctx, tmp, args))
                    print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    summary = {}
    for mode in ("one", "two"):
        mine = [r for r in runs if r["mode"] == mode]
        summary[mode] = {
            "pages_per_s_median": statistics.median(r["pages_per_s"] for r in mine),
            "seconds_median": round(statistics.median(r["seconds"] for r in mine), 2),
            "tree_rss_mib_max": round(max(r["tree_rss_kib"] for r in mine) / 1024, 1),
            "tree_pss_mib_max": round(max(r["tree_pss_kib"] for r in mine) / 1024, 1),
        }
    summary["ratio_two_over_one"] = round(
        summary["two"]["pages_per_s_median"] / summary["one"]["pages_per_s_median"], 3
    )
    offers = sorted({r["offers"] for r in runs})
    summary["same_offers"] = len(offers) == 1
    if len(offers) != 1:
        print(f"WARNING: the runs stored different offer counts: {offers}", file=sys.stderr)
    result = {
        "portals": args.portals, "budget": args.budget, "repeat": args.repeat,
        "queue_idle_s": args.idle, "cpus": os.cpu_count(), "atlas_root": str(args.atlas_root),
        "commit": _commit(args.atlas_root),
        "loadavg_start": [round(x, 2) for x in load_start],
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "note": "2-core machine shared with other jobs (see loadavg): the two workers compete "
        "with each other and with that work for the same CPU. " + args.note,
        "summary": summary, "runs": runs,
    }  # fmt: skip
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"queue-{int(time.time())}.json"
    path.write_text(json.dumps(result, indent=1))
    print(json.dumps({"result": str(path), **summary}, indent=1))


def _commit(root: Path) -> str | None:
    """The checkout's commit (a `git archive` has a `.commit` file, else git knows)."""
    if (root / ".commit").is_file():
        return (root / ".commit").read_text().strip()
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                          text=True)  # fmt: skip
    return proc.stdout.strip() or None


if __name__ == "__main__":
    main()
