"""Turn a response body into text even when its charset is wrong or missing."""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, html_to_unicode

_FALLBACKS = ("utf-8", "cp1252")
_SNIFF_BYTES = 256 * 1024  # what the detector reads of a large body (the decode checks it all)
# single-byte Western/Central European guesses the detector confuses on short texts: a
# mislabelled Western page is windows-1252 far more often (the web's own default)
_LATIN_GUESSES = {
    "cp1250",
    "iso8859-2",
    "iso8859-1",
    "iso8859-15",
    "cp1252",
    "mac-roman",
    "mac-latin2",
}


def body_text(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Return (text, encoding): the declared/sniffed charset when the bytes agree with it,
    else the charset the bytes themselves show.

    A label that lies (a Shift-JIS page served as UTF-8, windows-1252 served as UTF-8) decodes
    with replacement characters; then the body's own `<meta charset>`, a statistical detector
    (charset-normalizer) and the fallbacks are tried, each strictly, and the first that decodes
    the whole body wins. A body no candidate decodes keeps the label's decoding.
    """
    encoding, text = html_to_unicode(content_type, body)
    if "\ufffd" not in text or _decodes(body, encoding):
        return text, encoding
    for candidate in _candidates(body):
        if candidate and _norm(candidate) != _norm(encoding) and _decodes(body, candidate):
            return body.decode(candidate), _norm(candidate)
    return text, encoding


def _candidates(body: bytes) -> list[str | None]:
    return [html_body_declared_encoding(body), _detected(body), *_FALLBACKS]


def _detected(body: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - pinned in requirements.txt
        return None
    best = from_bytes(body[:_SNIFF_BYTES]).best()
    if best is None:
        return None
    if _norm(best.encoding) not in _LATIN_GUESSES:
        return best.encoding
    # Turkish (windows-1254) differs from windows-1252 in six letters that are rare elsewhere
    western = body.decode("cp1252", errors="replace")
    return "cp1254" if any(ch in western for ch in "ÐÝÞðýþ") else "cp1252"


def _norm(name: str | None) -> str:
    try:
        return codecs.lookup(name or "").name
    except LookupError:
        return (name or "").lower()


def _decodes(body: bytes, encoding: str | None) -> bool:
    try:
        body.decode(encoding or "")
    except (UnicodeDecodeError, LookupError):
        return False
    return True
