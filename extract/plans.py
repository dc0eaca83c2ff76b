"""Recognise subscription/plan prices ("$299/month") that are not engagement offers."""

from __future__ import annotations

import re
from functools import lru_cache

from config.vocab import load
from extract.text import words


@lru_cache(maxsize=1)
def _period_words() -> frozenset[str]:
    return frozenset(w for p in load("headers")["plans"]["period_words"] for w in words(p))


_PERIOD = re.compile(r"(/|\bper\b|\ba\b|\bpor\b|\bpro\b|\bза\b|\bin\b)\s*([^\W\d_]+)", re.I)


def is_period_price(text: str) -> bool:
    """True for a price quoted per period ("$299/month", "₹999 per mo", "49 €/ay")."""
    if not text:
        return False
    for m in _PERIOD.finditer(text):
        if any(w in _period_words() for w in words(m.group(2))):
            return True
    return False
