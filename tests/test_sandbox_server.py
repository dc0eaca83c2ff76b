"""The sandbox web server against a hand-written site directory (format: docs/architecture.md)."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

from sandbox.server import SandboxServer, split_host
from sandbox.testing import running_sandbox

HOST = "www.fake-panel.test"
REPO = Path(__file__).resolve().parents[1]


def _write_epoch(root: Path, epoch: str, home: bytes) -> None:
    folder = root / epoch / "sites" / HOST
    (folder / "files").mkdir(parents=True)
    (folder / "files" / "home.html").write_bytes(home)
    (folder / "files" / "p2.html").write_bytes(b"<html>services page 2</html>")
    (folder / "files" / "legacy.html").write_bytes("<html>caf\xe9 légacy</html>".encode("cp1252"))
    page = {"status": 200, "headers": {"Content-Type": "text/html"}, "file": "files/home.html"}
    routes = {
        "/": page,
        "/services?page=2": {"file": "files/p2.html"},
        "/legacy": {"headers": {"Content-Type": "text/html"}, "file": "files/legacy.html"},
        "/flaky": {"fault": "flaky", "fail_times": 2, "status": 503, "then": page},
        "/slow": {"fault": "slow", "delay": 1.0, "then": page},
        "/reset": {"fault": "reset"},
        "/loop-a": {"fault": "redirect", "status": 302, "location": "/loop-b"},
        "/loop-b": {"fault": "redirect", "status": 302, "location": "/loop-a"},
        "/huge": {"fault": "huge", "size_mb": 5},
        "/bomb": {"fault": "gzip_bomb", "size_mb": 256},
        "/blocked": {"status": 503, "headers": {"Server": "cloudflare", "CF-RAY": "8a1b-FRA"},
                     "body": "Just a moment..."},
    }  # fmt: skip
    prefixes = {
        "/events/": {"fault": "calendar_trap"},
        "/blog/": {"body": "blog"},
        "/blog/archive/events/": {"fault": "calendar_trap"},
    }
    site = {"host": HOST, "routes": routes, "prefixes": prefixes, "default": None}
    (folder / "site.json").write_text(json.dumps(site))
    # a second host whose unknown paths go to its default route
    other = root / epoch / "sites" / "shop.fake.test"
    other.mkdir()
    (other / "site.json").write_text(
        json.dumps({"host": "shop.fake.test", "routes": {}, "default": {"body": "default page"}})
    )
    sites = [
        {"host": HOST, "domain": "fake-panel.test"},
        {"host": "shop.fake.test", "domain": "fake.test"},
        {"host": "dead-panel.test", "domain": "dead-panel.test", "dead": True},
    ]
    (root / epoch / "manifest.json").write_text(json.dumps({"epoch": epoch, "sites": sites}))


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    _write_epoch(tmp_path, "late", b"<html>late home</html>")
    _write_epoch(tmp_path, "early", b"<html>early home</html>")
    return tmp_path


@pytest.fixture()
def server(root: Path):
    with running_sandbox(root) as srv:
        yield srv


def _request(server, target: str, host: str = HOST, proxy: bool = True, method: str = "GET",
             headers: dict | None = None) -> tuple[http.client.HTTPResponse, bytes]:  # fmt: skip
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        url = f"http://{host}{target}" if proxy else target
        conn.request(method, url, headers={"Host": host, **(headers or {})})
        resp = conn.getresponse()
        return resp, resp.read()
    finally:
        conn.close()


def test_proxy_and_origin_modes_serve_the_same_bytes(server):
    a, body_a = _request(server, "/legacy")
    b, body_b = _request(server, "/legacy", proxy=False)
    assert a.status == b.status == 200
    assert body_a == body_b == "<html>caf\xe9 légacy</html>".encode("cp1252")  # bytes as on disk
    assert int(a.getheader("Content-Length")) == len(body_a)


def test_routing_exact_query_then_prefix_then_default_then_404(server):
    assert _request(server, "/services?page=2")[1] == b"<html>services page 2</html>"
    assert _request(server, "/services?page=3")[0].status == 404  # query is part of the key
    assert _request(server, "/blog/some-post")[1] == b"blog"
    assert b"Events" in _request(server, "/blog/archive/events/2025/01/")[1]  # longest prefix
    assert _request(server, "/anything", host="shop.fake.test")[1] == b"default page"
    resp, body = _request(server, "/nope")
    assert resp.status == 404 and b"Not Found" in body


def test_host_is_case_insensitive_and_port_is_stripped(server):
    assert _request(server, "/", host="WWW.Fake-Panel.TEST:80")[1] == b"<html>late home</html>"
    assert _request(server, "/", host="www.fake-panel.test.", proxy=False)[0].status == 200
    assert split_host("[::1]:8080") == "::1" and split_host("User@Host.Test:81") == "host.test"


def test_unknown_and_dead_hosts_look_like_a_dns_failure(server):
    for host in ("no-such-host.example", "dead-panel.test"):
        resp, body = _request(server, "/", host=host)
        assert resp.status == 502
        assert resp.getheader("X-Sandbox-Error") == "dns"
        assert body.startswith(f"ERR_DNS_FAIL: unable to resolve host {host}".encode())


def test_head_has_headers_and_no_body(server):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    conn.request("HEAD", f"http://{HOST}/")
    resp = conn.getresponse()
    assert resp.status == 200 and resp.read() == b""
    assert int(resp.getheader("Content-Length")) == len(b"<html>late home</html>")
    conn.request("GET", f"http://{HOST}/")  # the keep-alive connection is still in step
    assert conn.getresponse().read() == b"<html>late home</html>"
    conn.close()


def test_route_headers_and_status_win(server):
    resp, body = _request(server, "/blocked")
    assert resp.status == 503 and body == b"Just a moment..."
    assert resp.headers.get_all("Server") == ["cloudflare"]
    assert _request(server, "/")[0].headers.get_all("Server") == ["nginx"]
    assert resp.getheader("CF-RAY") == "8a1b-FRA"


def test_flaky_gives_its_status_then_the_page(server):
    assert [_request(server, "/flaky")[0].status for _ in range(3)] == [503, 503, 200]
    assert _request(server, "/flaky")[1] == b"<html>late home</html>"
    server.reset_faults()
    assert _request(server, "/flaky")[0].status == 503


def test_slow_waits_and_does_not_block_a_concurrent_request(server):
    took: dict[str, float] = {}

    def slow() -> None:
        t = time.monotonic()
        took["status"] = _request(server, "/slow")[0].status
        took["slow"] = time.monotonic() - t

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.1)
    t = time.monotonic()
    assert _request(server, "/")[0].status == 200
    fast = time.monotonic() - t
    thread.join()
    assert took["status"] == 200 and took["slow"] >= 1.0
    assert fast < 0.5


def test_reset_gives_a_connection_error(server):
    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        sock.sendall(f"GET http://{HOST}/reset HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        with pytest.raises(ConnectionResetError):  # an RST, not an orderly close
            sock.recv(100)
    assert _request(server, "/")[0].status == 200  # the server lives on


def test_redirect_loop(server):
    seen = []
    target = "/loop-a"
    for _ in range(6):
        resp, _ = _request(server, target)
        assert resp.status == 302
        target = resp.getheader("Location")
        seen.append(target)
    assert seen == ["/loop-b", "/loop-a"] * 3


def test_calendar_trap_yields_new_urls_for_many_hops(server):
    for start in ("/events/2026/11/", "/blog/archive/events/2026/11/"):
        prefix = start[: -len("2026/11/")]
        target, seen = start, set()
        for _ in range(40):
            body = _request(server, target)[1].decode()
            seen.add(target)
            links = [part.split('"')[0] for part in body.split('href="')[1:]]
            assert all(link.startswith(prefix) for link in links)
            assert len(links) == 30  # previous, next, 28 days
            target = links[1]  # next month
        assert len(seen) == 40 and target == f"{prefix}2030/03/"
    assert _request(server, "/events/2026/11/05/")[0].status == 200  # day links answer too


def test_huge_page_has_its_declared_length(server):
    resp, body = _request(server, "/huge")
    assert int(resp.getheader("Content-Length")) == len(body) == 5 * 2**20
    assert body.startswith(b"<html>") and body.endswith(b"</html>")


def test_gzip_bomb_is_small_on_the_wire_and_declared_size_inflated(server):
    resp, body = _request(server, "/bomb", headers={"Accept-Encoding": "gzip"})
    assert resp.getheader("Content-Encoding") == "gzip"
    assert len(body) < 2**20  # 256 MiB inflated
    inflated, data, cap = 0, body, 2**16
    while data:  # gzip members one after another, each inflated at most `cap` bytes a step
        d = zlib.decompressobj(31)
        while not d.eof:
            chunk = d.decompress(data, cap)
            assert chunk and len(chunk) <= cap
            inflated += len(chunk)
            data = d.unconsumed_tail
        data = d.unused_data  # the next member (unconsumed_tail is stale at eof)
        assert inflated <= 256 * 2**20
    assert inflated == 256 * 2**20


def test_epoch_switching_serves_the_other_epochs_body(server):
    assert _request(server, "/")[1] == b"<html>late home</html>"
    server.set_epoch("early")
    assert _request(server, "/")[1] == b"<html>early home</html>"
    with pytest.raises(FileNotFoundError):
        server.set_epoch("middle")


def test_connect_is_answered_not_hung(server):
    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        sock.sendall(b"CONNECT www.fake-panel.test:443 HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):  # the server closes after answering
            data += chunk
    assert data.startswith(b"HTTP/1.1 501")


def test_keep_alive_and_stop_closes_open_connections(root):
    srv = SandboxServer(root).start()
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=5)
    for _ in range(3):
        conn.request("GET", f"http://{HOST}/")
        assert conn.getresponse().read() == b"<html>late home</html>"
    srv.stop()
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        conn.request("GET", f"http://{HOST}/")
        conn.getresponse().read()
    conn.close()


SPIDER = """
import sys, scrapy
from scrapy.crawler import CrawlerProcess

class Fetch(scrapy.Spider):
    name = "fetch"
    async def start(self):
        yield scrapy.Request("http://www.fake-panel.test/", meta={"proxy": sys.argv[1]})
    def parse(self, response):
        print("FETCHED", response.status, response.text, flush=True)

settings = {"LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False}
process = CrawlerProcess(settings)
process.crawl(Fetch)
process.start()
"""


def test_a_scrapy_crawl_goes_through_it_as_a_proxy(server):
    out = subprocess.run(
        [sys.executable, "-c", SPIDER, server.proxy_url],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert "FETCHED 200 <html>late home</html>" in out.stdout, out.stderr[-2000:]
