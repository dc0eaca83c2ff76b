"""Shared fixtures: the sandbox web (built once, served on a free port, like Scrapy's
mockserver), and one full crawl of it that the accuracy tests read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import run_cli

# Crawls in the tests take no screenshots unless a test asks (the `crawled` fixture does: the
# evidence and dossier tests read them); subprocesses inherit this.
os.environ.setdefault("SMMATLAS_SCREENSHOTS", "0")


@pytest.fixture(scope="session")
def sandbox_root(tmp_path_factory) -> Path:
    from sandbox.build import build_web

    root = tmp_path_factory.mktemp("sandbox")
    build_web(root, seed=1)
    return root


@pytest.fixture(scope="session")
def sandbox_manifest(sandbox_root) -> dict:
    return json.loads((sandbox_root / "late" / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sandbox(sandbox_root):
    from sandbox.testing import running_sandbox

    with running_sandbox(sandbox_root, epoch="late") as server:
        yield server


@pytest.fixture(scope="session")
def truth(sandbox_root) -> dict[str, dict]:
    from atlas.evaluate import load_truth

    return load_truth(sandbox_root / "late" / "truth")


@pytest.fixture(scope="session")
def crawled(sandbox, sandbox_manifest, tmp_path_factory, request) -> dict:
    """One crawl of every sandbox portal (render auto) into a fresh SQLite atlas.

    Made once per test session: under pytest-xdist (scripts/test runs two workers) the first
    worker to need it crawls, under a file lock, into a folder both workers share; the other
    reads the result (the sandbox is deterministic, so its own sandbox has the same truth)."""
    from filelock import FileLock

    # xdist's worker name (its `worker_id` fixture is missing when run with -p no:xdist)
    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "master")
    if worker_id == "master":
        return _crawl_curated(tmp_path_factory.mktemp("atlas"), sandbox, sandbox_manifest)
    shared = tmp_path_factory.getbasetemp().parent
    folder = shared / "curated-atlas"
    done = shared / "curated-atlas.json"
    with FileLock(str(shared / "curated-atlas.lock")):
        if not done.exists():
            folder.mkdir()
            result = _crawl_curated(folder, sandbox, sandbox_manifest)
            done.write_text(json.dumps({**result, "folder": str(folder)}), encoding="utf-8")
    result = json.loads(done.read_text(encoding="utf-8"))
    return {**result, "folder": Path(result["folder"])}


def _crawl_curated(folder: Path, sandbox, sandbox_manifest) -> dict:
    db = f"sqlite:///{folder / 'atlas.db'}"
    seeds = folder / "seeds.txt"
    seeds.write_text("\n".join(s["url"] for s in sandbox_manifest["sites"]) + "\n")
    proc = run_cli(
        "crawl", "--seeds", str(seeds), "--db", db, "--data", str(folder),
        "--proxy", sandbox.proxy_url, "--render", "auto", "-q",
        env={"SMMATLAS_SCREENSHOTS": "1"},  # the evidence and dossier tests read them
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = run_cli("export", "--format", "json", "--db", db)
    assert out.returncode == 0, out.stderr[-3000:]
    return {
        "db": db,
        "folder": folder,
        "export": json.loads(out.stdout),
        "stdout": proc.stdout,
        "stderr": proc.stderr,
    }


@pytest.fixture(scope="session")
def enriched(crawled, sandbox_root, tmp_path_factory) -> dict:
    """A copy of the crawled atlas, enriched from the sandbox's DNS and RDAP doubles (portals
    have IPs, registrars and abuse contacts): the input of takedown and threat-intel outputs."""
    import shutil

    from sandbox.dns import DnsDouble
    from sandbox.rdap import RdapDouble

    folder = tmp_path_factory.mktemp("enriched")
    src = crawled["folder"] / "atlas.db"
    for suffix in ("", "-wal", "-shm"):
        if src.with_name(src.name + suffix).exists():
            shutil.copy(src.with_name(src.name + suffix), folder / f"atlas.db{suffix}")
    db = f"sqlite:///{folder / 'atlas.db'}"
    manifest = sandbox_root / "late" / "manifest.json"
    with DnsDouble.from_manifest(manifest) as dns, RdapDouble.from_manifest(manifest) as rdap:
        proc = run_cli(
            "enrich", "--db", db, "--dns", dns.address,
            "--rdap-domain", rdap.url, "--rdap-ip", rdap.url,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    sites = json.loads(manifest.read_text(encoding="utf-8"))["sites"]
    return {
        "db": db,
        "data": str(crawled["folder"]),
        "folder": folder,
        "hosting": {s["domain"]: s["hosting"] for s in sites if not s.get("dead")},
    }
