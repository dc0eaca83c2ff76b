"""Spreadsheet-safe cells for every CSV and XLSX the atlas writes.

Portals are hostile: a service name, a contact or a payment account is text the portal chose.
A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` as a formula (and tab or
carriage return can smuggle one in), so, as OWASP's "CSV Injection" page recommends, such a
text cell gets a leading single quote: the spreadsheet shows the text and runs nothing. Numbers
stay numbers (a negative price is not text). Bidirectional override and isolate characters
(the "Trojan Source" set) can make a name read differently from what it is; they are made
visible as `[U+202E]`, as are C0 control characters other than tab, newline and carriage return
(which XLSX cannot hold). Every other character — Cyrillic, Devanagari, Arabic, emoji, Unicode
"bold" letters — is kept as is.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# LRE RLE PDF LRO RLO, LRI RLI FSI PDI; C0 controls except \t \n \r; DEL
_HIDDEN = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def visible(text: str) -> str:
    """Bidi overrides/isolates and control characters shown as [U+XXXX]; the rest untouched."""
    return _HIDDEN.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)


def safe_text(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula and that reads as it is."""
    text = visible(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell(value: Any) -> Any:
    """A cell for CSV/XLSX: text neutralised, numbers and booleans kept, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return safe_text(str(value))


def safe_row(values) -> list[Any]:
    return [safe_cell(v) for v in values]
