"""Scale-out (issue 12): workers on one shared Redis portal queue build the same atlas as one
process; a worker killed with SIGKILL leaves its portals to the other, nothing lost or doubled.

Everything runs on 127.0.0.1: a real redis-server, a private PostgreSQL (tests/pgserver.py) and
a scale-mode sandbox world of 30 portals. The reference is an independent plain crawl of the
same world in one process, into its own database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pgserver
import pytest
import redis
from helpers import ROOT, run_cli
from redisserver import redis_server
from sqlalchemy import create_engine, text

postgres = pgserver.postgres  # the private PostgreSQL fixture
PORTALS = 30
QUEUE_ENV = {"SMMATLAS_QUEUE_IDLE": "2", "SMMATLAS_SCREENSHOTS": "0"}  # the default 60 s lease
# a short lease, so the survivor takes the dead worker's portals soon (renewed every lease/3)
SHORT_LEASE = {**QUEUE_ENV, "SMMATLAS_QUEUE_LEASE": "6"}
CRAWL = ("--render", "never", "--no-screenshots", "-q")


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture(scope="module")
def world(tmp_path_factory, postgres):
    """The scale-mode world served on loopback, and the reference atlas: one plain process."""
    from sandbox.build import build_web
    from sandbox.testing import running_sandbox

    root = tmp_path_factory.mktemp("scaleout")
    build_web(root / "web", seed=7, portals=PORTALS)
    manifest = json.loads((root / "web" / "late" / "manifest.json").read_text())
    seeds = root / "seeds.txt"
    seeds.write_text("\n".join(s["url"] for s in manifest["sites"]) + "\n")
    with running_sandbox(root / "web") as server:
        ref = pgserver.createdb(postgres, "reference")
        proc = run_cli(
            "crawl", "--seeds", str(seeds), "--db", ref, "--data", str(root / "ref"),
            "--proxy", server.proxy_url, *CRAWL,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]
        yield {"root": root, "seeds": seeds, "proxy": server.proxy_url, "reference": atlas(ref)}


def atlas(url: str) -> dict:
    """The facts of an atlas as sorted lists (not sets: a duplicate row would show)."""
    engine = create_engine(url)
    queries = {
        "offers": "SELECT p.domain, o.key, o.price, o.currency, o.per, o.min, o.max "
        "FROM offers o JOIN portals p ON p.id = o.portal_id",
        "payments": "SELECT p.domain, x.method, x.account FROM payments x "
        "JOIN portals p ON p.id = x.portal_id",
        "contacts": "SELECT p.domain, x.kind, x.value FROM contacts x "
        "JOIN portals p ON p.id = x.portal_id",
        "identifiers": "SELECT p.domain, x.kind, x.value FROM identifiers x "
        "JOIN portals p ON p.id = x.portal_id",
        "verdicts": "SELECT domain, status, kind FROM portals",
        "finished": "SELECT p.domain, c.run_id FROM portal_crawls c "
        "JOIN portals p ON p.id = c.portal_id WHERE c.finished_at IS NOT NULL",
    }
    with engine.connect() as conn:
        out = {
            name: sorted((tuple(r) for r in conn.execute(text(sql))), key=repr)
            for name, sql in queries.items()
        }
    engine.dispose()
    return out


def same_facts(got: dict, want: dict) -> None:
    for name in ("offers", "payments", "contacts", "identifiers", "verdicts"):
        assert got[name] == want[name], name


def start(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "atlas.cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its extraction workers go with it at the end
    )


def finish(proc: subprocess.Popen, timeout: float = 180) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # orphaned helpers of a killed worker
        except ProcessLookupError:
            pass
    return proc.returncode, out, err


def runs_of(url: str) -> dict[int, tuple[str, bool]]:
    """run -> (status, ended?) of every run in the atlas."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, status, finished_at FROM crawl_runs")).all()
    engine.dispose()
    return {run: (status, ended is not None) for run, status, ended in rows}


