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
"""

from __future__ import annotations

import re
import socket
import struct
import time
import zlib
from functools import cache

CHUNK = 1 << 20


def send(handler, status: int, headers: dict, body: bytes, head: bool, ctype: str = "") -> None:
    handler.send_response(status)
    if ctype and not any(k.lower() == "content-type" for k in headers):
        handler.send_header("Content-Type", ctype)
    elif not ctype and not any(k.lower() == "content-type" for k in headers):
        handler.send_header("Content-Type", "text/html; charset=utf-8")
    for key, value in headers.items():
        handler.send_header(key, str(value))
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if not head:
        handler.wfile.write(body)


def serve(handler, server, site: dict, host: str, target: str, route: dict, head: bool) -> None:
    fault = route.get("fault")
    if fault is None:
        body = b""
        if route.get("file"):
            body = (site["_dir"] / route["file"]).read_bytes()
        elif "body" in route:
            body = route["body"].encode("utf-8")
        send(handler, int(route.get("status", 200)), route.get("headers", {}), body, head)
    elif fault == "flaky":
        if server.hit(host, target) < int(route.get("fail_times", 1)):
            status = int(route.get("status", 503))
            body = f"<html><body><h1>{status} Service Unavailable</h1></body></html>".encode()
            send(handler, status, {"Retry-After": "0"}, body, head)
        else:
            serve(handler, server, site, host, target, route["then"], head)
    elif fault == "slow":
        time.sleep(float(route.get("delay", 2.0)))
        serve(handler, server, site, host, target, route["then"], head)
    elif fault == "reset":
        sock = handler.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        sock.close()
    elif fault == "redirect":
        headers = {"Location": route.get("location", "/"), **route.get("headers", {})}
        send(handler, int(route.get("status", 302)), headers, b"", head)
    elif fault == "calendar_trap":
        send(handler, 200, {}, calendar_page(target), head)
    elif fault == "huge":
        _stream_huge(handler, int(float(route.get("size_mb", 40)) * CHUNK), head)
    elif fault == "gzip_bomb":
        body = gzip_bomb(int(route.get("size_mb", 1024)))
        send(handler, 200, {"Content-Encoding": "gzip"}, body, head)
    else:
        send(handler, 500, {}, f"unknown fault {fault!r}".encode(), head)


def calendar_page(target: str) -> bytes:
    """An events calendar whose months never end: /events/YYYY/MM/ links to both neighbours."""
    m = re.search(r"/(\d{4})/(\d{1,2})", target)
    year, month = (int(m.group(1)), int(m.group(2))) if m else (2026, 11)
    month = min(max(month, 1), 12)
    prev_y, prev_m = (year, month - 1) if month > 1 else (year - 1, 12)
    next_y, next_m = (year, month + 1) if month < 12 else (year + 1, 1)
    prefix = target.split("/")[1] if target.count("/") > 1 else "events"
    days = "".join(
        f'<a href="/{prefix}/{year}/{month:02d}/{d:02d}/">{d}</a> ' for d in range(1, 29)
    )
    return (
        f"<html><head><title>Events {year}-{month:02d}</title></head><body>"
        f"<h1>Promotions calendar {year}-{month:02d}</h1>"
        f'<a href="/{prefix}/{prev_y}/{prev_m:02d}/">« previous month</a> '
        f'<a href="/{prefix}/{next_y}/{next_m:02d}/">next month »</a><div>{days}</div>'
        "</body></html>"
    ).encode()


def _stream_huge(handler, size: int, head: bool) -> None:
    opening, closing = b"<html><head><title>Archive</title></head><body>", b"</body></html>"
    row = b"<p>Archived price list entry: service 0000 - 0.00 per 1000</p>\n"
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(size))
    handler.end_headers()
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
