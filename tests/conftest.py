"""Shared fixtures: the sandbox web (built once, served on a free port, like Scrapy's
mockserver), and one full crawl of it that the accuracy tests read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_cli


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
def crawled(sandbox, sandbox_manifest, tmp_path_factory) -> dict:
    """One crawl of every sandbox portal (render auto) into a fresh SQLite atlas."""
    folder = tmp_path_factory.mktemp("atlas")
    db = f"sqlite:///{folder / 'atlas.db'}"
    seeds = folder / "seeds.txt"
    seeds.write_text("\n".join(s["url"] for s in sandbox_manifest["sites"]) + "\n")
    proc = run_cli(
        "crawl", "--seeds", str(seeds), "--db", db, "--data", str(folder),
        "--proxy", sandbox.proxy_url, "--render", "auto", "-q",
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
