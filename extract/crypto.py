"""Crypto address recognition with checksum validation (BTC, LTC, ETH, TRON).

Pure functions: `find_addresses(text)` returns the valid addresses found in `text` with their
chain; anything that fails its checksum is dropped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import base58

_B58 = "1-9A-HJ-NP-Za-km-z"
_BASE58_RE = re.compile(rf"(?<![{_B58}])([13LMT][{_B58}]{{25,34}})(?![{_B58}])")
_BECH32_RE = re.compile(r"(?<![0-9A-Za-z])((?:bc|ltc)1[02-9ac-hj-np-z]{8,87})(?![0-9A-Za-z])", re.I)
_ETH_RE = re.compile(r"(?<![0-9A-Za-z])(0x[0-9a-fA-F]{40})(?![0-9A-Za-z])")

# base58check version byte -> chain
_B58_VERSIONS = {0x00: "bitcoin", 0x05: "bitcoin", 0x30: "litecoin", 0x32: "litecoin", 0x41: "tron"}
_HRP_CHAIN = {"bc": "bitcoin", "ltc": "litecoin"}


@dataclass(frozen=True, slots=True)
class Address:
    chain: str  # bitcoin, litecoin, ethereum, tron
    value: str
    start: int  # offset in the searched text


def base58check_version(addr: str) -> int | None:
    """Version byte of a valid base58check string with a 20-byte payload, else None."""
    try:
        raw = base58.b58decode(addr)
    except ValueError:
        return None
    if len(raw) != 25:
        return None
    body, check = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4] != check:
        return None
    return body[0]


# --- bech32 / bech32m (BIP-173, BIP-350) ---------------------------------------------------
_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32M = 0x2BC830A3


def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _convertbits(data: list[int], frombits: int, tobits: int) -> list[int] | None:
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    for v in data:
        acc = (acc << frombits) | v
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def segwit_valid(addr: str) -> str | None:
    """Chain name if `addr` is a valid segwit address (bech32 v0, bech32m v1+), else None."""
    if addr.lower() != addr and addr.upper() != addr:
        return None
    addr = addr.lower()
    hrp, _, data_part = addr.rpartition("1")
    if hrp not in _HRP_CHAIN or len(data_part) < 6:
        return None
    data = [_CHARSET.find(c) for c in data_part]
    if -1 in data:
        return None
    const = _polymod([ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data)
    if const not in (1, _BECH32M):
        return None
    version, program = data[0], _convertbits(data[1:-6], 5, 8)
    if program is None or version > 16 or not 2 <= len(program) <= 40:
        return None
    if version == 0 and (const != 1 or len(program) not in (20, 32)):
        return None
    if version > 0 and const != _BECH32M:
        return None
    return _HRP_CHAIN[hrp]


# --- keccak-256 for EIP-55 ------------------------------------------------------------------
_RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]  # fmt: skip
_ROT = [
    [0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61],
    [28, 55, 25, 21, 56], [27, 20, 39, 8, 14],
]  # fmt: skip
_M64 = (1 << 64) - 1


def _rol(x: int, n: int) -> int:
    return ((x << n) | (x >> (64 - n))) & _M64 if n else x


def _keccak_f(a: list[list[int]]) -> None:
    for rc in _RC:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
        for x in range(5):
            for y in range(5):
                a[x][y] ^= d[x]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rol(a[x][y], _ROT[x][y])
        for x in range(5):
            for y in range(5):
                a[x][y] = b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y])
        a[0][0] ^= rc


def keccak256(data: bytes) -> bytes:
    """Keccak-256 (Ethereum's, not NIST SHA3-256)."""
    rate = 136
    msg = bytearray(data) + b"\x01"
    msg += b"\x00" * (-len(msg) % rate)
    msg[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        block = msg[off : off + rate]
        for i in range(rate // 8):
            a[i % 5][i // 5] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _keccak_f(a)
    out = b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(4))
    return out


def eip55_valid(addr: str) -> bool:
    """True for an all-lower/all-upper hex address or a correct EIP-55 mixed-case one."""
    hexpart = addr[2:]
    if hexpart.lower() == hexpart or hexpart.upper() == hexpart:
        return int(hexpart, 16) != 0
    digest = keccak256(hexpart.lower().encode()).hex()
    for ch, h in zip(hexpart, digest[:40], strict=True):
        if ch.isalpha() and (ch.isupper() != (int(h, 16) >= 8)):
            return False
    return True


def find_addresses(text: str) -> list[Address]:
    """Every checksum-valid crypto address in `text`, in order of appearance."""
    found: list[Address] = []
    for m in _BASE58_RE.finditer(text):
        version = base58check_version(m.group(1))
        chain = _B58_VERSIONS.get(version) if version is not None else None
        if chain and m.group(1)[0] in _PREFIX[chain].get(version, "-"):
            found.append(Address(chain, m.group(1), m.start(1)))
    for m in _BECH32_RE.finditer(text):
        chain = segwit_valid(m.group(1))
        if chain:
            found.append(Address(chain, m.group(1).lower(), m.start(1)))
    for m in _ETH_RE.finditer(text):
        if eip55_valid(m.group(1)):
            found.append(Address("ethereum", m.group(1), m.start(1)))
    found.sort(key=lambda a: a.start)
    return found


# leading characters each version byte produces (guards against odd decodes)
_PREFIX: dict[str, dict[int, str]] = {
    "bitcoin": {0x00: "1", 0x05: "3"},
    "litecoin": {0x30: "L", 0x32: "M"},
    "tron": {0x41: "T"},
}
