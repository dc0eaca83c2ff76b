"""Evidence of every fetched page: WARC records (warcio) with SHA-256 digests and UTC times.

One gzip WARC file per crawl process (`<data>/warc/run-<run>-<pid>.warc.gz`) that opens with a
`warcinfo` record; each fetch adds a `request` record and then either a `response` record (the
body, first time this body is seen at this URL) or a `revisit` record (profile
identical-payload-digest, `WARC-Refers-To-*` naming the response that holds the body), so a
recrawl of an unchanged page proves its presence again without storing the body twice.

Every record carries `WARC-Block-Digest` and (for responses) `WARC-Payload-Digest` as
`sha256:<base32>` (warcio's own writer computes SHA-1: `Sha256WARCWriter` swaps the digester),
and `WARC-IP-Address` when the address the response came from is known (through a proxy, that
is the proxy's address: what the crawler connected to).

Each record is its own gzip member, written and flushed at once, so a killed crawl leaves every
earlier record readable. Paths are stored relative to the data folder (`warc/run-...warc.gz`)
and resolved with `resolve_path(data_root, stored)`, so moving the data folder breaks nothing;
absolute paths of older rows are still read, and found under the moved folder by file name.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from storage.db import DatabaseError

WARC_FOLDER = "warc"
# request headers kept in request records: never credentials (Proxy-Authorization,
# Authorization) or cookies a portal set
REQUEST_HEADERS = frozenset({"user-agent", "accept", "accept-language", "accept-encoding"})


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def warc_digest(hex_digest: str) -> str:
    """`sha256:<base32>` (the WARC convention warcio writes and verifies) of a hex SHA-256."""
    return "sha256:" + base64.b32encode(bytes.fromhex(hex_digest)).decode("ascii")


def digest_hex(warc_value: str) -> str:
    """The hex SHA-256 of a `sha256:<base32|hex>` WARC digest value."""
    algo, _, value = warc_value.partition(":")
    if algo.lower() != "sha256":
        raise ValueError(f"not a SHA-256 digest: {warc_value}")
    if len(value) == 64:
        return value.lower()
    return base64.b32decode(value).hex()


def warc_date(at: datetime) -> str:
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


class Sha256WARCWriter(WARCWriter):
    """warcio's writer with SHA-256 block and payload digests (its default is SHA-1)."""

    @staticmethod
    def _create_digester():
        return Digester("sha256")


@dataclass(frozen=True)
class Written:
    offset: int  # where the response or revisit record starts in the file
    record_id: str  # its WARC-Record-ID


def resolve_path(data_root: str | Path | None, stored: str | None) -> Path | None:
    """The WARC (or screenshot) file a capture row names, wherever the data folder now is.

    New rows hold a path relative to the data folder; older rows an absolute or working-folder
    path. A path that no longer exists is looked for by name in the folder of the
    same name under `data_root` (the data folder was moved)."""
    if not stored:
        return None
    path = Path(stored)
    root = Path(data_root) if data_root is not None else None
    candidates = []
    if not path.is_absolute() and root is not None:
        candidates.append(root / path)
    candidates.append(path)
    if root is not None and path.parent.name:
        candidates.append(root / path.parent.name / path.name)
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[0]


SCREENS_FOLDER = "screens"


def store_screenshot(data_root: Path, png: bytes) -> tuple[str, str]:
    """Write a PNG as `<data>/screens/<sha256>.png` (once: same image, same file); return
    (sha256, path relative to the data folder)."""
    digest = sha256(png)
    stored = f"{SCREENS_FOLDER}/{digest}.png"
    path = Path(data_root) / stored
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{digest}.{os.getpid()}.tmp")
        tmp.write_bytes(png)
        os.replace(tmp, path)
    return digest, stored


