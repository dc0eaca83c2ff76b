"""Test helper: the sandbox web on a free port for the duration of a `with` block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sandbox.server import SandboxServer


@contextmanager
def running_sandbox(
    root: Path | str, epoch: str = "late", verbose: bool = False
) -> Iterator[SandboxServer]:
    """Like Scrapy's mockserver: a started server on a free port, stopped on exit."""
    server = SandboxServer(root, epoch=epoch, verbose=verbose).start()
    try:
        yield server
    finally:
        server.stop()
