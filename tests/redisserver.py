"""A real redis-server on a free loopback port for the tests and benchmarks that need one
(tests/test_scaleout.py, tests/test_queue_lease.py, bench/bench_queue.py); no persistence."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator

import redis
from pgserver import free_port


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server on 127.0.0.1; yield its URL without a db number; stop it at the end."""
    exe = shutil.which("redis-server")
    assert exe, "redis-server is not installed: run scripts/setup"
    port = free_port()
    proc = subprocess.Popen(
        [exe, "--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(200):
        with contextlib.suppress(redis.ConnectionError):
            client.ping()
            break
        time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        client.close()
        proc.terminate()
        proc.wait(10)
