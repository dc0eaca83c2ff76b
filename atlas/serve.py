"""`smmatlas serve` (Datasette on the atlas) and `smmatlas snapshot` (an SQLite copy).

Datasette reads SQLite files. An atlas kept in PostgreSQL is served through a snapshot:
`smmatlas snapshot --db postgresql+psycopg://... -o atlas.db`, then
`smmatlas serve --db sqlite:///atlas.db`.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import JSON, MetaData, Table, Text, cast, delete, insert, select
from sqlalchemy.engine import make_url

from atlas.datasette import metadata
from config.errors import ServeError  # noqa: F401 - re-exported
from storage.db import open_db


def sqlite_file(url: str | None) -> Path:
    from storage.db import default_url

    parsed = make_url(url or default_url())
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        raise ServeError(
            "Datasette serves SQLite files; for this database first write a copy with "
            "`smmatlas snapshot --db URL -o atlas.db`, then `smmatlas serve --db sqlite:///atlas.db`"
        )
    return Path(parsed.database)


def datasette_command(path: Path, meta: Path, host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "datasette", "serve", str(path), "--metadata", str(meta),
        "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", "5000",
        "--setting", "allow_download", "off",
    ]  # fmt: skip


def serve(url: str | None, host: str = "127.0.0.1", port: int = 8001) -> int:
    path = sqlite_file(url)
    if not path.exists():
        raise ServeError(f"no atlas at {path}: run `smmatlas crawl` or pass --db")
    engine, _ = open_db(f"sqlite:///{path}")  # upgrade: the views and rates exist
    engine.dispose()
    with tempfile.TemporaryDirectory(prefix="smmatlas-serve-") as folder:
        meta = Path(folder) / "metadata.json"
        meta.write_text(json.dumps(metadata(path.stem), indent=1), encoding="utf-8")
        print(f"serving {path} on http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr)
        return _run_until_stopped(datasette_command(path, meta, host, port))


def _run_until_stopped(cmd: list[str]) -> int:
    """Run Datasette; stopping this command (SIGTERM, Ctrl-C) stops it too, never orphaned."""
    proc = subprocess.Popen(cmd)
    previous = signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _as_text(table: Table) -> Table:
    """The table with its JSON columns as text, so JSON is copied byte for byte (SQL NULL
    stays NULL, the JSON text 'null' stays 'null')."""
    copy = table.to_metadata(MetaData())
    for column in copy.columns:
        if isinstance(column.type, JSON):
            column.type = Text()
    return copy


def snapshot(url: str | None, output: Path, force: bool = False) -> dict[str, int]:
    """Copy every table of the atlas at `url` into a new SQLite file (schema at head)."""
    from storage.models import Base, ExchangeRate

    output = Path(output)
    if output.exists():
        if not force:
            raise ServeError(f"{output} exists (use --force to replace it)")
        output.unlink()
    src, src_sessions = open_db(url)
    dst, _ = open_db(f"sqlite:///{output}")
    counts: dict[str, int] = {}
    try:
        with src.connect() as read, dst.begin() as write:
            write.execute(delete(ExchangeRate.__table__))  # the source's own rates are copied
            for table in Base.metadata.sorted_tables:
                target = _as_text(table)
                columns = [
                    cast(t, Text).label(t.name) if isinstance(c.type, JSON) else t
                    for c, t in zip(table.columns, target.columns, strict=True)
                ]
                rows = [dict(r) for r in read.execute(select(*columns)).mappings()]
                for i in range(0, len(rows), 1000):
                    write.execute(insert(target), rows[i : i + 1000])
                counts[table.name] = len(rows)
    finally:
        src.dispose()
        dst.dispose()
    return counts
