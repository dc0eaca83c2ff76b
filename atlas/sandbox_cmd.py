"""`smmatlas sandbox serve`: the sandbox web with its DNS and RDAP doubles, on 127.0.0.1."""

from __future__ import annotations

import argparse
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class SandboxServices:
    proxy_url: str
    dns: str | None  # host:port of the DNS double
    rdap: str | None  # base URL of the RDAP double
    server: object
    ctlog: str | None = None  # base URL of the certificate-log double


@contextmanager
def sandbox_services(
    root: Path,
    epoch: str = "late",
    host: str = "127.0.0.1",
    port: int = 0,
    dns_port: int | None = 0,
    rdap_port: int | None = 0,
):
    """Start the proxy server and (unless a port is None) the DNS and RDAP doubles."""
    from atlas.cli import UserError
    from sandbox.ctlog import CtLogDouble
    from sandbox.dns import DnsDouble
    from sandbox.rdap import RdapDouble
    from sandbox.server import SandboxServer

    manifest = root / epoch / "manifest.json"
    if not manifest.exists():
        raise UserError(f"no sandbox web at {root} (run `smmatlas sandbox build --out {root}`)")
    with ExitStack() as stack:
        try:
            server = SandboxServer(root, epoch=epoch, host=host, port=port)
            server.start()
            stack.callback(server.stop)
            dns = rdap = None
            if dns_port is not None:
                dns_double = DnsDouble.from_manifest(manifest, host=host, port=dns_port).start()
                stack.callback(dns_double.stop)
                dns = dns_double.address
            if rdap_port is not None:
                rdap_double = RdapDouble.from_manifest(manifest, host=host, port=rdap_port).start()
                stack.callback(rdap_double.stop)
                rdap = rdap_double.url
            ct_double = CtLogDouble.from_epoch(root / epoch, host=host).start()
            stack.callback(ct_double.stop)
        except OSError as exc:
            raise UserError(f"cannot start the sandbox on {host}: {exc}") from exc
        yield SandboxServices(server.proxy_url, dns, rdap, server, ct_double.url)


def serve_sandbox(args: argparse.Namespace) -> int:
    dns_port = args.dns_port or None
    rdap_port = args.rdap_port or None
    with sandbox_services(
        Path(args.root), args.epoch, args.host, args.port, dns_port, rdap_port
    ) as svc:
        print(f"sandbox web ({args.epoch}) as an HTTP proxy at {svc.proxy_url}", flush=True)
        if svc.dns:
            print(f"DNS double at {svc.dns}; RDAP double at {svc.rdap}", flush=True)
        print(f"certificate-log double at {svc.ctlog}", flush=True)
        seeds = Path(args.root) / args.epoch / "seeds.txt"
        print(f"crawl it:  smmatlas crawl --proxy {svc.proxy_url} --seeds {seeds}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopped", flush=True)
    return 0
