"""One generated host: its files, routes and ground truth."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

HTML = "text/html; charset=utf-8"


def mmh3_favicon(data: bytes) -> str:
    """Shodan-style favicon hash (MurmurHash3 of the base64 with newlines)."""
    import mmh3

    return str(mmh3.hash(base64.encodebytes(data)))


@dataclass
class Site:
    host: str
    domain: str
    files: dict[str, bytes] = field(default_factory=dict)
    routes: dict[str, dict] = field(default_factory=dict)
    prefixes: dict[str, dict] = field(default_factory=dict)
    default: dict | None = None
    truth: dict = field(default_factory=dict)
    dead: bool = False

    @property
    def url(self) -> str:
        return f"http://{self.host}/"

    def page(
        self,
        path: str,
        html: str | bytes,
        ctype: str = HTML,
        status: int = 200,
        headers: dict | None = None,
    ) -> dict:
        """Store a body and route `path` (with query) to it; returns the route."""
        name = (
            path.strip("/").replace("/", "_").replace("?", "_").replace("=", "_").replace("&", "_")
            or "index"
        )
        ext = ".json" if "json" in ctype else ".html" if "html" in ctype else ""
        fname = (
            f"files/{name}{ext}"
            if not name.endswith((".ico", ".png", ".json", ".js"))
            else f"files/{name}"
        )
        self.files[fname] = html.encode("utf-8") if isinstance(html, str) else html
        route = {
            "status": status,
            "headers": {"Content-Type": ctype, **(headers or {})},
            "file": fname,
        }
        self.routes[path] = route
        return route

    def site_json(self) -> dict:
        out = {"host": self.host, "routes": self.routes, "default": self.default}
        if self.prefixes:
            out["prefixes"] = self.prefixes
        return out
