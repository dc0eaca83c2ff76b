"""Memory of a whole process tree while a command runs: peak RSS and PSS summed over the process
and all its descendants (extraction workers, the browser driver, Chromium's processes).

GNU time's `%M` is the largest single process, not the tree: a crawl with two extraction workers
and a browser is several processes. `run_measured(cmd)` samples the tree every `interval` seconds
with psutil and returns (wall seconds, peak tree RSS KiB, peak tree PSS KiB, stdout). PSS splits
shared pages between the processes that share them, so it is the honest sum; RSS double-counts
shared libraries.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import psutil


def tree_memory(root: psutil.Process) -> tuple[int, int]:
    """(RSS, PSS) in KiB of `root` and its descendants now (processes gone meanwhile skipped)."""
    rss = pss = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    for proc in procs:
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss // 1024, pss // 1024


class TreeSampler:
    """Sample a process tree's memory in a thread until stopped; keep the peaks."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_rss = self.peak_pss = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rss, pss = tree_memory(self.root)
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(
    cmd: list[str], cwd: Path | None = None, interval: float = 0.25, env: dict | None = None
) -> tuple[float, int, int, str]:
    """Run `cmd`; (wall seconds, peak tree RSS KiB, peak tree PSS KiB, stdout). Raises
    SystemExit with the end of stderr when the command fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    with TreeSampler(proc.pid, interval) as sampler:
        out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, sampler.peak_rss, sampler.peak_pss, out