class WarcStore:
    """Appends records to one WARC file; tells where each landed."""

    def __init__(self, folder: Path, run_id: int) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create the evidence folder {folder}: {exc}") from exc
        self.folder = folder
        self.path = folder / f"run-{run_id}-{os.getpid()}.warc.gz"
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        self._fh = self.path.open("ab")
        self._writer = Sha256WARCWriter(self._fh, gzip=True)
        if fresh:
            self._warcinfo(run_id)

    @property
    def data_root(self) -> Path:
        return self.folder.parent

    @property
    def stored_path(self) -> str:
        """The file's path as stored in capture rows: relative to the data folder."""
        return f"{self.folder.name}/{self.path.name}"

    def _warcinfo(self, run_id: int) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            ver = version("smmatlas")
        except PackageNotFoundError:
            ver = "dev"
        info = {
            "software": f"smmatlas/{ver} (warcio, scrapy)",
            "format": "WARC File Format 1.0",
            "description": f"SMM Atlas crawl run {run_id}: evidence of portals selling fake "
            "engagement; digests are SHA-256; WARC-IP-Address is the address connected to "
            "(a proxy's when crawling through one)",
            "isPartOf": f"smmatlas-run-{run_id}",
            "operator": os.environ.get("SMMATLAS_OPERATOR", ""),
        }
        record = self._writer.create_warcinfo_record(self.path.name, info)
        self._put(record)

    def _put(self, record) -> int:
        offset = self._fh.tell()
        self._writer.write_record(record)
        self._fh.flush()
        return offset

    def _request(
        self,
        url: str,
        fetched_at: datetime,
        concurrent_to: str,
        request_headers: Iterable[tuple[str, str]] | None,
        ip: str | None,
    ) -> None:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [(k, v) for k, v in (request_headers or ()) if k.lower() in REQUEST_HEADERS]
        headers.insert(0, ("Host", parts.netloc))
        warc_headers = {"WARC-Date": warc_date(fetched_at), "WARC-Concurrent-To": concurrent_to}
        if ip:
            warc_headers["WARC-IP-Address"] = ip
        record = self._writer.create_warc_record(
            url,
            "request",
            http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", headers, is_http_request=True),
            warc_headers_dict=warc_headers,
        )
        self._put(record)

    def write(
        self,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: datetime,
        rendered: bool = False,
        ip: str | None = None,
        request_headers: Iterable[tuple[str, str]] | None = None,
    ) -> Written:
        """Write a response record (then its request record); return where it landed."""
        record_id = _record_id()
        warc_headers = {"WARC-Record-ID": record_id, "WARC-Date": warc_date(fetched_at)}
        if ip:
            warc_headers["WARC-IP-Address"] = ip
        if rendered:
            warc_headers["WARC-Rendered-By"] = "chromium (playwright)"
        record = self._writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=_http_headers(status, headers),
            warc_headers_dict=warc_headers,
        )
        offset = self._put(record)
        self._request(url, fetched_at, record_id, request_headers, ip)
        return Written(offset, record_id)

    def revisit(
        self,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        payload_sha256: str,
        fetched_at: datetime,
        refers_to_date: datetime,
        refers_to_id: str | None = None,
        ip: str | None = None,
        request_headers: Iterable[tuple[str, str]] | None = None,
    ) -> Written:
        """Write a revisit record (identical payload digest: no body) and its request record."""
        record_id = _record_id()
        warc_headers = {"WARC-Record-ID": record_id, "WARC-Date": warc_date(fetched_at)}
        if refers_to_id:
            warc_headers["WARC-Refers-To"] = refers_to_id
        if ip:
            warc_headers["WARC-IP-Address"] = ip
        record = self._writer.create_revisit_record(
            url,
            warc_digest(payload_sha256),
            url,
            warc_date(refers_to_date),
            http_headers=_http_headers(status, headers),
            warc_headers_dict=warc_headers,
        )
        offset = self._put(record)
        self._request(url, fetched_at, record_id, request_headers, ip)
        return Written(offset, record_id)

    def close(self) -> None:
        self._fh.close()


def _record_id() -> str:
    from warcio.statusandheaders import StatusAndHeadersParser

    return StatusAndHeadersParser.make_warc_id()


def _http_headers(status: int, headers: list[tuple[str, str]]) -> StatusAndHeaders:
    reason = "OK" if status == 200 else "-"
    return StatusAndHeaders(f"{status} {reason}", headers, protocol="HTTP/1.1")


def read_record(path: str | Path, offset: int) -> tuple[str, bytes]:
    """Return (target URI, payload bytes) of the record at `offset`."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            return record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read()
    raise ValueError(f"no WARC record at {path}:{offset}")


def read_headers(path: str | Path, offset: int) -> dict[str, str]:
    """The WARC headers of the record at `offset` (names as written)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            return dict(record.rec_headers.headers)
    raise ValueError(f"no WARC record at {path}:{offset}")


def _utc_iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat().replace("+00:00", "Z")


def capture_reference(capture) -> dict | None:
    """Where a fact was seen, for exports: the capture's URL, UTC time, SHA-256, WARC file
    (relative to the data folder) and record offset; the newest record proving presence (a
    revisit) and the screenshot when there are. `capture` is a storage.models.Capture."""
    if capture is None:
        return None
    ref = {
        "url": capture.url,
        "fetched_at": _utc_iso(capture.fetched_at),
        "last_fetched_at": _utc_iso(capture.last_fetched_at),
        "sha256": capture.sha256,
        "warc_file": capture.warc_file,
        "warc_offset": capture.warc_offset,
        "ip_address": capture.ip_address,
    }
    if capture.last_warc_offset is not None and capture.last_warc_offset != capture.warc_offset:
        ref["last_warc_file"] = capture.last_warc_file
        ref["last_warc_offset"] = capture.last_warc_offset
    if capture.screenshot:
        ref["screenshot"] = capture.screenshot
        ref["screenshot_sha256"] = capture.screenshot_sha256
    return ref
