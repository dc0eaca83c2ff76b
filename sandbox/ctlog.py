"""A certificate-transparency search double: crt.sh-style JSON over HTTP on 127.0.0.1.

`GET /?q=%25smm%25&output=json` answers the rows of `<epoch>/ctlog.json` whose `name_value`
matches the query as crt.sh's identity search does (`%` is a wildcard; without one, the name
must be equal). Rows look like crt.sh's: issuer, common name, `name_value` with several names
separated by newlines, wildcards, mail and cPanel subdomains, names nobody serves.
"""

from __future__ import annotations

import json
import re
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sandbox.httpdouble import HttpDouble


def _matcher(q: str) -> re.Pattern:
    parts = [re.escape(p) for p in q.lower().split("%")]
    return re.compile("^" + ".*".join(parts) + "$")


class CtLogDouble(HttpDouble):
    """Serve certificate-log rows on host:port (port 0: a free one)."""

    def __init__(self, rows: list[dict], host: str = "127.0.0.1", port: int = 0) -> None:
        self.rows = rows
        self.host, self.port = host, port
        self.requests: list[str] = []
        self._server = None

    @classmethod
    def from_epoch(cls, epoch_dir: str | Path, **kwargs) -> CtLogDouble:
        path = Path(epoch_dir) / "ctlog.json"
        rows = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        return cls(rows, **kwargs)

    def search(self, q: str) -> list[dict]:
        rx = _matcher(q)
        return [
            r
            for r in self.rows
            if any(rx.match(n.strip().lower()) for n in r["name_value"].split("\n"))
        ]

    def handler(self):
        return _handler(self)


def _handler(double: CtLogDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            double.requests.append(self.path)
            params = parse_qs(urlsplit(self.path).query)
            q = (params.get("q") or params.get("identity") or [""])[0]
            if not q:
                return self._send(400, b"<html><body>Bad query</body></html>", "text/html")
            if (params.get("output") or [""])[0] != "json":
                return self._send(200, b"<html><body>crt.sh double</body></html>", "text/html")
            body = json.dumps(double.search(q)).encode()
            self._send(200, body, "application/json")

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
