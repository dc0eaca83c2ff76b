"""The shared portal queue's edge cases on a real redis-server (no crawl): a worker whose lease
was taken by another drops the portal (no verdict, its requests not fetched); a dead worker is
reaped once its portals went back, and its run is closed as `lost` with the atlas's counts."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_reactor_settings
from sqlalchemy import select
from test_scaleout import redis_url  # noqa: F401 - the real redis-server fixture
from twisted.python.failure import Failure

from spiders.items import PortalItem
from spiders.portal import PortalSpider
from spiders.queue import DroppedPortals, PortalQueue
from storage.db import open_db
from storage.models import Capture, CrawlRun, Portal, PortalCrawl
from storage.runs import close_lost_runs, open_run


class Engine:
    """The engine as the feeder sees it: requests handed to it are kept."""

    def __init__(self) -> None:
        self.requests = []

    def crawl(self, request) -> None:
        self.requests.append(request)


def claims(queue: PortalQueue) -> dict[str, str]:
    held = queue.server.hgetall(queue.keys[2]).items()
    return {k.decode(): json.loads(v)["worker"] for k, v in held}


@pytest.fixture
def worker(redis_url):  # noqa: F811
    """A PortalSpider fed from the queue of db 3 (worker "A"), as `smmatlas worker` builds it."""
    url = f"{redis_url}/3"
    settings = {
        **get_reactor_settings(),
        "SMMATLAS_QUEUE": url,
        "SMMATLAS_QUEUE_WORKER": "A",
        "SMMATLAS_QUEUE_LEASE": 30,
        "SMMATLAS_RUN_ID": 5,
        "SMMATLAS_EXTRACT_WORKERS": 0,
        "TELNETCONSOLE_ENABLED": False,
    }
    crawler = Crawler(PortalSpider, settings)
    crawler.spider = crawler._create_spider()  # the order of Crawler.crawl: spider, settings
    crawler._apply_settings()
    crawler.engine = Engine()
    feeder = crawler.spider.queue
    feeder.queue.server.flushdb()
    feeder.queue.push(["http://one.test/", "http://two.test/", "http://three.test/"])
    yield crawler, feeder, PortalQueue.from_url(url, worker="B", lease=30)
    feeder.queue.server.flushdb()


def test_a_worker_whose_lease_was_taken_drops_the_portal(worker):
    crawler, feeder, other = worker
    spider = crawler.spider
    entry = spider.next_portal_request()  # worker A claims one.test and would fetch its entry
    assert entry.meta["portal"] == "one.test" and claims(other) == {"one.test": "A"}
    # A stalls past its lease: its claim runs out and worker B takes the portal
    raw = json.loads(other.server.hget(other.keys[2], "one.test"))
    other.server.hset(other.keys[2], "one.test", json.dumps({**raw, "deadline": 0}))
    assert other.requeue_expired() == 1 and other.claim() == ("one.test", "http://one.test/")

    feeder.beat()  # A's heartbeat finds the lease lost

    state = spider.portals["one.test"]
    assert state.closed and state.dropped
    assert "one.test" not in feeder.held
    # its slot goes to the next portal of the queue
    assert [r.meta["portal"] for r in crawler.engine.requests] == ["two.test"]
    assert claims(other) == {"one.test": "B", "two.test": "A"}
    # its requests are not fetched any more; the next portal's are
    guard = DroppedPortals.from_crawler(crawler)
    with pytest.raises(IgnoreRequest, match="one.test was dropped"):
        guard.process_request(entry)
    assert guard.process_request(crawler.engine.requests[0]) is None
    # the errback of the refused request ends it without a verdict, now or at the end
    entry_failure = Failure(IgnoreRequest("dropped"))
    entry_failure.request = entry
    assert not [x for x in spider.on_error(entry_failure) if isinstance(x, PortalItem)]
    assert [i.domain for i in spider.open_portal_items()] == ["two.test"]
    # A never acknowledges it; B's claim stands
    assert not feeder.queue.ack("one.test") and claims(other)["one.test"] == "B"
    assert crawler.stats.get_value("smmatlas/queue/lease_lost") == 1
    assert not spider.drop_portal("one.test", "again")  # dropped once
    # a verdict of a portal A still holds is acknowledged as before (typed item)
    feeder.item_scraped(PortalItem(domain="two.test", url="http://two.test/", status="active"))
    assert "two.test" not in claims(other) and other.counts()["done"] == 1


def test_a_dead_worker_is_reaped_once_after_its_portals_went_back(redis_url):  # noqa: F811
    url = f"{redis_url}/4"
    dead = PortalQueue.from_url(url, worker="dead", lease=1)
    dead.server.flushdb()
    alive = PortalQueue.from_url(url, worker="alive", lease=30)
    dead.push(["http://one.test/", "http://two.test/"])
    dead.register(7)
    alive.register(8)
    assert dead.claim()[0] == "one.test"
    time.sleep(1.2)  # the dead worker's heartbeat and lease run out
    alive.renew()
    assert alive.reap() == []  # it still holds a claim: its portal has not gone back yet
    assert alive.requeue_expired() == 1
    (gone,) = alive.reap()
    assert (gone["worker"], gone["run"]) == ("dead", 7)
    assert abs(gone["seen"] - time.time()) < 5
    assert alive.reap() == []  # reaped once, by one survivor
    assert [e["ev"] for e in alive.events()] == ["claim", "requeue", "lost"]
    alive.unregister()
    assert dead.server.hlen(dead.keys[5]) == 0
    dead.server.flushdb()


def test_the_run_of_a_lost_worker_is_closed_with_the_atlas_counts(tmp_path):
    engine, sessions = open_db(f"sqlite:///{tmp_path / 'a.db'}")
    run, _, _ = open_run(sessions, ["queue q"], {"worker": "h:1:a"}, resume=False)
    other, _, _ = open_run(sessions, ["queue q"], {"worker": "h:2:b"}, resume=False)
    now = datetime.now(UTC)
    with sessions() as s:  # run `run` stored 3 pages of 2 portals and finished one of them
        portals = [
            Portal(domain=d, url=f"http://{d}/", first_seen=now, last_seen=now)
            for d in ("a.test", "b.test")
        ]
        s.add_all(portals)
        s.flush()
        s.add(PortalCrawl(run_id=run, portal_id=portals[0].id, finished_at=now))
        s.add(PortalCrawl(run_id=run, portal_id=portals[1].id))
        for n in range(3):
            s.add(
                Capture(
                    run_id=run, portal_id=portals[0].id, url=f"http://a.test/{n}",
                    http_status=200, fetched_at=now, last_fetched_at=now,
                    sha256=str(n) * 64, length=10,
                )
            )  # fmt: skip
        s.commit()
    seen = now.timestamp()  # its last heartbeat, after its run started
    lost = [
        {"worker": "h:1:a", "run": run, "seen": seen},
        {"worker": "h:9:z", "run": other, "seen": seen},  # not that run's worker: untouched
        {"worker": "h:3:c", "run": None, "seen": seen},  # a worker without a run
    ]
    assert close_lost_runs(sessions, lost) == [run]
    assert close_lost_runs(sessions, lost) == []  # closed once
    with sessions() as s:
        closed, untouched = (s.get(CrawlRun, r) for r in (run, other))
        assert closed.status == "lost" and untouched.status == "running"
        finished_at = closed.finished_at.replace(tzinfo=UTC)
        assert abs(finished_at.timestamp() - seen) < 1  # when it was last heard of
        assert closed.counts["smmatlas/portals"] == 1
        assert closed.counts["smmatlas/portals_begun"] == 2
        assert closed.counts["smmatlas/pages"] == 3
        assert "lost: worker h:1:a" in closed.outcome
        assert s.execute(select(CrawlRun.status).order_by(CrawlRun.id)).scalars().all() == [
            "lost",
            "running",
        ]
    engine.dispose()
