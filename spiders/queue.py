"""A shared, persistent portal queue in Redis: portals are claimed once, leased, acknowledged.

The unit of work is the portal (a seed), not the request: a portal's requests stay in the
claiming worker's own Scrapy scheduler, because the spider keeps per-portal state (budget, seen
URLs, verdict inputs). Keys under one job prefix (`SMMATLAS_QUEUE_KEY`, "smmatlas:portal"):

- `:pending`  list of JSON `{"seed": ..., "domain": ...}` waiting for a worker;
- `:seen`     set of domains ever queued in this job (a portal queued twice is crawled once);
- `:claims`   hash domain -> JSON `{"worker", "deadline", "item"}`: who crawls it, until when;
- `:done`     set of domains whose finished verdict is committed to the atlas;
- `:workers`  hash worker -> JSON `{"run", "deadline", "seen"}`: each worker's heartbeat (its
              run in the atlas, renewed with its leases);
- `:log`      list of JSON events (claim, ack, requeue, release, lost), for audits and tests.

Every change is one Lua script (atomic on the server, times from the server's clock, so
workers on several machines agree). A claim is never destructive: the portal lives in
`:claims` until its worker acknowledges it (after the atlas committed its verdict) or its lease
runs out (the worker died), when any worker puts it back on `:pending`. A worker whose heartbeat
ran out and whose portals went back is reaped by a survivor, who closes its run in the atlas as
`lost` (the pid of a run only says something on its own host; the queue is what all share). A
worker that finds a lease of its own taken by another drops that portal (no verdict, no more
requests: `PortalSpider.drop_portal`). scrapy-redis gives the
connection (`scrapy_redis.connection.get_redis`) and the idea of feeding the spider on
`spider_idle` (its RedisSpider pops requests destructively: a dead worker would lose them).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy_redis.connection import get_redis
from twisted.internet.task import LoopingCall

from config.errors import QueueError  # noqa: F401 - re-exported
from extract.domains import normalise_seed, registered_domain
from spiders.items import PortalItem

logger = logging.getLogger(__name__)

DEFAULT_KEY = "smmatlas:portal"
LOG_MAX = 100_000  # events kept in `:log`

# KEYS: pending seen claims done log workers; ARGV: worker lease now-override
_LUA_NOW = """
local function now()
  if ARGV[3] ~= nil and ARGV[3] ~= '' then return tonumber(ARGV[3]) end
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local function log(ev, domain, worker, t)
  redis.call('RPUSH', KEYS[5], cjson.encode({ev=ev, domain=domain, worker=worker, t=t}))
  redis.call('LTRIM', KEYS[5], -LOG_MAX, -1)
end
""".replace("LOG_MAX", str(LOG_MAX))

_CLAIM = (
    _LUA_NOW
    + """
local raw = redis.call('LPOP', KEYS[1])
if not raw then return false end
local item = cjson.decode(raw)
local t = now()
redis.call('HSET', KEYS[3], item.domain,
  cjson.encode({worker=ARGV[1], deadline=t + tonumber(ARGV[2]), item=raw}))
log('claim', item.domain, ARGV[1], t)
return raw
"""
)

_PUSH = (
    _LUA_NOW
    + """
local added = 0
for i = 4, #ARGV, 2 do
  if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    redis.call('RPUSH', KEYS[1], ARGV[i + 1])
    added = added + 1
  end
end
return added
"""
)

# the heartbeat of this worker (of run ARGV[4]) and the leases of ARGV[5..]; returns the domains
# this worker no longer holds
_RENEW = (
    _LUA_NOW
    + """
local lost = {}
local t = now()
redis.call('HSET', KEYS[6], ARGV[1],
  cjson.encode({run=ARGV[4], deadline=t + tonumber(ARGV[2]), seen=t}))