def events(client: redis.Redis, key: str) -> list[dict]:
    return [json.loads(raw) for raw in client.lrange(f"{key}:log", 0, -1)]


def pid_of(worker: str) -> int:
    return int(worker.rsplit(":", 2)[1])  # host:pid:random


def assert_claimed_once_at_a_time(log: list[dict]) -> None:
    """A portal is claimed again only after its claim ended (ack, release or expired lease)."""
    holder: dict[str, str] = {}
    for ev in log:
        if ev["ev"] == "lost":  # a dead worker reaped: not a portal's event
            continue
        domain = ev["domain"]
        if ev["ev"] == "claim":
            assert domain not in holder, f"{domain} claimed by {ev['worker']} while "
            f"{holder.get(domain)} held it"
            holder[domain] = ev["worker"]
        else:
            assert holder.pop(domain) == ev["worker"], ev


def test_two_workers_build_the_one_process_atlas(world, postgres, redis_url):
    db = pgserver.createdb(postgres, "two_workers")
    queue = f"{redis_url}/0"
    data = str(world["root"] / "shared")  # one evidence root for both workers
    common = ("--db", db, "--data", data, "--proxy", world["proxy"], *CRAWL)
    worker = start("worker", "--queue", queue, *common, env=QUEUE_ENV)
    crawl = start("crawl", "--queue", queue, "--seeds", str(world["seeds"]), *common, env=QUEUE_ENV)
    results = [finish(crawl), finish(worker)]
    for code, _, err in results:
        assert code == 0, err[:3000]
    got = atlas(db)
    same_facts(got, world["reference"])
    assert len(got["offers"]) > 300 and len(got["verdicts"]) == PORTALS
    # each portal finished exactly once, by one of the two runs; both workers crawled some
    assert Counter(d for d, _ in got["finished"]) == Counter(d for d, _, _ in got["verdicts"])
    runs = Counter(run for _, run in got["finished"])
    assert len(runs) == 2 and min(runs.values()) >= 3, runs
    client = redis.Redis.from_url(queue)
    log = events(client, "smmatlas:portal")
    assert {e["ev"] for e in log} == {"claim", "ack"}  # nobody died, nothing went back
    assert_claimed_once_at_a_time(log)
    assert client.scard("smmatlas:portal:done") == PORTALS
    assert (
        client.llen("smmatlas:portal:pending") == 0 and client.hlen("smmatlas:portal:claims") == 0
    )
    assert client.hlen("smmatlas:portal:workers") == 0  # both closed their runs and left
    assert runs_of(db) == {run: ("finished", True) for run in runs}
    warcs = sorted(p.name for p in (world["root"] / "shared" / "warc").glob("*.warc.gz"))
    assert len(warcs) == 2, warcs  # one file per worker, under the one root


