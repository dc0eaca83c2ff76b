"""A page's facts as stored bytes and back: compressed JSON, exact and strict.

The crawl stores the facts of every capture (storage/known.py reads them back), so a page whose
body has not changed since is not extracted again. What is read back comes from a database and
is untrusted: `loads` rebuilds only the dataclasses of extract/model.py, field by field, with
each value's type checked; anything else (a missing or unknown field, a wrong type, a body that
is not zlib or not JSON, one that inflates past `MAX_JSON`) gives None, never an exception or
an arbitrary object. No pickle.

`extractor_version()` names the code and vocabularies that produced facts: a digest of the
sources of extract/ and the vocabularies of config/vocab/, computed once per process. Facts
stored under another version are never reused.

`ReadFacts` is `PageFacts` as the crawl read it: the role and currency hint it was read with,
the `reading_context` of its fetch (status and the headers extractors read) and whether it came
from the stored summary (`known`). Only the `PageFacts` fields are stored.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import types
import typing
import zlib
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

from extract.model import (
    Contact,
    Identifier,
    Link,
    Offer,
    OffsiteLink,
    PageFacts,
    PageSignals,
    Payment,
    SoftwareHint,
)

MAX_JSON = 64 * 1024 * 1024  # bytes of JSON a stored summary may inflate to
FORMAT = 1  # bumped if the layout below changes (part of the extractor version)
_ROOT = Path(__file__).resolve().parents[1]
# headers that change on every fetch of the same page and that no extractor reads for a fact
# (set-cookie counts by its cookie names, as extract/software.py reads it)
VOLATILE_HEADERS = frozenset({
    "date", "expires", "age", "last-modified", "etag", "cf-ray", "x-request-id", "x-runtime",
    "report-to", "nel", "server-timing", "content-length", "x-cache", "x-served-by", "x-timer",
    "cf-cache-status", "x-amz-cf-id", "x-amzn-requestid", "request-id", "x-correlation-id",
})  # fmt: skip
_CLASSES = {
    cls.__name__: cls
    for cls in (Offer, Payment, Contact, Identifier, SoftwareHint, Link, OffsiteLink, PageSignals)
}


@dataclass(slots=True)
class ReadFacts(PageFacts):
    """PageFacts with how they were read (not stored: see `dumps`)."""

    role: str = "other"
    currency_hint: str | None = None
    context: str = ""  # reading_context() of the fetch
    known: bool = False  # from the stored summary of an unchanged body, not extracted again

    @classmethod
    def of(
        cls, facts: PageFacts, role: str, currency_hint: str | None, context: str = "",
        known: bool = False,
    ) -> ReadFacts:  # fmt: skip
        values = {f.name: getattr(facts, f.name) for f in fields(PageFacts)}
        return cls(**values, role=role, currency_hint=currency_hint, context=context, known=known)


def reading_context(status: int, headers: dict[str, str] | None) -> str:
    """What besides the body an extraction reads of a fetch, as a digest: the status and the
    headers (names and values; set-cookie by cookie names; volatile headers by name only)."""
    parts = [str(status)]
    for name, value in sorted((str(k).lower(), str(v)) for k, v in (headers or {}).items()):
        if name == "set-cookie":
            cookies = (p.split("=", 1)[0].strip() for p in re.split(r"[\n;,]", value) if "=" in p)
            value = ",".join(sorted(set(cookies)))
        elif name in VOLATILE_HEADERS:
            value = ""
        parts.append(f"{name}:{value}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@cache
def extractor_version() -> str:
    """SHA-256 (hex) over the extract/*.py sources and config/vocab/*.toml, by name."""
    digest = hashlib.sha256(f"smmatlas-facts/{FORMAT}".encode())
    files = sorted((_ROOT / "extract").glob("*.py")) + sorted(
        (_ROOT / "config" / "vocab").glob("*.toml")
    )
    for path in files:
        digest.update(f"\0{path.parent.name}/{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# --- to bytes ---------------------------------------------------------------------------------
def _plain(obj) -> dict:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def to_json(facts: PageFacts) -> dict:
    """The `PageFacts` fields of `facts` (a `ReadFacts` loses its reading notes) as JSON data."""
    out = {}
    for f in fields(PageFacts):
        value = getattr(facts, f.name)
        if f.name == "signals":
            value = _plain(value)
        elif f.name in _LISTS:
            value = [_plain(v) for v in value]
        out[f.name] = value
    return out


def dumps(facts: PageFacts) -> bytes | None:
    """zlib-compressed JSON of the facts; None when they hold what JSON cannot keep (a
    non-finite number, an object of a type JSON does not know). A value of another type than
    the model names (an int where it says str) is stored but fails `loads`: the page is then
    extracted again, never read wrongly."""
    try:
        text = json.dumps(to_json(facts), allow_nan=False, ensure_ascii=False,
                          separators=(",", ":"))  # fmt: skip
    except (TypeError, ValueError):
        return None
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 6)


# --- from bytes -------------------------------------------------------------------------------
class _Bad(Exception):
    pass


def _hints(cls) -> dict[str, object]:
    return typing.get_type_hints(cls)


_HINTS = {cls: _hints(cls) for cls in (*_CLASSES.values(), PageFacts)}
_LISTS = {
    "offers": Offer,
    "payments": Payment,
    "contacts": Contact,
    "identifiers": Identifier,
    "software": SoftwareHint,
    "links": Link,
    "offsite": OffsiteLink,
}


def _value(hint, value):
    """`value` checked against the type `hint` (str, int, float, bool, None, list[str], unions)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        for option in typing.get_args(hint):
            try:
                return _value(option, value)
            except _Bad:
                continue
        raise _Bad
    if hint is type(None):
        if value is None:
            return None
        raise _Bad
    if hint is bool:
        if type(value) is bool:
            return value
        raise _Bad
    if hint is int:
        if type(value) is int:
            return value
        raise _Bad
    if hint is float:
        if type(value) in (int, float) and math.isfinite(value):
            return float(value)
        raise _Bad
    if hint is str:
        if type(value) is str:
            return value
        raise _Bad
    if typing.get_origin(hint) is list and typing.get_args(hint) == (str,):
        if type(value) is list and all(type(v) is str for v in value):
            return list(value)
        raise _Bad
    raise _Bad


def _build(cls, data):
    if type(data) is not dict:
        raise _Bad
    hints = _HINTS[cls]
    names = [f.name for f in fields(cls)]
    if set(data) != set(names):
        raise _Bad
    return cls(**{name: _value(hints[name], data[name]) for name in names})


def from_json(data) -> PageFacts | None:
    """PageFacts from JSON data of `to_json`, every field checked; None when anything is off."""
    try:
        if type(data) is not dict or set(data) != {f.name for f in fields(PageFacts)}:
            raise _Bad
        values = {}
        hints = _HINTS[PageFacts]
        for f in fields(PageFacts):
            raw = data[f.name]
            if f.name == "signals":
                values[f.name] = _build(PageSignals, raw)
            elif f.name in _LISTS:
                if type(raw) is not list:
                    raise _Bad
                values[f.name] = [_build(_LISTS[f.name], v) for v in raw]
            else:
                values[f.name] = _value(hints[f.name], raw)
        return PageFacts(**values)
    except (_Bad, RecursionError):
        return None


def loads(blob) -> PageFacts | None:
    """PageFacts from the bytes of `dumps`; None for anything else (never raises)."""
    if not isinstance(blob, bytes | bytearray | memoryview):
        return None
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(bytes(blob), MAX_JSON + 1)
        if len(data) > MAX_JSON or inflater.unconsumed_tail or not inflater.eof:
            return None
        parsed = json.loads(data.decode("utf-8", "surrogatepass"))
    except (zlib.error, ValueError, RecursionError):
        return None
    return from_json(parsed)
