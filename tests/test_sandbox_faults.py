"""The sandbox server: proxy and origin modes, DNS-failure answers, and every fault as described."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import zlib

import pytest

from sandbox.testing import running_sandbox

HOST = "shop.sandbox.test"


def _site(root, epoch: str, body: str) -> None:
    folder = root / epoch / "sites" / HOST
    (folder / "files").mkdir(parents=True)
    (folder / "files" / "index.html").write_text(body)
    page = {"status": 200, "headers": {"Content-Type": "text/html"}, "file": "files/index.html"}
    routes = {
        "/": page,
        "/flaky": {"fault": "flaky", "fail_times": 2, "status": 503, "then": page},
        "/slow": {"fault": "slow", "delay": 1.0, "then": page},
        "/reset": {"fault": "reset"},
        "/loop-a": {"fault": "redirect", "status": 302, "location": "/loop-b"},
        "/loop-b": {"fault": "redirect", "status": 302, "location": "/loop-a"},
        "/huge": {"fault": "huge", "size_mb": 3},
        "/bomb": {"fault": "gzip_bomb", "size_mb": 64},
        "/challenge": {"status": 503, "headers": {"Server": "cloudflare", "CF-RAY": "8a1b-FRA"},
                       "file": "files/index.html"},
    }  # fmt: skip
    site = {"host": HOST, "routes": routes, "prefixes": {"/events/": {"fault": "calendar_trap"}}}
    (folder / "site.json").write_text(json.dumps(site))
    manifest = {"epoch": epoch, "sites": [{"host": HOST, "domain": "sandbox.test"}]}
    (root / epoch / "manifest.json").write_text(json.dumps(manifest))


@pytest.fixture()
def server(tmp_path):
    _site(tmp_path, "late", "<html>late</html>")
    _site(tmp_path, "early", "<html>early</html>")
    with running_sandbox(tmp_path) as srv:
        yield srv


def _get(server, target: str, proxy: bool = True, host: str = HOST):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    conn.request("GET", f"http://{host}{target}" if proxy else target, headers={"Host": host})
    resp = conn.getresponse()
    return resp, resp.read()


def test_proxy_and_origin_modes_serve_the_same_bytes(server):
    a, body_a = _get(server, "/")
    b, body_b = _get(server, "/", proxy=False)
    assert a.status == b.status == 200
    assert body_a == body_b == b"<html>late</html>"


def test_unknown_host_looks_like_a_dns_failure(server):
    resp, body = _get(server, "/", host="no-such-host.example")
    assert resp.status == 502
    assert resp.getheader("X-Sandbox-Error") == "dns"
    assert b"no-such-host.example" in body


def test_flaky_fails_then_succeeds(server):
    assert [_get(server, "/flaky")[0].status for _ in range(3)] == [503, 503, 200]
    server.reset_faults()
    assert _get(server, "/flaky")[0].status == 503


def test_slow_does_not_block_other_requests(server):
    took = {}

    def slow():
        t = time.monotonic()
        _get(server, "/slow")
        took["slow"] = time.monotonic() - t

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.1)
    t = time.monotonic()
    assert _get(server, "/")[0].status == 200
    fast = time.monotonic() - t
    thread.join()
    assert took["slow"] >= 1.0 and fast < 0.5


def test_reset_gives_a_connection_error(server):
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        _get(server, "/reset")


def test_redirect_loop(server):
    resp, _ = _get(server, "/loop-a")
    assert (resp.status, resp.getheader("Location")) == (302, "/loop-b")
    resp, _ = _get(server, "/loop-b")
    assert resp.getheader("Location") == "/loop-a"


def test_calendar_trap_never_ends(server):
    target, seen = "/events/2026/11/", set()
    for _ in range(30):
        _, body = _get(server, target)
        seen.add(target)
        nxt = body.decode().split('href="')[2].split('"')[0]  # "next month"
        target = nxt
    assert len(seen) == 30


def test_huge_page_has_its_declared_length(server):
    resp, body = _get(server, "/huge")
    assert int(resp.getheader("Content-Length")) == len(body) == 3 * 2**20
    assert body.startswith(b"<html>") and body.endswith(b"</html>")


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(server):
    resp, body = _get(server, "/bomb")
    assert resp.getheader("Content-Encoding") == "gzip"
    assert len(body) < 2**20
    inflated, data = 0, body
    while data:  # several gzip members: inflate each with a cap on every step
        d = zlib.decompressobj(31)
        while True:
            chunk = d.decompress(data, 2**20)
            inflated += len(chunk)
            data = d.unconsumed_tail
            if not chunk and not data:
                break
        data = d.unused_data
    assert inflated == 64 * 2**20


def test_epoch_switch(server):
    assert _get(server, "/")[1] == b"<html>late</html>"
    server.set_epoch("early")
    assert _get(server, "/")[1] == b"<html>early</html>"


def test_connect_is_answered_not_hung(server):
    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        sock.sendall(b"CONNECT shop.sandbox.test:443 HTTP/1.1\r\nHost: shop.sandbox.test\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 501")


def test_challenge_route_keeps_its_headers(server):
    resp, _ = _get(server, "/challenge")
    assert resp.status == 503 and resp.getheader("CF-RAY") == "8a1b-FRA"
