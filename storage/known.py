"""Pages already read: the stored facts of a capture whose body is fetched again unchanged.

The spider (spiders/portal.py) loads this class by name from the setting SMMATLAS_KNOWN_PAGES
(so spiders never import storage) and asks, before extracting a page, whether its body was read
before: `lookup(url, sha256_hex, role, currency_hint, context)` returns the facts stored with
the capture of that URL and body (one indexed query: captures is unique on (url, sha256))
when they were extracted by this extractor version (extract/serial.py) with the same role,
currency hint (any, for facts without offers: the hint only prices JSON offers) and reading
context (status and headers); else None, and the page is extracted
as usual.

Reads only, on an engine of its own on SMMATLAS_DB (SQLite in WAL mode lets it read while the
pipeline writes; its connections are `query_only`). A database that cannot answer (not created
yet, locked, gone) answers None: the page is extracted. What it reads back is untrusted:
extract.serial.loads checks every field, and facts that the sanity checks would change are not
reused.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, event, select
from sqlalchemy.exc import SQLAlchemyError

from extract.model import PageFacts
from extract.sanity import sane_facts
from extract.serial import extractor_version, loads
from storage.bulk import ANY_HINT
from storage.db import DatabaseError, default_url, make_engine
from storage.models import Capture, CaptureFacts

logger = logging.getLogger(__name__)


def _query_only(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.close()


class KnownPages:
    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self._engine: Engine | None = None
        self.version = extractor_version()
        self.hits = 0
        self.misses = 0
        self.failures = 0  # lookups the database could not answer, rows that did not load

    @classmethod
    def from_crawler(cls, crawler) -> KnownPages:
        from scrapy import signals

        known = cls(crawler.settings.get("SMMATLAS_DB"))
        crawler.signals.connect(known.close, signal=signals.spider_closed)
        return known

    @property
    def engine(self) -> Engine:
        """Made at the first lookup (the pipeline creates or upgrades the schema first)."""
        if self._engine is None:
            self._engine = make_engine(self.url)
            if self._engine.dialect.name == "sqlite":
                event.listen(self._engine, "connect", _query_only)
        return self._engine

    def lookup(
        self, url: str, sha256_hex: str, role: str, currency_hint: str | None, context: str = ""
    ) -> PageFacts | None:
        """The stored facts of this URL and body read with this role, hint and `context`
        (extract.serial.reading_context: status and headers), or None."""
        stmt = (
            select(CaptureFacts.facts)
            .join(Capture, Capture.id == CaptureFacts.capture_id)
            .where(
                Capture.url == url,
                Capture.sha256 == sha256_hex,
                CaptureFacts.version == self.version,
                CaptureFacts.role == role,
                CaptureFacts.currency_hint.in_((currency_hint or "", ANY_HINT)),
                CaptureFacts.context == context,
            )
        )
        try:
            with self.engine.connect() as conn:
                blob = conn.execute(stmt).scalar_one_or_none()
        except (SQLAlchemyError, DatabaseError) as exc:
            self.failures += 1
            logger.debug("stored facts of %s not read: %s", url, exc)
            return None
        if blob is None:
            self.misses += 1
            return None
        facts = loads(blob)
        if facts is None or facts.url != url or self._insane(facts):
            self.failures += 1
            logger.warning("stored facts of %s do not load: extracting the page again", url)
            return None
        self.hits += 1
        return facts

    @staticmethod
    def _insane(facts: PageFacts) -> bool:
        """Whether the sanity checks would drop anything (stored facts were sane when kept)."""
        before = (len(facts.offers), len(facts.payments), len(facts.contacts),
                  len(facts.identifiers), len(facts.errors))  # fmt: skip
        sane_facts(facts)
        after = (len(facts.offers), len(facts.payments), len(facts.contacts),
                 len(facts.identifiers), len(facts.errors))  # fmt: skip
        return before != after

    def close(self, *_args, **_kwargs) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
