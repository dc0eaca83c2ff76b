"""Scrapy item pipeline: page and portal items from spiders/portal.py into the atlas database.

Built by `from_crawler` from flat settings (SMMATLAS_DB, SMMATLAS_DATA_DIR, SMMATLAS_RUN_ID,
SMMATLAS_BATCH_SIZE). Commits in batches; portal items commit at once, so a killed crawl keeps
every finished portal and a rerun resumes after them (storage/runs.py).
"""

from __future__ import annotations

from pathlib import Path

from storage.db import data_dir, open_db
from storage.evidence import WarcStore
from storage.runs import close_run, open_run
from storage.writer import AtlasWriter


class SqlPipeline:
    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.engine, self.sessions = open_db(settings.get("SMMATLAS_DB"))
        self.batch_size = settings.getint("SMMATLAS_BATCH_SIZE", 300)
        run_id = settings.get("SMMATLAS_RUN_ID")
        self.own_run = run_id is None
        if self.own_run:  # `scrapy crawl portal`: the pipeline opens the run itself
            run_id, _, _ = open_run(self.sessions, [], {"via": "scrapy crawl"}, resume=False)
        self.run_id = int(run_id)
        folder = Path(settings.get("SMMATLAS_DATA_DIR") or data_dir()) / "warc"
        self.writer = AtlasWriter(self.sessions, WarcStore(folder, self.run_id), self.run_id)

    @classmethod
    def from_crawler(cls, crawler) -> SqlPipeline:
        return cls(crawler)

    def process_item(self, item):
        if item.get("type") == "portal":
            self.writer.add_portal(item)
            self.crawler.stats.inc_value("smmatlas/portals")
        else:
            self.writer.add_page(item)
            self.crawler.stats.inc_value("smmatlas/pages")
            if self.writer.pending >= self.batch_size:
                self.writer.commit()
        return item

    def close_spider(self) -> None:
        spider = self.crawler.spider
        for state in getattr(spider, "portals", {}).values():
            if not state.closed and state.scheduled:
                self.writer.add_portal(spider.portal_item(state))
        self.writer.close()
        if self.own_run:
            close_run(self.sessions, self.run_id, "finished", self.crawler.stats.get_stats())
        self.engine.dispose()
