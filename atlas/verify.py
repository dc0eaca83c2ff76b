"""`smmatlas verify DIR`: check a packet or dossier folder offline and name anything altered.

For every `manifest.json` under DIR:
- every file it lists exists and has the SHA-256 and size it lists;
- `evidence/captures.warc.gz` reads back record by record with warcio, each record's
  WARC-Block-Digest / WARC-Payload-Digest recomputed; each cited capture's record is at its
  offset, names its URL, and its payload has the capture's SHA-256;
- each screenshot's file name is its SHA-256 (`<sha256>.png`) and matches the capture's;
- the WACZ's own datapackage.json hashes match its parts.
Files in the folder that the manifest does not list are named as warnings.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from atlas.packet import MANIFEST, PACKET_WACZ, PACKET_WARC, SUMS, file_sha256


@dataclass
class Findings:
    checked: dict[str, int] = field(default_factory=lambda: {"files": 0, "records": 0})
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _rel(path: Path, top: Path) -> str:
    try:
        return path.relative_to(top).as_posix()
    except ValueError:
        return str(path)


def _check_warc(path: Path, top: Path, found: Findings) -> dict[int, tuple[str, str, str]]:
    """Read every record (digests checked); return offset -> (type, target URI, payload sha)."""
    seen: dict[int, tuple[str, str, str]] = {}
    name = _rel(path, top)
    try:
        with path.open("rb") as fh:
            it = ArchiveIterator(fh, check_digests=True)
            for record in it:
                payload = hashlib.sha256(record.content_stream().read()).hexdigest()
                it.read_to_end(record)
                offset = it.get_record_offset()  # (before the read, it would skip the body)
                problems = record.digest_checker.problems
                if problems:
                    found.problems.append(
                        f"{name}: record at offset {offset} altered ({'; '.join(problems)})"
                    )
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                seen[offset] = (record.rec_type, uri, payload)
                found.checked["records"] += 1
    except Exception as exc:  # noqa: BLE001 - any failure to read is a finding
        found.problems.append(f"{name}: unreadable WARC ({type(exc).__name__}: {exc})")
    return seen


def _check_wacz(path: Path, top: Path, found: Findings) -> None:
    name = _rel(path, top)
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
            if bad:
                found.problems.append(f"{name}: part {bad} altered (CRC)")
                return
            package = json.loads(z.read("datapackage.json"))
            for res in package.get("resources", []):
                algo, _, want = str(res.get("hash", "")).partition(":")
                if algo not in ("sha256", "md5"):
                    continue
                got = hashlib.new(algo, z.read(res["path"])).hexdigest()
                if got != want:
                    found.problems.append(f"{name}: part {res['path']} altered")
    except Exception as exc:  # noqa: BLE001
        found.problems.append(f"{name}: unreadable WACZ ({type(exc).__name__}: {exc})")


def verify_folder(folder: Path, top: Path, found: Findings) -> None:
    manifest_path = folder / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        found.problems.append(f"{_rel(manifest_path, top)}: unreadable manifest ({exc})")
        return
    listed = set()
    for entry in files:
        rel = str(entry.get("path", ""))
        path = (folder / rel).resolve()
        listed.add(rel)
        shown = _rel(folder / rel, top)
        if not path.is_relative_to(folder.resolve()):
            found.problems.append(f"{shown}: listed outside the folder")
            continue
        if not path.is_file():
            found.problems.append(f"{shown}: missing")
            continue
        found.checked["files"] += 1
        digest = file_sha256(path)
        if digest != entry.get("sha256") or path.stat().st_size != entry.get("size"):
            found.problems.append(
                f"{shown}: altered (SHA-256 {digest}, manifest says {entry.get('sha256')})"
            )
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel not in listed and rel not in (MANIFEST, SUMS):
            found.warnings.append(f"{_rel(path, top)}: not in the manifest")
    evidence = folder / "evidence"
    warc = evidence / PACKET_WARC
    records = _check_warc(warc, top, found) if warc.exists() else {}
    captures_path = evidence / "captures.json"
    if captures_path.exists():
        captures = json.loads(captures_path.read_text(encoding="utf-8")).get("captures", [])
        for c in captures:
            _check_capture(c, records, folder, top, found)
    if (evidence / PACKET_WACZ).exists():
        _check_wacz(evidence / PACKET_WACZ, top, found)


def _check_capture(c: dict, records: dict, folder: Path, top: Path, found: Findings) -> None:
    offset = c.get("packet_offset")
    if offset is not None:
        record = records.get(offset)
        where = f"{_rel(folder / 'evidence' / PACKET_WARC, top)}#{offset}"
        if record is None:
            found.problems.append(f"{where}: no record for {c.get('url')}")
        else:
            kind, uri, payload = record
            if uri != c.get("url"):
                found.problems.append(f"{where}: names {uri}, not {c.get('url')}")
            elif kind == "response" and payload != c.get("sha256"):
                found.problems.append(f"{where}: payload of {uri} altered (SHA-256 {payload})")
    shot = c.get("screenshot")
    if shot:
        path = folder / shot
        if path.is_file() and file_sha256(path) != path.stem:
            found.problems.append(f"{_rel(path, top)}: screenshot altered (name is its SHA-256)")


def verify(top: Path) -> Findings:
    found = Findings()
    manifests = sorted(top.rglob(MANIFEST)) if top.is_dir() else []
    if not manifests:
        found.problems.append(f"{top}: no {MANIFEST} (not a packet or dossier folder)")
    for manifest in manifests:
        verify_folder(manifest.parent, top, found)
    return found


def run_verify(args) -> int:
    from atlas.cli import UserError

    top = Path(args.folder)
    if not top.is_dir():
        raise UserError(f"{top} is not a folder")
    found = verify(top)
    for line in found.warnings:
        print(f"warning: {line}")
    for line in found.problems:
        print(f"ALTERED: {line}")
    n = found.checked
    status = "ok" if found.ok else f"FAILED ({len(found.problems)} problems)"
    print(f"verify {top}: {status}: {n['files']} files, {n['records']} WARC records checked")
    return 0 if found.ok else 1
