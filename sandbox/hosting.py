"""Deterministic, real-shaped hosting records for the manifest (DNS/RDAP doubles read them)."""

from __future__ import annotations

import random
import tomllib
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("spec") / "hosting.toml"


@cache
def _data() -> dict:
    with DATA.open("rb") as fh:
        return tomllib.load(fh)


def hosting(rng: random.Random, cluster_pick: dict | None = None, cdn: bool | None = None) -> dict:
    """A Hosting record; `cluster_pick` (shared by one operator) fixes provider, IP and NS."""
    d = _data()
    if cluster_pick is None:
        hosts = d["host"] if cdn is None else [h for h in d["host"] if bool(h.get("cdn")) == cdn]
        h = rng.choice(hosts)
        if h["prefix"].count(".") == 2:  # a /16 of a CDN range
            ip = f"{h['prefix']}{rng.randrange(0, 256)}.{rng.randrange(1, 255)}"
        else:
            ip = f"{h['prefix']}{rng.randrange(1, 255)}"
        cluster_pick = {"h": h, "ip": ip, "reg": rng.choice(d["registrar"])}
        if rng.random() < 0.3:  # documentation prefix 2001:db8::/32
            cluster_pick["ipv6"] = [
                f"2001:db8:{rng.randrange(1, 0xFFFF):x}::{rng.randrange(1, 0xFFFF):x}"
            ]
    h = cluster_pick["h"]
    year = rng.randrange(2016, 2021)
    month = rng.randrange(1, 13)
    return {
        "ipv4": [cluster_pick["ip"]],
        "ipv6": cluster_pick.get("ipv6", []),
        "ns": list(h["ns"]),
        "mx": [f"mx1.{h['ns'][0].split('.', 1)[1]}"],
        "asn": h["asn"],
        "as_name": h["name"],
        "country": h["country"],
        "cdn": h.get("cdn"),
        "ip_network": {"name": h["name"], "abuse_email": h["abuse"]},
        "registrar": dict(cluster_pick["reg"]),
        "created": f"{year}-{month:02d}-{rng.randrange(1, 29):02d}",
        "expires": f"{2027 + rng.randrange(0, 2)}-{month:02d}-01",
        "tls": rng.random() < 0.7,
    }


def pick(rng: random.Random) -> dict:
    """A provider choice an operator cluster reuses."""
    d = _data()
    h = rng.choice([x for x in d["host"] if not x.get("cdn")])
    return {
        "h": h,
        "ip": f"{h['prefix']}{rng.randrange(1, 255)}",
        "reg": rng.choice(d["registrar"]),
    }
