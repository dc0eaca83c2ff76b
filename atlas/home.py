"""The data home: where the atlas keeps its database and evidence when no path is given.

In order: `$SMMATLAS_DATA` (the data folder itself, as before), `$SMMATLAS_HOME`, else the
per-user data directory (XDG: `$XDG_DATA_HOME/smmatlas`, i.e. `~/.local/share/smmatlas`).
Never the current directory: a cron job or a systemd unit runs from `/` or `$HOME`, and a
database that silently appears there is a trap. The database is `<home>/atlas.db` unless
`--db` or `$SMMATLAS_DB` names another; evidence goes to `<home>/warc/`.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir


def data_home() -> Path:
    for name in ("SMMATLAS_DATA", "SMMATLAS_HOME"):
        value = os.environ.get(name, "").strip()
        if value:
            return Path(value).expanduser()
    return Path(user_data_dir("smmatlas", appauthor=False))


def use_data_home() -> Path:
    """Make the data home the default of every command (storage reads $SMMATLAS_DATA)."""
    home = data_home()
    os.environ["SMMATLAS_DATA"] = str(home)
    return home


def require_existing(url: str | None) -> None:
    """A SQLite atlas named with --db must exist (a typo must not create an empty one)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from storage.db import DatabaseError

    if not url:
        return
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r} (e.g. sqlite:///data/atlas.db)") from exc
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    if not Path(parsed.database).is_file():
        from atlas.cli import UserError  # bad input: exit 2

        raise UserError(
            f"no atlas at {parsed.database} (a typo?); `smmatlas db --db {url}` or --create "
            "creates a new one"
        )
