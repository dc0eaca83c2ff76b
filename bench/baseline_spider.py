"""Baseline for bench/bench_crawl.py: the same fetches with no extraction and no storage.

Follows every same-host link up to the same page budget per site, through the same proxy,
with the atlas's own Scrapy settings, and prints pages fetched. Run as a script (own reactor).
"""

from __future__ import annotations

import json
import sys
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings


class BaselineSpider(scrapy.Spider):
    name = "baseline"

    def __init__(self, urls: list[str], proxy: str, budget: int, **kw):
        super().__init__(**kw)
        self.urls, self.proxy, self.budget = urls, proxy, budget
        self.count: dict[str, int] = {}
        self.seen: set[str] = set()

    async def start(self):
        for url in self.urls:
            yield self._req(url)

    def _req(self, url: str) -> scrapy.Request:
        host = urlsplit(url).hostname
        self.count[host] = self.count.get(host, 0) + 1
        self.seen.add(url)
        meta = {"proxy": self.proxy, "handle_httpstatus_all": True}
        return scrapy.Request(url, meta=meta, dont_filter=True, errback=lambda f: None)

    def parse(self, response):
        if not isinstance(response, scrapy.http.TextResponse):
            return
        host = urlsplit(response.url).hostname
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href).split("#")[0]
            if urlsplit(url).hostname != host or url in self.seen:
                continue
            if self.count.get(host, 0) >= self.budget:
                return
            yield self._req(url)


def main() -> None:
    urls, proxy, budget = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    settings = get_project_settings()
    settings.setmodule("config.settings", priority="project")
    settings.setdict({"ITEM_PIPELINES": {}, "LOG_LEVEL": "WARNING"}, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BaselineSpider)
    process.crawl(crawler, urls=urls, proxy=proxy, budget=budget)
    process.start()
    print(json.dumps({"pages": crawler.stats.get_value("response_received_count", 0)}))


if __name__ == "__main__":
    main()
