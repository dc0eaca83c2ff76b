"""Two processes opening the same new PostgreSQL atlas at once (workers started together, or a
worker and a report) both get the schema, made once: `open_db` serialises schema creation and
upgrades with a PostgreSQL advisory lock (storage/db.py), whoever the caller is."""

from __future__ import annotations

import subprocess
import sys
import time

import pgserver
from helpers import ROOT
from sqlalchemy import create_engine, text

postgres = pgserver.postgres  # the private PostgreSQL fixture

# each process imports everything first, then waits for the same moment to open the atlas
OPEN_AT_ONCE = """
import sys, time
from storage.db import open_db, table_names
url, at = sys.argv[1], float(sys.argv[2])
time.sleep(max(0.0, at - time.time()))
engine, _ = open_db(url)
print(len(table_names(engine)))
"""


def test_two_processes_create_a_new_postgres_schema_at_once(postgres):
    for n in range(3):  # three fresh atlases: a race lost once would show
        url = pgserver.createdb(postgres, f"fresh_{n}")
        at = time.time() + 4  # after both have imported SQLAlchemy and Alembic
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_AT_ONCE, url, str(at)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [p.communicate(timeout=120) for p in procs]
        for proc, (_, err) in zip(procs, results, strict=True):
            assert proc.returncode == 0, err[-2000:]
        counts = {int(out.strip()) for out, _ in results}
        assert len(counts) == 1 and counts.pop() > 10  # both see the whole schema
        engine = create_engine(url)
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            assert len(list(versions)) == 1  # one revision row: the schema was made once
        engine.dispose()
