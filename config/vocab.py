"""Load the vocabularies kept as data in config/vocab/*.toml.

Adding a payment gateway, a platform alias or a software fingerprint is one entry in one TOML
file; code reads them through `load(name)` and never hard-codes the lists.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from config.errors import VocabularyError  # noqa: F401 - re-exported

VOCAB_DIR = Path(__file__).with_name("vocab")


@cache
def load(name: str) -> dict:
    """Return the parsed TOML vocabulary `name` (file config/vocab/<name>.toml), cached."""
    path = VOCAB_DIR / f"{name}.toml"
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise VocabularyError(f"no vocabulary {name!r} at {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError(f"vocabulary {path} is not valid TOML: {exc}") from exc
