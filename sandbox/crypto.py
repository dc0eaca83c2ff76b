"""Real-format, checksummed crypto addresses (derived from a seed, owned by nobody)."""

from __future__ import annotations

import hashlib

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _h(seed: str, n: int) -> bytes:
    return hashlib.shake_256(seed.encode()).digest(n)


def b58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    num = int.from_bytes(data)
    out = ""
    while num:
        num, r = divmod(num, 58)
        out = _B58[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def b58decode_check(text: str) -> bytes | None:
    num = 0
    for ch in text:
        if ch not in _B58:
            return None
        num = num * 58 + _B58.index(ch)
    pad = len(text) - len(text.lstrip("1"))
    raw = b"\0" * pad + num.to_bytes((num.bit_length() + 7) // 8)
    payload, check = raw[:-4], raw[-4:]
    ok = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == check
    return payload if ok else None


def btc_p2pkh(seed: str) -> str:
    return b58check(b"\x00" + _h("btc" + seed, 20))


def tron(seed: str) -> str:
    return b58check(b"\x41" + _h("trx" + seed, 20))


def eth(seed: str) -> str:
    return "0x" + _h("eth" + seed, 20).hex()


def _polymod(values: list[int]) -> int:
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def bech32_verify(addr: str) -> bool:
    hrp, _, data = addr.lower().rpartition("1")
    if not hrp or any(c not in _BECH for c in data):
        return False
    return _polymod(_hrp_expand(hrp) + [_BECH.index(c) for c in data]) == 1


def btc_bech32(seed: str) -> str:
    """A P2WPKH address (witness v0, 20-byte program), BIP-173 checksum."""
    prog = _h("bc1" + seed, 20)
    acc, bits, five = 0, 0, []
    for b in prog:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            five.append((acc >> bits) & 31)
    if bits:
        five.append((acc << (5 - bits)) & 31)
    data = [0] + five
    pm = _polymod(_hrp_expand("bc") + data + [0] * 6) ^ 1
    check = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return "bc1" + "".join(_BECH[d] for d in data + check)
