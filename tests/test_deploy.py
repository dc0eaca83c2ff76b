"""Schedules: the systemd units pass `systemd-analyze verify`, the cron line runs the nightly
script, and the project deployed to a real Scrapyd on loopback crawls into the atlas."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from helpers import ROOT
from sqlalchemy import create_engine, text

DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _units(tmp_path: Path, app: Path) -> list[Path]:
    out = []
    for name in ("smmatlas-crawl.service", "smmatlas-crawl.timer"):
        unit = tmp_path / name
        unit.write_text((DEPLOY / name).read_text().replace("/opt/smmatlas", str(app)))
        out.append(unit)
    return out


def _verify(units: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, units)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_systemd_units_verify(tmp_path):
    assert shutil.which("systemd-analyze"), "systemd is not installed: run scripts/setup"
    units = _units(tmp_path, ROOT)  # the checkout stands where /opt/smmatlas would
    proc = _verify(units)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    # the check can fail: the same unit pointing at a script that is not there
    (tmp_path / "broken").mkdir()
    assert _verify(_units(tmp_path / "broken", tmp_path / "nowhere")).returncode != 0


def _sqlite_count(db: Path, sql: str) -> int:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        n = conn.execute(text(sql)).scalar_one()
    engine.dispose()
    return n


def test_cron_line_runs_the_nightly_crawl(sandbox, sandbox_manifest, tmp_path):
    lines = [
        ln for ln in (DEPLOY / "smmatlas.cron").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]  # fmt: skip
    assert len(lines) == 1
    fields = lines[0].split(None, 6)
    assert fields[:5] == ["30", "2", "*", "*", "*"] and fields[5] == "smmatlas"
    home = tmp_path / "home"
    (home / "logs").mkdir(parents=True)
    command = fields[6].replace("/opt/smmatlas", str(ROOT)).replace("/var/lib/smmatlas", str(home))
    seeds = tmp_path / "seeds.txt"
    urls = [s["url"] for s in sandbox_manifest["sites"] if not s.get("dead")][:2]
    seeds.write_text("\n".join(urls) + "\n")
    env_file = tmp_path / "crawl.env"
    env_file.write_text(
        f"SMMATLAS_HOME={home}\nSMMATLAS_SEEDS={seeds}\n"
        f"SMMATLAS_CRAWL_ARGS='--proxy {sandbox.proxy_url} --render never'\n"
    )
    env = {"PATH": "/usr/bin:/bin", "SMMATLAS_ENV_FILE": str(env_file), "HOME": str(tmp_path)}
    # cron runs the command with /bin/sh, from the user's home, with a bare environment
    proc = subprocess.run(["/bin/sh", "-c", command], cwd=tmp_path, env=env, timeout=600,
                          capture_output=True, text=True)  # fmt: skip
    log = (home / "logs" / "cron.log").read_text()
    assert proc.returncode == 0, log[-2000:]
    assert "run 1 finished: 2 portals" in log
    assert _sqlite_count(home / "atlas.db", "SELECT count(*) FROM portal_crawls") == 2
    assert _sqlite_count(home / "atlas.db", "SELECT count(*) FROM offers") > 10
    assert list((home / "logs").glob("crawl-*.log")) and list((home / "diffs").glob("*.csv"))
    assert not (tmp_path / "data").exists()  # nothing written in the current directory


def _get(url: str, data: dict | None = None) -> dict:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.fixture
def scrapyd(tmp_path):
    port = _free_port()
    folder = tmp_path / "scrapyd"
    folder.mkdir()
    conf = (DEPLOY / "scrapyd" / "scrapyd.conf").read_text()
    conf = conf.replace("/var/lib/smmatlas/scrapyd", str(folder)).replace("6800", str(port))
    (folder / "scrapyd.conf").write_text(conf)
    log = open(folder / "scrapyd.out", "w")  # noqa: SIM115
    proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=folder, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(200):
            try:
                _get(url + "daemonstatus.json")
                break
            except OSError:
                assert proc.poll() is None, (folder / "scrapyd.out").read_text()[-2000:]
                time.sleep(0.2)
        yield url, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_scrapyd_deploy_schedule_and_results(scrapyd, sandbox, sandbox_manifest, tmp_path):
    url, port = scrapyd
    # scrapyd-deploy from a copy of deploy/scrapyd whose target is this server
    build = tmp_path / "build"
    shutil.copytree(DEPLOY / "scrapyd", build, ignore=shutil.ignore_patterns("*.egg-info"))
    cfg = build / "scrapy.cfg"
    cfg.write_text(cfg.read_text().replace("127.0.0.1:6800", f"127.0.0.1:{port}"))
    dep = subprocess.run([str(BIN / "scrapyd-deploy"), "local", "--version", "t1"], cwd=build,
                         capture_output=True, text=True, timeout=180)  # fmt: skip
    assert dep.returncode == 0, dep.stderr[-2000:] + dep.stdout[-2000:]
    assert json.loads(dep.stdout.strip().splitlines()[-1])["status"] == "ok"
    assert "portal" in _get(url + "listspiders.json?project=smmatlas")["spiders"]

    db = tmp_path / "atlas.db"
    urls = [s["url"] for s in sandbox_manifest["sites"] if not s.get("dead")][:2]
    settings = [f"SMMATLAS_DB=sqlite:///{db}", f"SMMATLAS_PROXY={sandbox.proxy_url}",
                "SMMATLAS_RENDER=never", f"SMMATLAS_DATA_DIR={tmp_path}"]  # fmt: skip
    job = _get(url + "schedule.json", {"project": "smmatlas", "spider": "portal",
                                       "urls": ",".join(urls), "setting": settings})  # fmt: skip
    assert job["status"] == "ok", job
    deadline = time.monotonic() + 400
    while time.monotonic() < deadline:
        jobs = _get(url + "listjobs.json?project=smmatlas")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            break
        time.sleep(1)
    else:
        pytest.fail(f"the Scrapyd job did not finish: {jobs}")
    logs = list((tmp_path / "scrapyd" / "logs").rglob("*.log"))
    log_text = logs[0].read_text() if logs else ""
    assert "Traceback" not in log_text, log_text[-3000:]
    assert _sqlite_count(db, "SELECT count(*) FROM portal_crawls") == 2, log_text[-3000:]
    assert _sqlite_count(db, "SELECT count(*) FROM offers") > 10
    assert _sqlite_count(db, "SELECT count(*) FROM crawl_runs WHERE status = 'finished'") == 1
    # the same spider, the same facts: what the CLI crawl stores for these portals
    out = subprocess.run(
        [sys.executable, "-m", "atlas.cli", "crawl", *urls,
         "--db", f"sqlite:///{tmp_path / 'c.db'}", "--data", str(tmp_path / "c"),
         "--proxy", sandbox.proxy_url, "--render", "never", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    key = "SELECT p.domain || '|' || o.key || '|' || o.price FROM offers o JOIN portals p ON p.id = o.portal_id"  # noqa: E501
    for path in (db, tmp_path / "c.db"):
        engine = create_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            rows = {r[0] for r in conn.execute(text(key))}
        engine.dispose()
        if path == db:
            scrapyd_rows = rows
    assert scrapyd_rows == rows
