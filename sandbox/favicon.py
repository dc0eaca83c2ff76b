"""Tiny real PNG favicons (stdlib zlib), one colour pattern per seed."""

from __future__ import annotations

import hashlib
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(seed: str, size: int = 16) -> bytes:
    """A 16x16 RGB PNG whose two colours and pattern come from `seed`."""
    h = hashlib.sha256(seed.encode()).digest()
    a, b = h[0:3], h[3:6]
    rows = b""
    for y in range(size):
        line = b"".join(a if ((x >> 2) + (y >> 2) + h[6]) % 3 else b for x in range(size))
        rows += b"\0" + line
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )
