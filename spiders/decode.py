"""Turn a response body into text even when its charset is wrong or missing."""

from __future__ import annotations

from w3lib.encoding import html_to_unicode

_FALLBACKS = ("utf-8", "cp1252")


def body_text(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Return (text, encoding): declared/sniffed charset first, then the first clean fallback.

    A page declared as UTF-8 but written in windows-1252 decodes with replacement characters;
    in that case the body is tried strictly against the fallbacks.
    """
    encoding, text = html_to_unicode(content_type, body)
    if "\ufffd" in text:
        for candidate in _FALLBACKS:
            try:
                return body.decode(candidate), candidate
            except UnicodeDecodeError:
                continue
    return text, encoding
