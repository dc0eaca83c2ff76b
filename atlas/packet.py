"""The evidence of a case, packaged so an abuse desk (or a court) can check it offline.

    evidence/captures.warc.gz   the cited WARC records, byte for byte as the crawl wrote them
                                (each record is its own gzip member: copied, never re-encoded,
                                so its WARC-Block-Digest / WARC-Payload-Digest still hold)
    evidence/evidence.wacz      the same records as a WACZ (the `wacz` tool: CDXJ index, pages,
                                datapackage.json with the SHA-256 of every part)
    evidence/screenshots/<sha256>.png
    evidence/captures.json      every cited capture: URL, UTC times, SHA-256, IP, where its
                                record is (in the packet and in the atlas's own WARC file)
    manifest.json / SHA256SUMS  SHA-256 and size of every file of the folder

`smmatlas verify DIR` (atlas/verify.py) checks all of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from atlas.report import Case, Cited, iso, write_json

PACKET_WARC = "captures.warc.gz"
PACKET_WACZ = "evidence.wacz"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
MAX_BODY = 5_000_000  # bytes of a page body kept in memory for XARF evidence


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def raw_record(path: Path, offset: int) -> tuple[bytes, bytes | None, str]:
    """(the record's raw bytes as stored, its payload, its WARC-Type) at `offset`."""
    with path.open("rb") as fh:
        fh.seek(offset)
        it = ArchiveIterator(fh)
        record = next(iter(it))
        kind = record.rec_type
        payload = record.content_stream().read(MAX_BODY + 1)
        it.read_to_end(record)
        length = it.get_record_length()
        fh.seek(offset)
        raw = fh.read(length)
    return raw, (payload if len(payload) <= MAX_BODY else None), kind


def _warcinfo(case: Case) -> bytes:
    from warcio.warcwriter import WARCWriter

    try:
        from storage.evidence import Sha256WARCWriter as Writer
    except ImportError:  # older storage: SHA-1 digests on this one record
        Writer = WARCWriter
    buf = io.BytesIO()
    writer = Writer(buf, gzip=True)
    info = {
        "software": "SMM Atlas (smmatlas report / dossier)",
        "format": "WARC File Format 1.1",
        "description": f"Captures cited as evidence for: {case.title}"[:2000],
        "generated-at": iso(case.generated_at),
    }
    writer.write_record(writer.create_warcinfo_record(PACKET_WARC, info))
    return buf.getvalue()


def write_evidence(case: Case, folder: Path) -> dict:
    """Write the evidence of `case` under `folder`; return what was written (paths relative
    to the case folder) and the page bodies read (for XARF evidence items)."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "screenshots").mkdir(parents=True)
    warc = folder / PACKET_WARC
    bodies: dict[int, bytes] = {}
    records, screenshots, missing = [], [], []
    with warc.open("wb") as out:
        out.write(_warcinfo(case))
        for p in case.portals:
            for c in p.captures:
                entry = _capture_entry(p.domain, c)
                if c.warc_path and c.warc_path.exists() and c.warc_offset is not None:
                    try:
                        raw, payload, kind = raw_record(c.warc_path, c.warc_offset)
                    except Exception as exc:  # noqa: BLE001 - a broken source is reported
                        missing.append(f"{c.url}: WARC record unreadable ({exc})")
                    else:
                        entry["packet_offset"] = out.tell()
                        entry["record_type"] = kind
                        out.write(raw)
                        if payload is not None:
                            bodies[c.id] = payload
                else:
                    missing.append(f"{c.url}: WARC file not found ({c.warc_path})")
                shot = _copy_screenshot(c, folder / "screenshots", missing)
                if shot:
                    entry["screenshot"] = shot
                    screenshots.append(shot)
                records.append(entry)
    wacz = folder / PACKET_WACZ
    _make_wacz(warc, wacz, case)
    base = folder.parent
    data = {
        "case": case.title,
        "generated_at": iso(case.generated_at),
        "warc": warc.relative_to(base).as_posix(),
        "captures": records,
        "problems": missing,
    }
    write_json(folder / "captures.json", data)
    return {
        "warc": warc.relative_to(base).as_posix(),
        "wacz": wacz.relative_to(base).as_posix(),
        "screenshots": screenshots,
        "captures": records,
        "problems": missing,
        "bodies": bodies,
    }


def _capture_entry(domain: str, c: Cited) -> dict:
    return {
        "portal": domain,
        "capture_id": c.id,
        "url": c.url,
        "sha256": c.sha256,
        "fetched_at": iso(c.fetched_at),
        "last_fetched_at": iso(c.last_fetched_at),
        "http_status": c.http_status,
        "ip": c.ip,
        "proves": c.proves,
        "atlas_warc": {"file": c.warc_path.name if c.warc_path else None, "offset": c.warc_offset},
    }


def _copy_screenshot(c: Cited, folder: Path, problems: list[str]) -> str | None:
    if not c.screenshot or not c.screenshot.exists():
        return None
    digest = file_sha256(c.screenshot)
    if c.screenshot_sha256 and c.screenshot_sha256 != digest:
        problems.append(f"{c.url}: screenshot {c.screenshot.name} differs from its stored SHA-256")
    target = folder / f"{digest}.png"
    if not target.exists():
        shutil.copyfile(c.screenshot, target)
    return f"evidence/screenshots/{target.name}"


def _make_wacz(warc: Path, wacz: Path, case: Case) -> None:
    from wacz.main import main as wacz_main

    args = ["create", "-o", str(wacz), str(warc), "--detect-pages", "--hash-type", "sha256"]
    args += ["--title", case.title[:200]]
    with contextlib.redirect_stdout(io.StringIO()):
        code = wacz_main(args)
    if code not in (0, None):
        raise RuntimeError(f"wacz create failed ({code})")


def write_manifest(folder: Path, case: Case) -> Path:
    """manifest.json: SHA-256 and size of every file in `folder`; SHA256SUMS of all of them
    and of manifest.json (checkable with `sha256sum -c SHA256SUMS`)."""
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel in (MANIFEST, SUMS):
            continue
        files.append({"path": rel, "sha256": file_sha256(path), "size": path.stat().st_size})
    manifest = folder / MANIFEST
    write_json(
        manifest,
        {
            "schema": "smmatlas/manifest@1",
            "case": case.title,
            "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "files": files,
        },
    )
    sums = [f"{f['sha256']}  {f['path']}" for f in files]
    sums.append(f"{file_sha256(manifest)}  {MANIFEST}")
    (folder / SUMS).write_text("\n".join(sums) + "\n", encoding="utf-8")
    return manifest


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
