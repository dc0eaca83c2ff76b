"""Text normalisation helpers shared by the catalogue extractors and the classifier."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")
_CAMEL = re.compile(r"(?<=[a-z]{2})(?=[A-Z])")
_DIGIT_ALPHA = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")

# Letters NFKC leaves alone: small capitals, negative circled/squared letters.
_SMALL_CAPS = "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡxʏᴢ"
_EXTRA = {ord(c): chr(ord("a") + i) for i, c in enumerate(_SMALL_CAPS) if c != "x"}
_EXTRA.update({ord("ғ"): "f", ord("ѕ"): "s", ord("ı"): "i", ord("ß"): "ss"})
for _base in (0x1F150, 0x1F170, 0x1F130, 0x1F110):  # enclosed letters
    _EXTRA.update({_base + i: chr(ord("a") + i) for i in range(26)})


def collapse_ws(text: str | None) -> str:
    """Collapse runs of whitespace (incl. NBSP) to one space and strip (as str.split does)."""
    if not text:
        return ""
    return " ".join(text.split())


def fold(text: str) -> str:
    """Lower-case, compatibility-normalised, accent-free form of `text` (𝐑𝗘𝗔𝗟 -> real).

    Short strings (names, headers, words) are cached; whole-page texts are not, so a long
    crawl does not keep every page it has read in memory.
    """
    return _fold_cached(text) if len(text) <= 512 else _fold(text)


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    return _fold(text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold(text: str) -> str:
    if text.isascii():  # the common case: nothing to normalise
        return text.lower()
    if len(text) > 512:  # whole pages: normalise only the non-ASCII runs
        return _NON_ASCII.sub(lambda m: _fold_run(m.group()), text).lower()
    return _fold_run(text)


def _fold_run(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_EXTRA).casefold()
    if text.isascii():
        return text
    stripped = _marks().sub("", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", stripped)


@lru_cache(maxsize=1)
def _marks() -> re.Pattern[str]:
    """One character class of every nonspacing mark (category Mn): a C-speed strip."""
    ranges, start, prev = [], None, None
    for cp in range(0x110000):
        if unicodedata.category(chr(cp)) == "Mn":
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
            start = None
    return re.compile("[" + "".join(ranges) + "]")


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    """Folded word tokens; digits/letters and camelCase split ("10kLikes" -> 10 k likes)."""
    text = _CAMEL.sub(" ", unicodedata.normalize("NFKC", text))
    return tuple(_WORD.findall(_DIGIT_ALPHA.sub(" ", fold(text))))


def squash(text: str) -> str:
    """Folded text with everything but letters and digits removed ("Min. order" -> "minorder")."""
    return "".join(_WORD.findall(fold(text)))
