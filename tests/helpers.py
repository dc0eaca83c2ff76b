"""Helpers shared by the tests (imported as `helpers`: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_cli(
    *args: str, env: dict | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run `smmatlas ARGS` in a subprocess (its own Twisted reactor), capturing output.

    Crawls take no screenshots unless `env` asks for them (SMMATLAS_SCREENSHOTS=1): only the
    tests of screenshots and dossiers need them, and a browser load per page is costly."""
    full_env = {**os.environ, "SMMATLAS_SCREENSHOTS": "0", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "atlas.cli", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def crawl_built_world(root: Path) -> tuple[str, dict, dict]:
    """Crawl every site of the sandbox web built at `root / "web"` (epoch late, render auto)
    into `root/atlas.db`; return (db URL, JSON export, truth by domain)."""
    import json

    from atlas.evaluate import load_truth
    from sandbox.testing import running_sandbox

    manifest = json.loads((root / "web" / "late" / "manifest.json").read_text())
    seeds = root / "seeds.txt"
    seeds.write_text("\n".join(s["url"] for s in manifest["sites"]))
    db = f"sqlite:///{root / 'atlas.db'}"
    with running_sandbox(root / "web") as server:
        proc = run_cli(
            "crawl", "--seeds", str(seeds), "--db", db, "--data", str(root),
            "--proxy", server.proxy_url, "--render", "auto", "-q",
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = run_cli("export", "--db", db)
    assert out.returncode == 0, out.stderr[-2000:]
    return db, json.loads(out.stdout), load_truth(root / "web" / "late" / "truth")