def test_a_worker_killed_with_sigkill_leaves_its_portals_to_the_other(world, postgres, redis_url):
    db = pgserver.createdb(postgres, "killed")
    queue = f"{redis_url}/1"
    data = str(world["root"] / "shared-kill")
    common = ("--db", db, "--data", data, "--proxy", world["proxy"], *CRAWL)
    client = redis.Redis.from_url(queue)
    victim = start("worker", "--queue", queue, *common, "--concurrency", "4", env=SHORT_LEASE)
    crawl = start(
        "crawl", "--queue", queue, "--seeds", str(world["seeds"]), *common, env=SHORT_LEASE
    )
    engine = create_engine(db)
    held: list[str] = []
    deadline = time.monotonic() + 120
    try:  # kill the worker while it holds claims and has stored pages of its portals
        while time.monotonic() < deadline and victim.poll() is None:
            claims = {
                k.decode(): json.loads(v)
                for k, v in client.hgetall("smmatlas:portal:claims").items()
            }
            held = [d for d, c in claims.items() if pid_of(c["worker"]) == victim.pid]
            if held:
                with engine.connect() as conn:
                    stored = conn.execute(
                        text(
                            "SELECT count(*) FROM captures c JOIN crawl_runs r ON r.id = c.run_id "
                            "WHERE r.pid = :pid"
                        ),
                        {"pid": victim.pid},
                    ).scalar()
                if stored:
                    os.kill(victim.pid, signal.SIGKILL)
                    break
            time.sleep(0.05)
    finally:
        engine.dispose()
    assert held, "the worker to kill never held a claim"
    claims = client.hgetall("smmatlas:portal:claims")  # frozen until their leases run out
    held = {k.decode() for k, v in claims.items() if pid_of(json.loads(v)["worker"]) == victim.pid}
    code, _, _ = finish(victim)
    assert code == -signal.SIGKILL
    code, _, err = finish(crawl)
    assert code == 0, err[-3000:]
    got = atlas(db)
    same_facts(got, world["reference"])  # nothing lost, nothing duplicated (lists, not sets)
    finished = Counter(d for d, _ in got["finished"])
    assert set(finished) == {d for d, _, _ in got["verdicts"]}
    twice = {d for d, n in finished.items() if n > 1}
    assert twice <= held  # only a portal the dead worker held can have been redone
    log = events(client, "smmatlas:portal")
    assert_claimed_once_at_a_time(log)
    requeued = {e["domain"] for e in log if e["ev"] == "requeue"}
    assert requeued == held  # exactly the dead worker's portals went back
    dead = {e["worker"] for e in log if e["ev"] == "requeue"}
    assert len(dead) == 1 and pid_of(dead.pop()) == victim.pid
    assert client.scard("smmatlas:portal:done") == PORTALS
    # the survivor closed the dead worker's run as lost, with its counts as the atlas holds them
    (lost,) = [e for e in log if e["ev"] == "lost"]
    assert pid_of(lost["worker"]) == victim.pid
    assert client.hlen("smmatlas:portal:workers") == 0
    engine = create_engine(db)
    with engine.connect() as conn:
        (run, status, ended, counts, outcome), survivor = conn.execute(
            text(
                "SELECT id, status, finished_at, counts, outcome FROM crawl_runs "
                "ORDER BY (pid = :pid) DESC, id"
            ),
            {"pid": victim.pid},
        ).all()
        pages = conn.execute(
            text("SELECT count(*) FROM captures WHERE run_id = :run"), {"run": run}
        ).scalar()
    engine.dispose()
    assert (status, survivor.status) == ("lost", "finished")
    assert ended is not None and ended <= survivor.finished_at  # when it was last heard of
    assert counts["smmatlas/pages"] == pages > 0
    assert counts["smmatlas/portals"] == sum(1 for _, r in got["finished"] if r == run)
    assert "lost: worker" in outcome
    proc = run_cli("stats", "--run", str(run), "--db", db)  # a lost run reads like any other
    assert proc.returncode == 0 and f"run {run}:" in proc.stdout, proc.stderr[-2000:]


def test_queue_input_errors(tmp_path, redis_url):
    sqlite = f"sqlite:///{tmp_path / 'a.db'}"
    proc = run_cli("crawl", "a.example", "--queue", f"{redis_url}/2", "--db", sqlite)
    assert proc.returncode == 2 and "needs a PostgreSQL atlas" in proc.stderr
    pg = "postgresql+psycopg://postgres@127.0.0.1:1/x"
    proc = run_cli("worker", "--queue", "http://127.0.0.1:6379/0", "--db", pg)
    assert proc.returncode == 2 and "redis://HOST:PORT/N" in proc.stderr
    proc = run_cli("worker", "--queue", f"redis://127.0.0.1:{pgserver.free_port()}/0", "--db", pg)
    assert proc.returncode == 2 and "does not answer" in proc.stderr
    assert "Traceback" not in proc.stderr