for i = 5, #ARGV do
  local raw = redis.call('HGET', KEYS[3], ARGV[i])
  local claim = raw and cjson.decode(raw)
  if claim and claim.worker == ARGV[1] then
    claim.deadline = t + tonumber(ARGV[2])
    redis.call('HSET', KEYS[3], ARGV[i], cjson.encode(claim))
  else
    table.insert(lost, ARGV[i])
  end
end
return lost
"""
)

_ACK = (
    _LUA_NOW
    + """
local raw = redis.call('HGET', KEYS[3], ARGV[4])
if not raw then return 0 end
local claim = cjson.decode(raw)
if claim.worker ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[3], ARGV[4])
redis.call('SADD', KEYS[4], ARGV[4])
log('ack', ARGV[4], ARGV[1], now())
return 1
"""
)

# back to the head of pending: this worker's claim ARGV[4] (a graceful stop)
_RELEASE = (
    _LUA_NOW
    + """
local raw = redis.call('HGET', KEYS[3], ARGV[4])
if not raw then return 0 end
local claim = cjson.decode(raw)
if claim.worker ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[3], ARGV[4])
redis.call('LPUSH', KEYS[1], claim.item)
log('release', ARGV[4], ARGV[1], now())
return 1
"""
)

# every claim whose lease ran out goes back to the head of pending
_REQUEUE = (
    _LUA_NOW
    + """
local t = now()
local n = 0
local all = redis.call('HGETALL', KEYS[3])
for i = 1, #all, 2 do
  local claim = cjson.decode(all[i + 1])
  if tonumber(claim.deadline) < t then
    redis.call('HDEL', KEYS[3], all[i])
    redis.call('LPUSH', KEYS[1], claim.item)
    log('requeue', all[i], claim.worker, t)
    n = n + 1
  end
end
return n
"""
)

# workers whose heartbeat ran out and who hold no claim any more (their leases ran out too and
# their portals went back): removed, and returned for their runs to be closed as lost
_REAP = (
    _LUA_NOW
    + """
local t = now()
local holders = {}
for _, raw in ipairs(redis.call('HVALS', KEYS[3])) do
  holders[cjson.decode(raw).worker] = true
end
local dead = {}
local all = redis.call('HGETALL', KEYS[6])
for i = 1, #all, 2 do
  local beat = cjson.decode(all[i + 1])
  if tonumber(beat.deadline) < t and not holders[all[i]] then
    redis.call('HDEL', KEYS[6], all[i])
    log('lost', '', all[i], t)
    table.insert(dead, cjson.encode({worker=all[i], run=beat.run, seen=beat.seen}))
  end
end
return dead
"""
)

# a job whose every portal is done (nothing pending, nothing claimed) starts afresh
_RESET_IF_OVER = (
    _LUA_NOW
    + """
if redis.call('LLEN', KEYS[1]) == 0 and redis.call('HLEN', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[2], KEYS[4])
  return 1
