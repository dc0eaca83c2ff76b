"""Map column-header text of any wording or language to a catalogue field.

Words are data: config/vocab/headers.toml.
"""

from __future__ import annotations

import re
from functools import lru_cache

from config.vocab import load
from extract.text import collapse_ws, fold, squash, words

FIELDS = ("id", "name", "category", "price", "min", "max", "minmax", "refill", "guarantee",
          "description", "ignore")  # fmt: skip


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, list[str]]]:
    fields = load("headers")["fields"]
    return {
        field: {
            kind: [squash(w) or w for w in fields[field].get(kind, [])]
            for kind in ("exact", "suffix", "contains")
        }
        for field in fields
    }


@lru_cache(maxsize=4096)
def header_field(text: str) -> str | None:
    """The field a header names ("bar_chart Rate per 1000" -> price), or None."""
    raw = collapse_ws(text)
    if raw in ("#", "№", "No.", "S.No", "Sr."):
        return "id"
    key = squash(raw)
    if not key or len(key) > 60:
        return None
    best: tuple[int, str] | None = None
    for field, kinds in _table().items():
        for word in kinds["exact"]:
            if key == word:
                return field
        for word in kinds["suffix"]:
            if word and key.endswith(word) and len(key) > len(word):
                score = 500 + len(word)
                if best is None or score > best[0]:
                    best = (score, field)
        for word in kinds["contains"]:
            if word and word in key:
                score = len(word)
                if best is None or score > best[0]:
                    best = (score, field)
    return best[1] if best else None


@lru_cache(maxsize=1)
def _refill_rules() -> tuple[re.Pattern[str], re.Pattern[str], list[re.Pattern[str]], set, set]:
    data = load("headers")["refill"]

    def phrases(items: list[str]) -> re.Pattern[str]:
        alts = sorted({" ".join(words(p)) for p in items if words(p)}, key=len, reverse=True)
        return re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, alts)) + r")(?!\S)")

    pats = [re.compile(p) for p in data.get("yes_patterns", [])]
    pats += [re.compile(re.escape(p)) for p in data["yes_phrases"] if not words(p)]
    cell_yes = {fold(w) for w in data["cell_yes"]}
    cell_no = {fold(w) for w in data["cell_no"]}
    return phrases(data["no_phrases"]), phrases(data["yes_phrases"]), pats, cell_yes, cell_no


@lru_cache(maxsize=65536)
def refill_from_name(name: str) -> bool | None:
    """True/False when a service name says it is (not) refilled, else None."""
    no, yes, pats, _, _ = _refill_rules()
    text = " ".join(words(name))
    if no.search(text):
        return False
    if yes.search(text) or any(p.search(name) for p in pats):
        return True
    return None


def refill_from_cell(text: str) -> bool | None:
    """A Refill/Guarantee cell: "Yes", "✓", "30 days" -> True; "No", "✗", "-" -> False."""
    _, _, _, cell_yes, cell_no = _refill_rules()
    value = fold(collapse_ws(text))
    if not value:
        return None
    if value in cell_no or refill_from_name(value) is False:
        return False
    if value in cell_yes or re.search(r"\d", value) or refill_from_name(value):
        return True
    return None
