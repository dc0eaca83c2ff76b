"""Certificate transparency: names matching field keywords in a crt.sh-style JSON search.

The endpoint is a setting (`--ct-url`, `$SMMATLAS_CT_URL`, else config/vocab/discovery.toml);
the query is `?q=%25KEYWORD%25&output=json`. Each answer is kept as evidence (a file named by
its SHA-256 under the evidence folder) and every name it yields is a `ct_log` sighting pointing
to the query URL and that hash. Names are untrusted: wildcards and subdomains are reduced to
their registered domain, anything that is not a valid host name is dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.request
from pathlib import Path
from urllib.parse import quote

from atlas.discovery.candidates import record_sighting
from atlas.discovery.sources import Context, Found
from config.vocab import load
from extract.domains import registered_domain

_HOST = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$")
MAX_BYTES = 8 * 1024 * 1024


def ct_url(setting: str | None) -> str:
    return setting or os.environ.get("SMMATLAS_CT_URL") or load("discovery")["ct"]["url"]


def query_url(base: str, keyword: str) -> str:
    return f"{base.rstrip('/')}/?q={quote('%' + keyword + '%')}&output=json"


def fetch(url: str) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": "smmatlas-discovery"})
    with urllib.request.urlopen(req, timeout=20) as resp:  # noqa: S310 (a configured endpoint)
        return resp.read(MAX_BYTES + 1)[:MAX_BYTES]


def names_of(body: bytes) -> list[tuple[str, str]]:
    """(name, issuer and validity) of every row of a crt.sh JSON answer; bad rows skipped."""
    try:
        rows = json.loads(body)
    except ValueError:
        return []
    out = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        about = f"{row.get('issuer_name', '')} {row.get('not_before', '')}"[:300]
        for name in str(row.get("name_value", "")).split("\n"):
            name = name.strip().lower().removeprefix("*.")
            if _HOST.match(name):
                out.append((name, about))
    return out


def collect(ctx: Context) -> list[Found]:
    out: list[Found] = []
    if not ctx.ct_keywords:
        return out
    base = ct_url(ctx.ct_url)
    limit = load("discovery")["ct"]["max_names"]
    for keyword in ctx.ct_keywords:
        url = query_url(base, keyword)
        try:
            body = fetch(url)
        except (OSError, ValueError) as exc:
            ctx.log.append(f"certificate log {url}: {exc}")
            continue
        digest = hashlib.sha256(body).hexdigest()
        folder = Path(ctx.evidence_dir)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"ct-{digest}.json").write_bytes(body)
        seen: set[str] = set()
        for name, about in names_of(body):
            domain = registered_domain(name)
            if keyword.lower() not in domain or domain in seen or len(seen) >= limit:
                continue
            seen.add(domain)
            sid = record_sighting(
                ctx.session, "ct_log", name, domain, url, source="certificate log",
                sha256=digest, context=f"{about} (answer kept as ct-{digest}.json)",
            )  # fmt: skip
            out.append(Found(domain, f"http://{domain}/", "ct_log", "certificate log", sid))
    return out