end
return 0
"""
)


def check_queue_url(url: str) -> str:
    """`redis://[user:pass@]HOST:PORT/N` (or rediss://); raises QueueError."""
    try:
        parts = urlsplit(url or "")
        port = parts.port
    except ValueError as exc:
        raise QueueError(f"--queue: not a Redis URL: {url!r} ({exc})") from exc
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise QueueError(
            f"--queue must be a redis://HOST:PORT/N URL, e.g. redis://127.0.0.1:6379/0: {url!r}"
        )
    db = parts.path.strip("/")
    if db and not db.isdigit():
        raise QueueError(f"--queue: the database number must be an integer: {url!r}")
    if port == 0:
        raise QueueError(f"--queue: bad port in {url!r}")
    return url


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class PortalQueue:
    """The job's keys on one Redis server; every method is one round trip."""

    def __init__(
        self, server, key: str = DEFAULT_KEY, lease: float = 60, worker: str | None = None
    ):
        self.server = server
        self.key = key
        self.lease = float(lease)
        self.worker = worker or worker_id()
        self.run: int | None = None  # this worker's run in the atlas, told with its heartbeat
        names = ("pending", "seen", "claims", "done", "log", "workers")
        self.keys = [f"{key}:{name}" for name in names]
        self._scripts = {
            name: server.register_script(source)
            for name, source in {
                "claim": _CLAIM, "push": _PUSH, "renew": _RENEW, "ack": _ACK,
                "release": _RELEASE, "requeue": _REQUEUE, "reset": _RESET_IF_OVER,
                "reap": _REAP,
            }.items()
        }  # fmt: skip

    @classmethod
    def from_url(
        cls, url: str, key: str = DEFAULT_KEY, lease: float = 60, worker: str | None = None
    ) -> PortalQueue:
        check_queue_url(url)
        server = get_redis(url=url, socket_connect_timeout=5, socket_timeout=30)
        queue = cls(server, key, lease, worker)
        queue.ping()
        return queue

    def ping(self) -> None:
        import redis

        try:
            self.server.ping()
        except redis.RedisError as exc:
            raise QueueError(f"the Redis queue does not answer: {exc}") from exc

    def _run(self, name: str, *args) -> object:
        return self._scripts[name](keys=self.keys, args=[self.worker, self.lease, "", *args])

    # --- the job ---------------------------------------------------------------------------
    def push(self, seeds: Iterable[str]) -> int:
        """Queue seeds (one portal per registrable domain, once per job); how many were new."""
        self._run("reset")
        args: list[str] = []
        for seed in seeds:
            domain = registered_domain(normalise_seed(seed)[0])
            args += [domain, json.dumps({"seed": seed, "domain": domain})]
        return int(self._run("push", *args)) if args else 0

    def claim(self) -> tuple[str, str] | None:
        """(domain, seed) of a pending portal, now leased to this worker; None if none."""
        raw = self._run("claim")
        if not raw:
            return None
        item = json.loads(raw)
        return item["domain"], item["seed"]

    def renew(self, domains: Iterable[str] = ()) -> list[str]:
        """This worker's heartbeat and its leases of `domains`; the domains it lost."""
        run = "" if self.run is None else str(self.run)
        lost = self._run("renew", run, *domains)
        return [d.decode() if isinstance(d, bytes) else d for d in lost]

    def register(self, run: int | None) -> None:
        """This worker (of `run` in the atlas) is alive: its first heartbeat."""
        self.run = run
        self.renew()

    def unregister(self) -> None:
        """This worker ended and closed its run itself."""
        self.server.hdel(self.keys[5], self.worker)

    def reap(self) -> list[dict]:
        """Workers gone silent whose portals went back: `{"worker", "run", "seen"}` each (run
        None if unknown; seen: the server time of its last heartbeat). Each is returned once,
        to one caller."""
        out = []
        for raw in self._run("reap"):
            dead = json.loads(raw)
            run = str(dead.get("run") or "")
            dead["run"] = int(run) if run.isdigit() else None
            out.append(dead)
        return out

    def ack(self, domain: str) -> bool:
        return bool(self._run("ack", domain))

    def release(self, domain: str) -> bool:
        return bool(self._run("release", domain))

    def requeue_expired(self) -> int:
        return int(self._run("requeue"))

    def counts(self) -> dict[str, int]:
        pipe = self.server.pipeline(transaction=False)
        pipe.llen(self.keys[0]).scard(self.keys[1]).hlen(self.keys[2]).scard(self.keys[3])
        pending, seen, claimed, done = pipe.execute()
        return {"pending": pending, "seen": seen, "claimed": claimed, "done": done}

    def others_claims(self) -> int:
        """Live claims held by other workers (expired ones are requeued first)."""
        return sum(
            1
            for raw in self.server.hvals(self.keys[2])
            if json.loads(raw).get("worker") != self.worker
        )

    def events(self) -> list[dict]:
        return [json.loads(raw) for raw in self.server.lrange(self.keys[4], 0, -1)]


class QueueFeeder:
    """Feeds a PortalSpider from a PortalQueue: claims portals when a window slot frees or the
    spider is idle, renews its leases on a heartbeat, acknowledges a portal once `confirmed`
    says the atlas holds its finished verdict, and lets the spider close only when the job has
    nothing left for anybody (after `idle` seconds of nothing to do)."""

    def __init__(
        self,
        crawler,
        queue: PortalQueue,
        idle: float = 10,
        confirmed: Callable[[list[str]], set[str]] | None = None,
        lost: Callable[[list[dict]], object] | None = None,
    ) -> None:
        self.crawler = crawler
        self.queue = queue
        self.idle = float(idle)
        self.confirmed = confirmed  # None: the portal item went through every pipeline
        self.lost = lost  # closes the runs of reaped workers (PortalQueue.reap) in the atlas
        self.held: set[str] = set()  # claimed by this worker, not yet acknowledged
        self.verdicts: set[str] = set()  # held portals whose verdict item went through
        self.idle_since: float | None = None
        self.heartbeat: LoopingCall | None = None  # made once the reactor runs
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_settings(cls, crawler) -> QueueFeeder:
        settings = crawler.settings
        queue = PortalQueue.from_url(
            settings.get("SMMATLAS_QUEUE"),
            key=settings.get("SMMATLAS_QUEUE_KEY") or DEFAULT_KEY,
            lease=settings.getfloat("SMMATLAS_QUEUE_LEASE", 60),
            worker=settings.get("SMMATLAS_QUEUE_WORKER") or None,
        )
        queue.run = settings.getint("SMMATLAS_RUN_ID") or None
        confirmed = settings.get("SMMATLAS_QUEUE_CONFIRM")  # set by `smmatlas crawl/worker`
        lost = settings.get("SMMATLAS_QUEUE_LOST")  # idem
        # a request of a portal this worker dropped is not fetched
        middlewares = "DOWNLOADER_MIDDLEWARES"
        crawler.settings.set_in_component_priority_dict(middlewares, DroppedPortals, 40)
        idle = settings.getfloat("SMMATLAS_QUEUE_IDLE", 10)
        return cls(crawler, queue, idle, confirmed, lost)

    # --- claims ----------------------------------------------------------------------------
    def claim(self) -> tuple[str, list[str]] | None:
        """(domain, entry URLs) of a portal now leased to this worker; None if none."""
        while (claimed := self.queue.claim()) is not None:
            domain, seed = claimed
            self.held.add(domain)
            self.crawler.stats.inc_value("smmatlas/queue/claimed")
            try:
                entry_urls = normalise_seed(seed)
            except ValueError as exc:  # the queue is shared: a bad entry is logged and dropped
                logger.error("queue entry %r is not a seed: %s", seed, exc)
                self.held.discard(domain)
                self.queue.ack(domain)
                continue
            if registered_domain(entry_urls[0]) != domain:
                logger.error("queue entry %r is not the portal %s", seed, domain)
                self.held.discard(domain)
                self.queue.ack(domain)
                continue
            return domain, entry_urls
        return None

    def item_scraped(self, item, response=None, spider=None) -> None:
        domain = _verdict_domain(item)
        if domain is not None and domain in self.held:
            self.verdicts.add(domain)
            self.settle()

    def settle(self) -> None:
        """Acknowledge the held portals whose finished verdict the atlas holds."""
        if not self.verdicts:
            return
        waiting = sorted(self.verdicts)
        done = set(waiting) if self.confirmed is None else self.confirmed(waiting)
        for domain in done & self.verdicts:
            self.verdicts.discard(domain)
            self.held.discard(domain)
            if self.queue.ack(domain):
                self.crawler.stats.inc_value("smmatlas/queue/acknowledged")
            else:
                logger.warning("%s: its lease had run out; another worker may crawl it", domain)

    def beat(self) -> None:
        try:
            lost = self.queue.renew(self.held)
            self.queue.requeue_expired()
            self.settle()
        except Exception as exc:  # a Redis hiccup: the next beat tries again
            logger.warning("queue heartbeat failed: %s", exc)
            return
        spider = getattr(self.crawler, "spider", None)
        for domain in lost:
            logger.warning("%s: lease lost (this worker stalled); another worker has it", domain)
            self.crawler.stats.inc_value("smmatlas/queue/lease_lost")
            self.held.discard(domain)
            self.verdicts.discard(domain)
            if spider is not None and spider.drop_portal(domain, "lease lost to another worker"):
                following = spider.next_portal_request()  # its window slot goes to the next
                if following is not None:
                    self.crawler.engine.crawl(following)
        self.reap()

    def reap(self) -> None:
        """Close the runs of workers that died (heartbeat out, portals back on the queue)."""
        try:
            dead = self.queue.reap()
            if dead and self.lost is not None:
                self.lost(dead)
        except Exception as exc:  # a reaped worker not yet closed: `smmatlas worker` tells
            logger.warning("could not close the runs of lost workers: %s", exc)
            return
        for gone in dead:
            logger.warning("worker %s (run %s) was lost", gone["worker"], gone["run"])
            self.crawler.stats.inc_value("smmatlas/queue/workers_lost")

    # --- the spider's life -----------------------------------------------------------------
    def spider_opened(self, spider) -> None:
        self.heartbeat = LoopingCall(self.beat)
        self.heartbeat.start(max(self.queue.lease / 3, 0.5), now=False)
        # connected now, after the item pipelines: their close writes the last verdicts first
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def spider_idle(self, spider) -> None:
        self.settle()
        self.queue.requeue_expired()
        opened = 0
        while opened < spider.window:
            request = spider.next_portal_request()
            if request is None:
                break
            self.crawler.engine.crawl(request)
            opened += 1
        if opened:
            self.idle_since = None
            raise DontCloseSpider
        counts = self.queue.counts()
        if counts["pending"] or self.queue.others_claims():
            self.idle_since = None  # others still work: their portals may come back
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle:
            raise DontCloseSpider
        if self.verdicts and now - self.idle_since < max(self.idle, self.queue.lease):
            raise DontCloseSpider  # verdicts still on their way to the atlas: ack them first

    def spider_closed(self, spider, reason: str) -> None:
        """After the pipeline's own close: acknowledge what it committed, give the rest back."""
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        try:
            self.settle()
            for domain in sorted(self.held):
                if self.queue.release(domain):
                    self.crawler.stats.inc_value("smmatlas/queue/released")
            self.held.clear()
            self.queue.requeue_expired()
            self.reap()
            for name, value in self.queue.counts().items():
                self.crawler.stats.set_value(f"smmatlas/queue/{name}", value)
        except Exception as exc:  # the leases run out: other workers take them
            logger.warning("could not give back this worker's portals: %s", exc)


def _verdict_domain(item) -> str | None:
    """The portal of a verdict item (spiders.items.PortalItem); None for any other item."""
    return item.domain if isinstance(item, PortalItem) else None


class DroppedPortals:
    """Downloader middleware (installed by QueueFeeder): a request of a portal this worker
    dropped (`PortalSpider.drop_portal`: its lease went to another worker) is not fetched; its
    errback ends it like any failed request, and the portal gets no verdict from this worker."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> DroppedPortals:
        return cls(crawler)

    def process_request(self, request):
        portals = getattr(self.crawler.spider, "portals", None) or {}
        state = portals.get(request.meta.get("portal"))
        if state is not None and getattr(state, "dropped", None):
            self.crawler.stats.inc_value("smmatlas/queue/dropped_requests")
            raise IgnoreRequest(f"{state.domain} was dropped: {state.dropped}")
        return None
