"""Listeners that see what the crawler asks for: a sandbox proxy that records every request
line, and a loopback canary that counts every TCP connection (any protocol)."""

from __future__ import annotations

import socket
import threading

from sandbox.server import SandboxServer, _handler, _Server


class RecordingSandbox(SandboxServer):
    """A SandboxServer that records (method, target, Host header) of every request it gets,
    CONNECT included."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.requests: list[tuple[str, str, str]] = []

    def start(self) -> RecordingSandbox:
        if self._httpd is not None:
            return self
        base = _handler(self)
        record = self.requests

        class Recording(base):  # type: ignore[misc, valid-type]
            def parse_request(self) -> bool:
                ok = super().parse_request()
                record.append((self.command or "", self.path or "", self.headers.get("Host", "")))
                return ok

        self._httpd = _Server((self.host, self.port), Recording)
        self._httpd.verbose = self.verbose
        self.port = self._httpd.server_address[1]
        self._stopped.clear()
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        ).start()
        return self


class Canary:
    """A TCP listener on 127.0.0.1 that accepts and counts connections, then closes them."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(0.5)
            try:
                first = conn.recv(200)
            except OSError:
                first = b""
            self.connections.append(first)
            conn.close()

    def close(self) -> None:
        self.sock.close()
