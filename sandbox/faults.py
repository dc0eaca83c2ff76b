"""How the sandbox server answers a route: static files and the fault behaviours.

Faults (params as the generator writes them in site.json):
- `flaky`: `status` for the first `fail_times` requests of that host+path in this server run,
  then the `then` route;
- `slow`: waits `delay` seconds (other requests go on), then the `then` route;
- `reset`: closes the TCP connection with RST, no response;
- `redirect`: `status` + `Location` (two routes pointing at each other make a loop);
- `calendar_trap`: an endless calendar (every month links to the previous and next one);
- `huge`: a valid HTML page of `size_mb` MiB, streamed, with Content-Length;
- `gzip_bomb`: `Content-Encoding: gzip` whose body inflates to `size_mb` MiB.
Any route may also carry `status` and `headers` (they win over the fault's own).
"""

from __future__ import annotations

import re
import socket
import struct
import time
import zlib
from functools import cache
from http import HTTPStatus

CHUNK = 1 << 20


def _has(headers: dict, name: str) -> bool:
    return any(k.lower() == name for k in headers)


def start(handler, status: int, headers: dict, length: int, ctype: str = "") -> None:
    """Status line and headers (a route's own Server header replaces ours)."""
    handler.log_request(status)
    reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    handler.send_response_only(status, reason)
    if not _has(headers, "server"):
        handler.send_header("Server", handler.server_version)
    handler.send_header("Date", handler.date_time_string())
    if not _has(headers, "content-type"):
        handler.send_header("Content-Type", ctype or "text/html; charset=utf-8")
    for key, value in headers.items():
        if key.lower() != "content-length":
            handler.send_header(key, str(value))
    handler.send_header("Content-Length", str(length))
    if _has(headers, "connection") and str(headers.get("Connection", "")).lower() == "close":
        handler.close_connection = True
    handler.end_headers()


def send(handler, status: int, headers: dict, body: bytes, head: bool, ctype: str = "") -> None:
    start(handler, status, headers, len(body), ctype)
    if not head:
        handler.wfile.write(body)


def serve(
    handler,
    server,
    site: dict,
    host: str,
    target: str,
    route: dict,
    head: bool,
    prefix: str = "",
) -> None:
    """Answer `route` (a plain file/body route or a fault) for host+target."""
    fault = route.get("fault")
    extra = route.get("headers") or {}
    if fault is None:
        try:
            body = _body(site, route)
        except OSError:
            send(handler, 500, {}, b"<html><body>sandbox: missing body file</body></html>", head)
            return
        send(handler, int(route.get("status", 200)), extra, body, head)
    elif fault == "flaky":
        if server.hit(host, target) < int(route.get("fail_times", 1)):
            status = int(route.get("status", 503))
            body = f"<html><body><h1>{status} Service Unavailable</h1></body></html>".encode()
            send(handler, status, {"Retry-After": "0", **extra}, body, head)
        else:
            serve(handler, server, site, host, target, route["then"], head, prefix)
    elif fault == "slow":
        time.sleep(float(route.get("delay", 2.0)))
        serve(handler, server, site, host, target, route["then"], head, prefix)
    elif fault == "reset":
        sock = handler.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        sock.close()  # the fd closes (with RST) when the handler drops its file objects
    elif fault == "redirect":
        headers = {"Location": route.get("location", "/"), **extra}
        send(handler, int(route.get("status", 302)), headers, b"", head)
    elif fault == "calendar_trap":
        page = calendar_page(target, prefix or "/events/")
        send(handler, int(route.get("status", 200)), extra, page, head)
    elif fault == "huge":
        size = int(float(route.get("size_mb", 40)) * CHUNK)
        _stream_huge(handler, size, int(route.get("status", 200)), extra, head)
    elif fault == "gzip_bomb":
        body = gzip_bomb(int(float(route.get("size_mb", 1024))))
        headers = {"Content-Encoding": "gzip", **extra}
        send(handler, int(route.get("status", 200)), headers, body, head)
    else:
        send(handler, 500, {}, f"sandbox: unknown fault {fault!r}".encode(), head)


def _body(site: dict, route: dict) -> bytes:
    if route.get("file"):
        return (site["_dir"] / route["file"]).read_bytes()
    if "body" in route:
        return str(route["body"]).encode("utf-8")
    return b""


def calendar_page(target: str, prefix: str = "/events/") -> bytes:
    """An events calendar that never ends: <prefix>YYYY/MM/ links to both neighbours and days."""
    base = prefix if prefix.endswith("/") else prefix + "/"
    rest = target[len(prefix) :] if target.startswith(prefix) else target
    m = re.match(r"/?(\d{1,4})/(\d{1,2})", rest)
    year, month = (int(m.group(1)), int(m.group(2))) if m else (2026, 11)
    month = min(max(month, 1), 12)
    prev_y, prev_m = (year, month - 1) if month > 1 else (year - 1, 12)
    next_y, next_m = (year, month + 1) if month < 12 else (year + 1, 1)
    days = "".join(f'<a href="{base}{year}/{month:02d}/{d:02d}/">{d}</a> ' for d in range(1, 29))
    return (
        f"<html><head><title>Events {year}-{month:02d}</title></head><body>"
        f"<h1>Promotions calendar {year}-{month:02d}</h1>"
        f'<a href="{base}{prev_y}/{prev_m:02d}/">« previous month</a> '
        f'<a href="{base}{next_y}/{next_m:02d}/">next month »</a><div>{days}</div>'
        "</body></html>"
    ).encode()


def _stream_huge(handler, size: int, status: int, headers: dict, head: bool) -> None:
    opening, closing = b"<html><head><title>Archive</title></head><body>", b"</body></html>"
    row = b"<p>Archived price list entry: service 0000 - 0.00 per 1000</p>\n"
    size = max(size, len(opening) + len(closing))
    start(handler, status, headers, size)
    if head:
        return
    filler = size - len(opening) - len(closing)
    block = row * (CHUNK // len(row) + 1)
    try:
        handler.wfile.write(opening)
        while filler > 0:
            part = block[: min(filler, CHUNK)]
            handler.wfile.write(part)
            filler -= len(part)
        handler.wfile.write(closing)
    except (BrokenPipeError, ConnectionResetError):
        handler.close_connection = True  # the client gave up (maxsize): expected


@cache
def gzip_bomb(size_mb: int) -> bytes:
    """A gzip body inflating to size_mb MiB of zeros: one small member per MiB, concatenated
    (RFC 1952 allows several members), so it costs milliseconds to make and ~1 KiB per MiB."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    member = comp.compress(bytes(CHUNK)) + comp.flush()
    return member * size_mb
