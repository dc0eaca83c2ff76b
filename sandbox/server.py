"""The sandbox web server: an HTTP forward proxy (and origin server by Host) on 127.0.0.1.

Sites come from `<root>/<epoch>/sites/<host>/site.json` (format: docs/architecture.md). A request
with an absolute URI (`GET http://host/path HTTP/1.1`) is served by the host of the URI, as a
forward proxy would; `GET /path` with a `Host:` header is served as an origin server. Unknown
and dead hosts answer as a proxy reports a DNS failure: `502` + `X-Sandbox-Error: dns`.
Fault routes (`{"fault": ...}`) are behaviours implemented in sandbox/faults.py.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from sandbox import faults

NOT_FOUND = b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024
    verbose = False

    def __init__(self, *args, **kwargs) -> None:
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_open_sockets(self) -> None:
        """End keep-alive connections still open (their threads then exit)."""
        with self.sockets_lock:
            for sock in list(self.open_sockets):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def handle_error(self, request, client_address) -> None:
        if self.verbose:
            super().handle_error(request, client_address)


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
        self._dead: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()
        self.counters: dict[tuple[str, str], int] = {}
        self._httpd: _Server | None = None
        self._stopped = threading.Event()
        self.set_epoch(epoch)

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> SandboxServer:
        """Listen and serve in a background thread; returns once listening."""
        if self._httpd is not None:
            return self
        self._httpd = _Server((self.host, self.port), _handler(self))
        self._httpd.verbose = self.verbose
        self.port = self._httpd.server_address[1]
        self._stopped.clear()
        threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"sandbox-{self.port}",
            daemon=True,
        ).start()
        return self

    def stop(self) -> None:
        """Stop listening and close open connections."""
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
            httpd.close_open_sockets()
        self._stopped.set()

    def serve_forever(self) -> None:
        """Start (if needed) and block until `stop()` or Ctrl-C."""
        self.start()
        try:
            while not self._stopped.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def proxy_url(self) -> str:
        return f"http://{self.address}"

    def set_epoch(self, epoch: str) -> None:
        """Serve another epoch from the next request on (fault counters are kept)."""
        if not (self.root / epoch / "sites").is_dir():
            raise FileNotFoundError(f"no sandbox epoch {epoch!r} under {self.root}")
        self.epoch = epoch

    def reset_faults(self) -> None:
        with self._lock:
            self.counters.clear()

    def hit(self, host: str, target: str) -> int:
        """Count a request to a stateful fault route; return how many came before it."""
        with self._lock:
            n = self.counters.get((host, target), 0)
            self.counters[(host, target)] = n + 1
            return n

    # --- sites ------------------------------------------------------------------------------
    def dead_hosts(self, epoch: str) -> frozenset[str]:
        """Hosts the epoch's manifest lists with `"dead": true`."""
        if epoch not in self._dead:
            try:
                manifest = json.loads((self.root / epoch / "manifest.json").read_bytes())
                sites = manifest.get("sites", [])
                dead = frozenset(str(s.get("host", "")).lower() for s in sites if s.get("dead"))
            except (OSError, ValueError, AttributeError):
                dead = frozenset()
            self._dead[epoch] = dead
        return self._dead[epoch]

    def site(self, host: str) -> dict | None:
        """The parsed site.json of `host` in the current epoch (cached), None if it has none."""
        epoch = self.epoch
        key = (epoch, host)
        if key not in self._sites:
            site = None
            if host and "/" not in host and host not in self.dead_hosts(epoch):
                path = self.root / epoch / "sites" / host / "site.json"
                try:
                    site = json.loads(path.read_bytes())
                    site["_dir"] = path.parent
                except (OSError, ValueError):
                    site = None
            with self._lock:
                self._sites[key] = site
        return self._sites[key]

    @staticmethod
    def route(site: dict, target: str) -> tuple[dict | None, str]:
        """The route for path+query `target`: exact key, longest prefix, default; and the prefix."""
        routes = site.get("routes") or {}
        if target in routes:
            return routes[target], ""
        prefixes = site.get("prefixes") or {}
        best = max((p for p in prefixes if target.startswith(p)), key=len, default=None)
        if best is not None:
            return prefixes[best], best
        return site.get("default"), ""


def split_host(value: str) -> str:
    """`Host` header or URI authority -> lower-case host name without port or trailing dot."""
    value = value.strip().rsplit("@", 1)[-1]
    if value.startswith("["):  # IPv6 literal
        value = value[1:].split("]", 1)[0]
    else:
        value = value.split(":", 1)[0]
    return value.lower().rstrip(".")


def _handler(server: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nginx"
        sys_version = ""
        disable_nagle_algorithm = True  # keep-alive + Nagle + delayed ACK = 40 ms per request

        def log_message(self, fmt: str, *args: object) -> None:
            if server.verbose:
                sys.stderr.write("sandbox: " + fmt % args + "\n")

        def handle(self) -> None:
            try:
                super().handle()
            except (ConnectionError, TimeoutError):
                pass  # the client gave up (a download size cap, a timeout): expected

        def do_CONNECT(self) -> None:  # noqa: N802
            body = b"CONNECT is not supported: the sandbox web is plain HTTP\n"
            self.close_connection = True
            faults.send(self, 501, {"Connection": "close"}, body, False, "text/plain")

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
            if "://" in self.path[:16]:  # forward proxy: absolute URI
                parts = urlsplit(self.path)
                host, target = split_host(parts.netloc), parts.path or "/"
                if parts.query:
                    target += "?" + parts.query
            else:
                host, target = split_host(self.headers.get("Host") or ""), self.path
            site = server.site(host)
            if site is None:
                body = f"ERR_DNS_FAIL: unable to resolve host {host}\n".encode()
                faults.send(self, 502, {"X-Sandbox-Error": "dns"}, body, head, "text/plain")
                return
            route, prefix = server.route(site, target)
            if route is None:
                faults.send(self, 404, {}, NOT_FOUND, head)
                return
            faults.serve(self, server, site, host, target, route, head, prefix)

    return Handler


def serve(
    root: Path | str,
    epoch: str = "late",
    host: str = "127.0.0.1",
    port: int = 8899,
    verbose: bool = False,
) -> None:
    """Serve until Ctrl-C, printing the address (for `smmatlas sandbox serve`)."""
    srv = SandboxServer(root, epoch, host, port, verbose=verbose).start()
    print(f"sandbox web ({epoch}) at {srv.proxy_url} (use it as an HTTP proxy)", flush=True)
    srv.serve_forever()
