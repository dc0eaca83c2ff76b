"""The sandbox web server: an HTTP forward proxy (and origin server by Host) on 127.0.0.1.

Sites come from `<root>/<epoch>/sites/<host>/site.json` (format: docs/architecture.md). A request
with an absolute URI (`GET http://host/path HTTP/1.1`) is served by the host of the URI, as a
forward proxy would; `GET /path` with a `Host:` header is served as an origin server. Unknown
and dead hosts answer as a proxy reports a DNS failure: `502` + `X-Sandbox-Error: dns`.
Fault routes (`{"fault": ...}`) are behaviours implemented in sandbox/faults.py.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from sandbox import faults


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


class SandboxServer:
    """The sandbox web on host:port (port 0: a free one)."""

    def __init__(
        self,
        root: Path | str,
        epoch: str = "late",
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ) -> None:
        self.root = Path(root)
        self.host, self.port, self.verbose = host, port, verbose
        self._sites: dict[tuple[str, str], dict | None] = {}
        self._lock = threading.Lock()
        self.counters: dict[tuple[str, str], int] = {}
        self._httpd: _Server | None = None
        self.set_epoch(epoch)

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> SandboxServer:
        self._httpd = _Server((self.host, self.port), _handler(self))
        self.port = self._httpd.server_address[1]
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> SandboxServer:
        return self.start() if self._httpd is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def proxy_url(self) -> str:
        return f"http://{self.address}"

    def set_epoch(self, epoch: str) -> None:
        if not (self.root / epoch / "sites").is_dir():
            raise FileNotFoundError(f"no sandbox epoch {epoch!r} under {self.root}")
        self.epoch = epoch

    def reset_faults(self) -> None:
        with self._lock:
            self.counters.clear()

    def hit(self, host: str, path: str) -> int:
        """Count a request to a stateful fault route; return how many came before it."""
        with self._lock:
            n = self.counters.get((host, path), 0)
            self.counters[(host, path)] = n + 1
            return n

    # --- sites ------------------------------------------------------------------------------
    def site(self, host: str) -> dict | None:
        key = (self.epoch, host)
        if key not in self._sites:
            path = self.root / self.epoch / "sites" / host / "site.json"
            try:
                site = json.loads(path.read_text(encoding="utf-8"))
                site["_dir"] = path.parent
            except (OSError, ValueError):
                site = None
            with self._lock:
                self._sites[key] = site
        return self._sites[key]

    def route(self, site: dict, target: str) -> dict | None:
        routes = site.get("routes", {})
        if target in routes:
            return routes[target]
        path = target.split("?", 1)[0]
        if path in routes and "?" not in target:
            return routes[path]
        prefixes = site.get("prefixes") or {}
        best = max((p for p in prefixes if target.startswith(p)), key=len, default=None)
        if best is not None:
            return prefixes[best]
        return site.get("default")


def _handler(server: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nginx"
        sys_version = ""

        def log_message(self, fmt: str, *args: object) -> None:
            if server.verbose:
                sys.stderr.write("sandbox: " + fmt % args + "\n")

        def handle(self) -> None:
            try:
                super().handle()
            except (ConnectionResetError, BrokenPipeError):
                pass  # the client gave up (a download size cap, a timeout): expected

        def do_CONNECT(self) -> None:  # noqa: N802
            body = b"CONNECT is not supported: the sandbox web is plain HTTP\n"
            self.send_response(501)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            self._serve(head=False)

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve(head=True)

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self._serve(head=False)

        def _serve(self, head: bool) -> None:
            if "://" in self.path:  # forward proxy: absolute URI
                parts = urlsplit(self.path)
                host, target = parts.hostname or "", parts.path or "/"
                if parts.query:
                    target += "?" + parts.query
            else:
                host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
                target = self.path
            host = host.lower().strip(".")
            site = server.site(host)
            if site is None:
                body = f"ERR_DNS_FAIL: unable to resolve host {host}\n".encode()
                faults.send(self, 502, {"X-Sandbox-Error": "dns"}, body, head, "text/plain")
                return
            route = server.route(site, target)
            if route is None:
                body = (
                    b"<html><head><title>404 Not Found</title></head><body>Not Found</body></html>"
                )
                faults.send(self, 404, {}, body, head)
                return
            faults.serve(self, server, site, host, target, route, head)

    return Handler


def serve(root: Path | str, epoch: str = "late", host: str = "127.0.0.1", port: int = 8899) -> None:
    """Serve until Ctrl-C, printing the address (for `smmatlas sandbox serve`)."""
    srv = SandboxServer(root, epoch, host, port).start()
    print(f"sandbox web ({epoch}) at {srv.proxy_url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
