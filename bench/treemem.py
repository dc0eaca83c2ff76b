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


def tree_processes(root: psutil.Process) -> list[tuple[str, int, int]]:
    """(name, RSS KiB, PSS KiB) of `root` and each descendant now (processes gone skipped)."""
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return []
    out = []
    for proc in procs:
        try:
            info = proc.memory_full_info()
            name = proc.name()
        except psutil.Error:
            continue
        out.append((name, info.rss // 1024, getattr(info, "pss", info.rss) // 1024))
    return out


def tree_memory(root: psutil.Process) -> tuple[int, int]:
    """(RSS, PSS) in KiB of `root` and its descendants now."""
    procs = tree_processes(root)
    return sum(p[1] for p in procs), sum(p[2] for p in procs)


def by_name(procs: list[tuple[str, int, int]]) -> dict[str, dict[str, int]]:
    """RSS/PSS MiB and process count per process name (the peak's composition)."""
    out: dict[str, dict[str, int]] = {}
    for name, rss, pss in procs:
        row = out.setdefault(name, {"processes": 0, "rss_mib": 0, "pss_mib": 0})
        row["processes"] += 1
        row["rss_mib"] += rss
        row["pss_mib"] += pss
    for row in out.values():
        row["rss_mib"] //= 1024
        row["pss_mib"] //= 1024
    return out


class TreeSampler:
    """Sample a process tree's memory (or the sum of several trees': `pid` a list) in a thread
    until stopped; keep the peaks."""

    def __init__(self, pid: int | list[int], interval: float = 0.25) -> None:
        self.roots = [psutil.Process(p) for p in (pid if isinstance(pid, list) else [pid])]
        self.interval = interval
        self.peak_rss = self.peak_pss = 0
        self.at_peak: dict[str, dict[str, int]] = {}  # by process name, at the RSS peak
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            procs = [p for root in self.roots for p in tree_processes(root)]
            rss, pss = sum(p[1] for p in procs), sum(p[2] for p in procs)
            if rss > self.peak_rss:
                self.peak_rss = rss
                self.at_peak = by_name(procs)
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


class TreeWatch:
    """Watch a process tree in a thread (every `interval` s) until stopped: the names of every
    descendant seen, and the PIDs of those whose name starts with `prefixes` (e.g. the browser's
    and its driver's processes)."""

    def __init__(self, pid: int, prefixes: tuple[str, ...], interval: float = 0.05) -> None:
        self.root = psutil.Process(pid)
        self.prefixes = prefixes
        self.interval = interval
        self.names: set[str] = set()
        self.pids: set[int] = set()
        self.matched: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                children = self.root.children(recursive=True)
            except psutil.Error:
                return
            for child in children:
                try:
                    name = child.name()
                except psutil.Error:
                    continue
                self.names.add(name)
                if name.startswith(self.prefixes):
                    self.pids.add(child.pid)
                    self.matched.add(name)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
