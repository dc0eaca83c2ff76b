"""Classify a service name (and its category) into the contract platform and product.

Vocabularies are data: config/vocab/platforms.toml and config/vocab/products.toml. Matching is
on folded word tokens (extract.text.words), longest phrase first, earliest position wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from config.vocab import load
from extract.text import words

Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    pos: int
    end: int
    value: str
    phrase: Phrase


class PhraseIndex:
    """Whole-word phrase lookup: first token -> phrases starting with it, longest first."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self._by_first: dict[str, list[tuple[Phrase, str]]] = {}
        for value, phrases in table.items():
            for raw in phrases:
                toks = words(raw)
                if toks:
                    self._by_first.setdefault(toks[0], []).append((toks, value))
        for lst in self._by_first.values():
            lst.sort(key=lambda item: -len(item[0]))

    def scan(self, toks: Phrase) -> list[Hit]:
        """All non-overlapping hits, left to right, longest phrase at each position."""
        hits: list[Hit] = []
        i = 0
        while i < len(toks):
            for phrase, value in self._by_first.get(toks[i], ()):
                if toks[i : i + len(phrase)] == phrase:
                    hits.append(Hit(i, i + len(phrase), value, phrase))
                    i += len(phrase)
                    break
            else:
                i += 1
        return hits


@lru_cache(maxsize=1)
def _platforms() -> tuple[PhraseIndex, frozenset[Phrase], frozenset[str]]:
    data = load("platforms")
    table = {name: entry["aliases"] for name, entry in data["platforms"].items()}
    rules = data.get("rules", {})
    weak = frozenset(words(w) for w in rules.get("weak", []))
    referrers = frozenset(w for r in rules.get("referrer_words", []) for w in words(r))
    return PhraseIndex(table), weak, referrers


@lru_cache(maxsize=1)
def _products() -> tuple[PhraseIndex, frozenset[Phrase], dict, dict]:
    data = load("products")
    table = {name: entry["keywords"] for name, entry in data["products"].items()}
    rules = data.get("rules", {})
    table["__ignore__"] = rules.get("ignore", [])
    qualifiers = frozenset(words(w) for w in rules.get("qualifier_words", []))
    overrides = {(o["platform"], o["product"]): o["to"] for o in rules.get("platform_override", [])}
    return PhraseIndex(table), qualifiers, rules.get("platform_default", {}), overrides


def _product(toks: Phrase) -> str | None:
    index, qualifiers, _, _ = _products()
    hits = [h for h in index.scan(toks) if h.value != "__ignore__"]
    if not hits:
        return None
    first = hits[0]
    if first.phrase in qualifiers:
        later = [h for h in hits[1:] if h.phrase not in qualifiers and h.value != first.value]
        if later:
            return later[0].value
    return first.value


def _platform(toks: Phrase) -> tuple[str | None, bool, set[str]]:
    """(earliest platform, whether its alias is strong, all platforms named)."""
    index, weak, _ = _platforms()
    hits = index.scan(toks)
    if not hits:
        return None, False, set()
    strong = [h for h in hits if h.phrase not in weak]
    best = strong[0] if strong else hits[0]
    return best.value, best.phrase not in weak, {h.value for h in hits}


def _pick_platform(name_toks: Phrase, cat_toks: Phrase) -> str | None:
    """A strong platform word in the name wins; else a category naming one platform."""
    name_p, name_strong, name_all = _platform(name_toks)
    cat_p, _, cat_all = _platform(cat_toks)
    single = cat_p is not None and len(cat_all - {"website", "other"}) <= 1
    if single and cat_p in name_all:
        return cat_p
    if name_p and name_strong:
        return name_p
    if single and cat_p not in ("website", "other"):
        return cat_p
    return name_p or cat_p


@lru_cache(maxsize=131072)
def classify(name: str, category: str | None = None) -> tuple[str, str]:
    """Return (platform, product) in the contract vocabulary; "other" where unknown."""
    name_toks = words(name or "")
    cat_toks = words(category or "")
    product = _product(name_toks) or _product(cat_toks)
    platform = _pick_platform(name_toks, cat_toks)
    if product == "traffic" and platform not in ("app",):
        platform = "website"
    _, _, defaults, overrides = _products()
    if platform and product:
        product = overrides.get((platform, product), product)
    if platform and not product:
        product = defaults.get(platform)
    return platform or "other", product or "other"
