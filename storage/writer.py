"""Write crawl results into the atlas: evidence first, then idempotent upserts of facts.

`AtlasWriter` knows nothing of Scrapy (the pipeline in storage/pipelines.py feeds it), so tests,
imports and future queue workers can use it directly. Writes go through one session and are
committed in batches; every write is an upsert on a natural key, so replaying the same pages
(a rerun, or a resumed run after SIGKILL) changes `last_seen` and nothing else.

A page fetched again with the same body, whose facts the spider took from that capture's stored
facts (`extract.serial.ReadFacts.known`, storage/known.py), is not upserted again: its rows get
`last_seen` only (storage/bulk.py `touch_pages`). The facts of pages extracted afresh are stored
with their capture in the same commit.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from extract.model import PageFacts
from extract.sanity import sane_facts
from extract.serial import ReadFacts
from spiders.items import PageItem, PortalItem, ScreenshotItem
from storage.bulk import PageRows, write_pages
from storage.evidence import WarcStore, sha256, store_screenshot
from storage.models import (
    Capture,
    Portal,
    PortalCrawl,
)
from storage.runs import clean_request_headers, strip_credentials

DROP_HEADERS = {"content-length", "transfer-encoding", "content-encoding"}


def _insert(session: Session, model):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


class AtlasWriter:
    def __init__(self, sessions: sessionmaker[Session], warc: WarcStore | None, run_id: int | None):
        self.session = sessions()
        self.warc = warc
        self.run_id = run_id
        self._portal_ids: dict[str, int] = {}
        self.pending = 0
        self._facts: list[PageRows] = []  # pages whose facts wait for the batch's commit

    # --- portals ---------------------------------------------------------------------------
    def portal_id(self, domain: str, url: str, now: datetime) -> int:
        if domain in self._portal_ids:
            return self._portal_ids[domain]
        stmt = _insert(self.session, Portal).values(
            domain=domain, url=url, first_seen=now, last_seen=now, last_run_id=self.run_id
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["domain"], set_={"last_seen": now, "last_run_id": self.run_id}
        ).returning(Portal.id)
        pid = self.session.execute(stmt).scalar_one()
        self._portal_ids[domain] = pid
        return pid

    def add_portal(self, item: PortalItem, finished: bool = True) -> None:
        """The portal's verdict; `finished=False` (some of its pages were not stored, or the
        crawl stopped before its last request) leaves it for a resumed run to crawl again."""
        url = strip_credentials(item.url)  # no user:password@ at rest
        errors = [strip_credentials(e) for e in item.errors or []]
        now = datetime.now(UTC)
        pid = self.portal_id(item.domain, url, now)
        self.session.execute(
            update(Portal)
            .where(Portal.id == pid)
            .values(
                url=url,
                status=item.status,
                kind=item.kind,
                software=item.software,
                software_evidence=item.software_evidence,
                verdict_reasons=item.reasons,
                last_seen=now,
                last_run_id=self.run_id,
            )
        )
        if self.run_id is not None:
            values = {
                "status": item.status,
                "finished_at": now if finished else None,
                "pages": item.pages,
                "rendered_pages": item.rendered_pages,
                "offers": item.offers,
                "errors": errors,
            }
            stmt = _insert(self.session, PortalCrawl).values(
                run_id=self.run_id, portal_id=pid, **values
            )
            stmt = stmt.on_conflict_do_update(index_elements=["run_id", "portal_id"], set_=values)
            self.session.execute(stmt)
        self.commit()

    # --- pages -----------------------------------------------------------------------------
    def add_page(self, item: PageItem) -> int | None:
        """A fetched page: its capture now, its facts when the batch commits. What is stored
        is cleaned on a copy (the item is left as the spider made it)."""
        if not isinstance(item, PageItem):  # a screenshot has its own method: no page to store
            raise TypeError(f"add_page takes a PageItem, not {type(item).__name__}")
        item = replace(
            item,
            url=strip_credentials(item.url),  # no secrets in captures or the WARC
            request_headers=clean_request_headers(item.request_headers),
        )
        fetched_at = item.fetched_at
        pid = self.portal_id(item.domain, item.url, fetched_at)
        capture_id, digest, new = self._capture(pid, item)
        if item.screenshot:
            self._screenshot(capture_id, item.screenshot, fetched_at)
        facts: PageFacts = item.facts
        # the stored facts of this very body: its rows are touched, not written again
        known = not new and isinstance(facts, ReadFacts) and facts.known
        if not known:
            facts = sane_facts(facts)  # idempotent: workers already did it
        # offers, observations, leads and sightings are written in bulk when the batch commits
        page = PageRows(pid, capture_id, facts, fetched_at, item.domain, digest, known=known)
        self._facts.append(page)
        self.pending += 1
        return capture_id

    def _capture(self, pid: int, item: PageItem) -> tuple[int, str, bool]:
        """The capture of this page's body: a new response record the first time this body is
        seen at this URL, else a revisit record (no body) on the capture that holds it.
        Returns (capture ID, SHA-256 of the body, whether the capture is new)."""
        body: bytes = item.body
        digest = sha256(body)
        now: datetime = item.fetched_at
        ip = item.ip_address
        headers = [(k, v) for k, v in item.headers if k.lower() not in DROP_HEADERS]
        request_headers = item.request_headers
        existing = self.session.execute(
            select(Capture.id, Capture.fetched_at, Capture.warc_record_id).where(
                Capture.url == item.url, Capture.sha256 == digest
            )
        ).one_or_none()
        if existing is not None:
            values: dict[str, Any] = {"last_fetched_at": now}
            if self.warc is not None:
                written = self.warc.revisit(
                    item.url, item.status, headers, digest, now,
                    refers_to_date=existing.fetched_at, refers_to_id=existing.warc_record_id,
                    ip=ip, request_headers=request_headers,
                )  # fmt: skip
                values.update(
                    last_warc_file=self.warc.stored_path,
                    last_warc_offset=written.offset,
                    revisits=Capture.revisits + 1,
                )
            self.session.execute(update(Capture).where(Capture.id == existing.id).values(values))
            return existing.id, digest, False
        written = None
        if self.warc is not None:
            written = self.warc.write(
                item.url, item.status, headers, body, now,
                rendered=item.rendered, ip=ip, request_headers=request_headers,
            )  # fmt: skip
        ctype = next((v for k, v in headers if k.lower() == "content-type"), None)
        stored = self.warc.stored_path if self.warc else None
        values = dict(
            portal_id=pid,
            url=item.url,
            sha256=digest,
            http_status=item.status,
            content_type=ctype,
            headers={k.lower(): v for k, v in reversed(headers)},  # first value of each name
            length=len(body),
            rendered=item.rendered,
            fetched_at=now,
            last_fetched_at=now,
            run_id=self.run_id,
            warc_file=stored,
            warc_offset=written.offset if written else None,
            warc_record_id=written.record_id if written else None,
            last_warc_file=stored,
            last_warc_offset=written.offset if written else None,
            ip_address=ip,
            revisits=0,
        )
        # another worker on the same queue may store the same body at the same URL at this very
        # moment (a portal whose lease ran out): the first capture wins, this fetch touches it
        stmt = _insert(self.session, Capture).values(**values)
        stmt = stmt.on_conflict_do_nothing(index_elements=["url", "sha256"]).returning(Capture.id)
        capture_id = self.session.execute(stmt).scalar_one_or_none()
        if capture_id is None:
            self.session.execute(
                update(Capture)
                .where(Capture.url == item.url, Capture.sha256 == digest)
                .values(last_fetched_at=now)
            )
            capture_id = self.session.execute(
                select(Capture.id).where(Capture.url == item.url, Capture.sha256 == digest)
            ).scalar_one()
            return capture_id, digest, False
        return capture_id, digest, True

    def add_screenshot(self, item: ScreenshotItem) -> int | None:
        """A screenshot of a page captured before (`url` and its body's `sha256`)."""
        url = strip_credentials(item.url)  # as the capture's URL was stored
        capture_id = self.session.execute(
            select(Capture.id).where(Capture.url == url, Capture.sha256 == item.sha256)
        ).scalar_one_or_none()
        if capture_id is not None:
            self._screenshot(capture_id, item.png, item.taken_at)
        return capture_id

    def _screenshot(self, capture_id: int, png: bytes, taken_at: datetime) -> None:
        """Keep a PNG under the data folder (named by its SHA-256) for a capture that has none
        yet: the first screenshot of a body stays its evidence."""
        if self.warc is None:
            return
        has = self.session.execute(
            select(Capture.screenshot).where(Capture.id == capture_id)
        ).scalar_one_or_none()
        if has:
            return
        digest, stored = store_screenshot(self.warc.data_root, png)
        self.session.execute(
            update(Capture)
            .where(Capture.id == capture_id)
            .values(screenshot=stored, screenshot_sha256=digest, screenshot_at=taken_at)
        )

    # --- transactions ----------------------------------------------------------------------
    def commit(self) -> None:
        pages, self._facts = self._facts, []
        write_pages(self.session, self.run_id, pages)
        self.session.commit()
        self.pending = 0

    def rollback(self) -> None:
        """Drop everything not yet committed (after a failed write); portal IDs learnt in the
        dropped transaction are forgotten too."""
        self._facts.clear()
        self.session.rollback()
        self._portal_ids.clear()
        self.pending = 0

    def close(self) -> None:
        self.commit()
        self.session.close()
        if self.warc is not None:
            self.warc.close()
