"""Evidence of every fetched page: a WARC record (warcio) with its SHA-256 and UTC fetch time.

One gzip WARC file per crawl process (`<data>/warc/run-<run>-<pid>.warc.gz`); each record is its
own gzip member, written and flushed at once, so a killed crawl leaves every earlier record
readable. `read_record(path, offset)` gives back exactly what was fetched.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.db import DatabaseError


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class WarcStore:
    """Appends response records to one WARC file; records where each landed."""

    def __init__(self, folder: Path, run_id: int) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create the evidence folder {folder}: {exc}") from exc
        self.path = folder / f"run-{run_id}-{os.getpid()}.warc.gz"
        self._fh = self.path.open("ab")
        self._writer = WARCWriter(self._fh, gzip=True)

    def write(
        self,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: datetime,
        rendered: bool = False,
    ) -> int:
        """Write one response record; return its offset in the file."""
        reason = "OK" if status == 200 else "-"
        http_headers = StatusAndHeaders(f"{status} {reason}", headers, protocol="HTTP/1.1")
        warc_headers = {
            "WARC-Date": fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "WARC-Payload-Digest": "sha256:" + sha256(body),
        }
        if rendered:
            warc_headers["WARC-Rendered-By"] = "chromium (playwright)"
        record = self._writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
        offset = self._fh.tell()
        self._writer.write_record(record)
        self._fh.flush()
        return offset

    def close(self) -> None:
        self._fh.close()


def read_record(path: str | Path, offset: int) -> tuple[str, bytes]:
    """Return (target URI, payload bytes) of the record at `offset`."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            return record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read()
    raise ValueError(f"no WARC record at {path}:{offset}")
