"""The portal spider: one seed -> one portal; stays on the site, follows the pages that matter.

For each portal it fetches the entry page, follows same-site links by role (services and their
pagination first, then pricing, API docs, payment, contact, FAQ, terms) up to a page budget,
renders a page in the browser only when its plain fetch lacks what it promises
(`SMMATLAS_RENDER=auto`), fetches the favicon, and yields a `page` item per fetched page and a
`portal` item when the portal's last request is done (typed: spiders/items.py).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from config.signals import open_portals
from extract.domains import normalise_seed, registered_domain
from extract.favicon import favicon_mmh3
from extract.links import link_role
from extract.model import Identifier, PageFacts, SoftwareHint
from extract.portal import PageVerdictInput, portal_verdict
from extract.routes import routes_from_script
from extract.serial import ReadFacts, reading_context
from extract.software import portal_software
from spiders import render, screenshots, wayin
from spiders.decode import body_text
from spiders.harvest import Harvest, harvest
from spiders.items import PageItem, PortalItem
from spiders.workers import Extractor, default_workers

ROLE_PRIORITY = {
    "services": 100,
    "next_page": 95,
    "pricing": 90,
    "shop_json": 85,
    "api": 60,
    "app_script": 55,
    "payment": 60,
    "contact": 40,
    "faq": 30,
    "terms": 20,
    "signup": 10,
}
NEVER_RENDERED = frozenset({"favicon", "robots", "sitemap", "shop_json", "app_script"})
UNREACHABLE_STATUSES = {502, 504, 521, 522, 523, 524, 530}


@dataclass
class PortalState:
    domain: str
    entry_urls: list[str]
    pending: int = 0
    scheduled: int = 0
    seen: set[str] = field(default_factory=set)
    pages: list[PageVerdictInput] = field(default_factory=list)
    rendered_pages: int = 0  # pages loaded in the browser
    fetched: int = 0  # responses received (plain and rendered)
    offers: int = 0
    software: list[SoftwareHint] = field(default_factory=list)
    software_evidence: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    entry_url: str | None = None
    entry_error: str | None = None
    favicon_done: bool = False
    robots_done: bool = False
    probed: bool = False
    sitemaps: int = 0
    roles_found: set[str] = field(default_factory=set)
    currencies: Counter = field(default_factory=Counter)
    entry_digest: bytes | None = None
    offsite: list[str] = field(default_factory=list)  # redirect targets on other domains
    closed: bool = False
    dropped: str | None = None  # why this worker gave the portal up (drop_portal)


def release(state: PortalState) -> None:
    """Drop what a closed portal's state holds (URLs seen, verdict inputs, hints): thousands of
    portals in one run keep only their small closed shells."""
    state.seen = set()
    state.pages = []
    state.software = []
    state.software_evidence = []
    state.errors = []
    state.roles_found = set()
    state.offsite = []


def _headers(response: Response) -> list[tuple[str, str]]:
    out = []
    for key, values in response.headers.items():
        for value in values:
            out.append((key.decode("latin-1"), value.decode("latin-1")))
    return out


def _request_headers(response: Response) -> list[tuple[str, str]]:
    return [
        (k.decode("latin-1"), v.decode("latin-1"))
        for k, values in response.request.headers.items()
        for v in values
    ]


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, urls: str | Iterable[str] = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        seeds = urls.split(",") if isinstance(urls, str) else list(urls)
        self.portals: dict[str, PortalState] = {}
        self.waiting: deque[PortalState] = deque()
        self.extractor = Extractor(0)  # from_crawler sets the configured pool
        self.window = 16
        self.queue = None  # spiders/queue.py QueueFeeder: portals claimed from a shared queue
        self.known = None  # SMMATLAS_KNOWN_PAGES: stored facts of bodies read before
        for seed in filter(None, (s.strip() for s in seeds)):
            entry_urls = normalise_seed(seed)
            domain = registered_domain(entry_urls[0])
            self.portals.setdefault(domain, PortalState(domain, entry_urls))

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        render.configure(crawler.settings)
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.open_portal_items, signal=open_portals)
        settings = crawler.settings
        spider.render_mode = settings.get("SMMATLAS_RENDER", "auto")
        spider.proxy = settings.get("SMMATLAS_PROXY")
        spider.budget = settings.getint("SMMATLAS_PAGE_BUDGET", 40)
        spider.window = max(1, settings.getint("SMMATLAS_CONCURRENT_PORTALS", 16))
        workers = settings.get("SMMATLAS_EXTRACT_WORKERS")
        timeout = settings.get("SMMATLAS_EXTRACT_TIMEOUT")
        spider.extractor = Extractor(
            default_workers(browser=screenshots.plan(spider).enabled)
            if workers is None
            else int(workers),
            timeout=None if timeout is None else float(timeout),
        )
        if settings.get("SMMATLAS_KNOWN_PAGES"):  # by name: spiders never import storage
            from scrapy.utils.misc import build_from_crawler, load_object

            known = load_object(settings.get("SMMATLAS_KNOWN_PAGES"))
            spider.known = build_from_crawler(known, crawler)
        skip = set(settings.getlist("SMMATLAS_SKIP_DOMAINS"))
        for domain in skip:
            spider.portals.pop(domain, None)
        if settings.get("SMMATLAS_QUEUE"):  # `smmatlas crawl --queue` / `smmatlas worker`
            from spiders.queue import QueueFeeder

            spider.queue = QueueFeeder.from_settings(crawler)
        return spider

    # --- requests ------------------------------------------------------------------------
    async def start(self):
        """Open `SMMATLAS_CONCURRENT_PORTALS` portals; each one that ends opens the next, so
        portals finish (and are committed) one after another and memory stays flat."""
        self.waiting = deque(self.portals.values())
        for _ in range(self.window):
            request = self.next_portal_request()
            if request is None:
                break
            yield request

    def next_portal_request(self) -> scrapy.Request | None:
        """The entry request of the next portal: a seed of this crawl, else one claimed from
        the shared queue (`self.queue`); None when there is none now."""
        if self.waiting:
            state = self.waiting.popleft()
        else:
            claimed = self.queue.claim() if self.queue is not None else None
            if claimed is None:
                return None
            domain, entry_urls = claimed
            state = self.portals[domain] = PortalState(domain, entry_urls)
        return self._request(state, state.entry_urls[0], role="entry")

    def _request(
        self, state: PortalState, url: str, role: str, rendered: bool = False, **meta: Any
    ) -> scrapy.Request:
        state.pending += 1
        state.scheduled += 1
        state.seen.add(url)
        meta.update({"portal": state.domain, "role": role, "handle_httpstatus_all": True})
        if self.proxy:
            meta["proxy"] = self.proxy
        if rendered or (self.render_mode == "always" and role not in NEVER_RENDERED):
            meta.update(render.render_meta(harvest=True))
        callback = {
            "favicon": self.parse_favicon,
            "robots": self.parse_robots,
            "sitemap": self.parse_sitemap,
            "app_script": self.parse_app_script,
        }.get(role, self.parse_page)
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            meta=meta,
            priority=ROLE_PRIORITY.get(role, 0) + (200 if role == "entry" else 0),
            dont_filter=True,
        )

    def _finish(self, state: PortalState) -> Iterator[PortalItem | scrapy.Request]:
        state.pending -= 1
        if state.pending <= 0 and not state.closed:
            yield self.portal_item(state)
            following = self.next_portal_request()
            if following is not None:
                yield following

    # --- callbacks -----------------------------------------------------------------------
    async def parse_page(self, response: Response):
        state = self.portals[response.meta["portal"]]
        state.fetched += 1
        role = response.meta["role"]
        rendered = bool(response.meta.get("playwright"))
        found = await self._harvest(response) if rendered else None
        if rendered and not wayin.same_site(response.url, state.domain):
            # the browser ended elsewhere (a navigation refused off the site, an error page):
            # nothing it shows belongs to this portal
            state.errors.append(f"{response.request.url}: the browser ended at {response.url}")
            self.crawler.stats.inc_value("smmatlas/render/ended_off_site")
            for item in self._finish(state):
                yield item
            return
        if role == "entry":
            state.entry_url = response.url
        headers = {k.lower(): v for k, v in _headers(response)}
        ok = 200 <= response.status < 300
        digest = hashlib.sha1(response.body).digest()
        if role == "entry" and ok and not rendered:
            state.entry_digest = digest
        if response.meta.get("probe") and digest == state.entry_digest:
            # the site answers every path with its entry page (an app shell, a soft 404)
            self.crawler.stats.inc_value("smmatlas/probes/same_as_entry")
            yield self.page_item(state, response, PageFacts(url=response.url), rendered)
            for item in self._finish(state):
                yield item
            return
        facts = await self._extract(state, response, headers, role)
        signals = facts.signals
        if rendered:
            state.rendered_pages += 1
        if role == "entry" and response.status in UNREACHABLE_STATUSES and not signals.challenge:
            state.entry_error = f"HTTP {response.status} at the entry page"
        yield self.page_item(state, response, facts, rendered)
        for shot in screenshots.requests_for(self, state.domain, response, facts, role, rendered):
            yield shot
        self._account(state, facts, response.url)
        target = wayin.redirect_target(response.status, headers, response.url) or (
            signals.redirect if ok else None
        )
        if role == "entry" and not state.robots_done:
            state.robots_done = True
            yield self._request(state, wayin.robots_url(response.url), role="robots")
        if target:
            for request in self._redirect(state, response, target, role):
                yield request
            for item in self._finish(state):
                yield item
            return
        if ok or not response.meta.get("probe"):  # a probe's 404 says nothing of the site
            state.pages.append(
                PageVerdictInput.from_facts(facts, response.status, entry=role == "entry")
            )
        if found is not None:
            async for item in self._harvested(state, response, found, role):
                yield item
        if self.render_mode == "auto" and not rendered and signals.needs_render and ok:
            self.logger.info("rendering %s in the browser: %s", response.url, signals.render_reason)
            self.crawler.stats.inc_value("smmatlas/render/decided")
            yield self._request(state, response.url, role=role, rendered=True)
        elif ok:
            for request in self.follow(state, facts, role):
                yield request
            if role == "entry":
                for request in self._probe(state, response.url, facts):
                    yield request
        for item in self._finish(state):
            yield item

    async def _extract(
        self,
        state: PortalState,
        response: Response,
        headers: dict[str, str],
        role: str,
        url: str | None = None,
        body: bytes | None = None,
    ) -> PageFacts:
        url = url or response.url
        if body is None:
            if not isinstance(response, TextResponse):
                return PageFacts(url=url)
            body = response.body
        hint = state.currencies.most_common(1)[0][0] if state.currencies else None
        context = reading_context(response.status, headers)
        if self.known is not None:  # the same body read before, with the same role and hint
            digest = hashlib.sha256(body).hexdigest()
            stored = self.known.lookup(url, digest, role, hint, context)
            if stored is not None:  # its errors were reported when it was read: not again
                self.crawler.stats.inc_value("smmatlas/extract/unchanged")
                return ReadFacts.of(stored, role, hint, context, known=True)
        text, _ = body_text(body, headers.get("content-type"))
        facts = await self.extractor.extract(text, url, response.status, headers, role, hint)
        self.crawler.stats.inc_value("smmatlas/extract/extracted")
        for error in facts.errors:
            self.logger.warning("extraction failed on %s: %s", url, error)
            state.errors.append(f"{url}: extraction {error}")
            self.crawler.stats.inc_value(f"smmatlas/extract_errors/{error.split(':', 1)[0]}")
        return ReadFacts.of(facts, role, hint, context)

    def _account(self, state: PortalState, facts: PageFacts, url: str) -> None:
        state.offers += len(facts.offers)
        state.currencies.update(o.currency for o in facts.offers)
        if facts.currency:
            state.currencies[facts.currency] += 1
        for hint in facts.software:
            state.software.append(hint)
            state.software_evidence.append(f"{hint.name}: {hint.evidence} ({url})")

    async def _harvest(self, response: Response) -> Harvest | None:
        """Harvest the live page of a rendered response (JSON, routes, gated rows); close it."""
        page = response.meta.get("playwright_page")
        if page is None:
            return None
        try:
            await screenshots.take_live(self, response.meta["portal"], response)
            return await harvest(page, recorder=response.meta.get(render.RECORDER_KEY))
        except Exception as exc:  # a harvest that fails leaves the rendered page itself
            self.logger.warning("harvest of %s failed: %s", response.url, exc)
            self.crawler.stats.inc_value("smmatlas/render/harvest_failed")
            return None
        finally:
            await render.close_page(response.request)

    async def _harvested(self, state: PortalState, response: Response, found: Harvest, role: str):
        """Items of what a rendered page held beyond its HTML (each kept as evidence), then
        requests for the app routes it showed."""
        for note in found.notes:
            self.logger.info("harvest of %s: %s", response.url, note)
        extra: list[tuple[str, int, list[tuple[str, str]], bytes]] = []
        for n, html in enumerate(found.snapshots, 1):
            choice = found.choices[n - 1] if n <= len(found.choices) else str(n)
            self.crawler.stats.inc_value("smmatlas/render/choices")
            snap_headers = [
                ("Content-Type", "text/html; charset=utf-8"),
                ("X-Smmatlas-Choice", choice),
            ]
            extra.append((response.url, 200, snap_headers, html.encode("utf-8")))
        for body in found.json_bodies:
            self.crawler.stats.inc_value("smmatlas/render/json")
            extra.append((body.url, body.status, [("Content-Type", body.content_type)], body.body))
        for url, status, hdrs, body in extra:
            lower = {k.lower(): v for k, v in hdrs}
            facts = await self._extract(state, response, lower, role, url=url, body=body)
            yield self.page_item(state, response, facts, True, url=url, status=status,
                                 headers=hdrs, body=body)  # fmt: skip
            self._account(state, facts, url)
            state.pages.append(PageVerdictInput.from_facts(facts, status))
        routes = 0
        for url in found.routes:
            if state.scheduled >= self.budget or routes >= wayin.MAX_ROUTES:
                break
            if url in state.seen or not wayin.same_site(url, state.domain):
                continue
            routes += 1
            self.crawler.stats.inc_value("smmatlas/render/routes")
            yield self._request(state, url, role=link_role(url, ""), rendered=True)

    def _redirect(
        self, state: PortalState, response: Response, target: str, role: str
    ) -> Iterator[scrapy.Request]:
        """Follow a 3xx, meta refresh or script redirect within the portal's site."""
        hops = response.meta.get("hops", 0) + 1
        self.crawler.stats.inc_value("smmatlas/redirects")
        if not wayin.same_site(target, state.domain):
            state.offsite.append(target)
            state.errors.append(f"{response.url}: redirects off the site to {target}")
            self.crawler.stats.inc_value("smmatlas/redirects/offsite")
            return
        if hops > wayin.MAX_HOPS or target in state.seen:
            return
        if state.scheduled >= self.budget:
            self.crawler.stats.inc_value("smmatlas/budget_reached")
            return
        yield self._request(state, target, role=role, hops=hops)

    def _probe(self, state: PortalState, url: str, facts: PageFacts) -> Iterator[scrapy.Request]:
        """Public paths of panel software and shops, when the entry shows no way to the
        catalogue (a login wall, an app shell) or is built on shop software with product JSON."""
        if state.probed:
            return
        state.probed = True
        state.roles_found |= {link.role for link in facts.links}
        wanted: tuple[str, ...] = ()
        if not facts.offers and not state.roles_found & set(wayin.CATALOGUE_ROLES):
            wanted = ("services", "pricing", "api", "terms", "contact", "faq")
        if any(h.name in wayin.SHOP_SOFTWARE for h in state.software):
            wanted += ("shop_json",)
        for probe_url, probe_role in wayin.probe_requests(url, state.roles_found, wanted):
            if state.scheduled >= self.budget:
                return
            if probe_url in state.seen:
                continue
            self.crawler.stats.inc_value("smmatlas/probes")
            yield self._request(state, probe_url, role=probe_role, probe=True)

    def parse_app_script(self, response: Response) -> Iterator[Any]:
        """An app's route manifest or bundle: the routes it names are pages to try."""
        state = self.portals[response.meta["portal"]]
        state.fetched += 1
        yield self.page_item(state, response, PageFacts(url=response.url), rendered=False)
        if response.status == 200 and isinstance(response, TextResponse):
            routes = 0
            for url in routes_from_script(response.text, response.url):
                if state.scheduled >= self.budget or routes >= wayin.MAX_ROUTES:
                    break
                if url in state.seen or not wayin.same_site(url, state.domain):
                    continue
                routes += 1
                self.crawler.stats.inc_value("smmatlas/app_routes")
                yield self._request(state, url, role=link_role(url, ""))
        yield from self._finish(state)

    def parse_robots(self, response: Response) -> Iterator[Any]:
        state = self.portals[response.meta["portal"]]
        state.fetched += 1
        yield self.page_item(state, response, PageFacts(url=response.url), rendered=False)
        text = ""
        if response.status == 200 and isinstance(response, TextResponse):
            text = response.text
        for url in wayin.sitemaps_from_robots(text, response.url, state.domain):
            yield from self._sitemap_request(state, url)
        yield from self._finish(state)

    def _sitemap_request(self, state: PortalState, url: str) -> Iterator[scrapy.Request]:
        if state.sitemaps < wayin.MAX_SITEMAPS and url not in state.seen:
            state.sitemaps += 1
            yield self._request(state, url, role="sitemap")

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        state = self.portals[response.meta["portal"]]
        state.fetched += 1
        yield self.page_item(state, response, PageFacts(url=response.url), rendered=False)
        if response.status == 200:
            subs, pages = wayin.sitemap_requests(response.body, response.url, state.domain)
            for url in subs:
                yield from self._sitemap_request(state, url)
            for url, role in pages:
                if state.scheduled >= self.budget:
                    break
                if url not in state.seen:
                    self.crawler.stats.inc_value("smmatlas/from_sitemap")
                    yield self._request(state, url, role=role)
        yield from self._finish(state)

    def follow(self, state: PortalState, facts: PageFacts, role: str) -> Iterator[scrapy.Request]:
        if not state.favicon_done and facts.signals.favicon_urls:
            state.favicon_done = True
            yield self._request(state, facts.signals.favicon_urls[0], role="favicon")
        for link in facts.links:
            if state.scheduled >= self.budget:
                self.crawler.stats.inc_value("smmatlas/budget_reached")
                return
            if link.url in state.seen:
                continue
            if link.role not in ROLE_PRIORITY and role != "entry":
                continue
            state.roles_found.add(link.role)
            yield self._request(state, link.url, role=link.role)

    def parse_favicon(self, response: Response) -> Iterator[Any]:
        state = self.portals[response.meta["portal"]]
        state.fetched += 1
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        facts = PageFacts(url=response.url)
        if response.status == 200 and response.body and "html" not in ctype:
            value = favicon_mmh3(response.body)
            facts.identifiers.append(Identifier("favicon_mmh3", value, evidence=response.url))
        yield self.page_item(state, response, facts, rendered=False)
        yield from self._finish(state)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        if request.meta.get("playwright_page") is not None:
            asyncio.ensure_future(render.close_page(request))
        state = self.portals[request.meta["portal"]]
        role = request.meta.get("role")
        reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:300]
        state.errors.append(f"{request.url}: {reason}")
        self.crawler.stats.inc_value(f"smmatlas/errors/{failure.type.__name__}")
        if role == "entry" and state.entry_url is None:
            remaining = []  # a refused redirect hop of the entry is not one of its URLs
            if request.url in state.entry_urls:
                remaining = state.entry_urls[state.entry_urls.index(request.url) + 1 :]
            if remaining:
                yield self._request(state, remaining[0], role="entry")
            else:
                state.entry_error = reason
        yield from self._finish(state)

    def drop_portal(self, domain: str, reason: str) -> bool:
        """Give up an open portal (another queue worker holds it now: spiders/queue.py): no
        verdict from this process, and its requests are not fetched any more (the queue's
        DroppedPortals middleware; their errbacks end them). Pages stored stay. Whether it was
        open."""
        state = self.portals.get(domain)
        if state is None or state.closed:
            return False
        state.closed, state.dropped = True, reason
        release(state)
        self.logger.warning("%s dropped: %s", domain, reason)
        self.crawler.stats.inc_value("smmatlas/portals_dropped")
        return True

    def open_portal_items(self) -> list[PortalItem]:
        """Verdict items of the portals not finished (asked for by the pipeline at the end,
        through the `open_portals` signal)."""
        return [
            self.portal_item(state)
            for state in self.portals.values()
            if not state.closed and state.scheduled
        ]

    def closed(self, reason: str) -> None:
        """Stop the extraction workers (portals still open are finalised by the pipeline)."""
        self.extractor.close()

    # --- items ---------------------------------------------------------------------------
    def page_item(
        self,
        state: PortalState,
        response: Response,
        facts: PageFacts,
        rendered: bool,
        url: str | None = None,
        status: int | None = None,
        headers: list[tuple[str, str]] | None = None,
        body: bytes | None = None,
    ) -> PageItem:
        """A fetched page (or what a rendered page loaded: `url`, `status`, `headers`, `body`)."""
        return PageItem(
            domain=state.domain,
            url=url or response.url,
            status=response.status if status is None else status,
            headers=_headers(response) if headers is None else headers,
            body=response.body if body is None else body,
            fetched_at=datetime.now(UTC),
            rendered=rendered,
            facts=facts,
            # evidence (storage/evidence.py): the address connected to (a proxy's, through
            # one), the request's headers, a screenshot of a rendered page (spiders/screenshots)
            ip_address=str(response.ip_address) if response.ip_address else None,
            request_headers=_request_headers(response) if body is None else None,
            screenshot=response.meta.get(screenshots.META_KEY) if body is None else None,
        )

    def portal_item(self, state: PortalState) -> PortalItem:
        state.closed = True
        verdict = portal_verdict(state.pages)
        status, kind, reasons = verdict.status, verdict.kind, list(verdict.reasons)
        has_content = any(200 <= p.status < 300 for p in state.pages)
        if state.entry_error and not has_content and status != "blocked":
            status, kind = "unreachable", None
            reasons.append(state.entry_error)
        software = portal_software(state.software)
        item = PortalItem(
            domain=state.domain,
            url=state.entry_url or state.entry_urls[-1],
            status=status,
            kind=kind,
            software=software,
            software_evidence=state.software_evidence[:20],
            reasons=reasons,
            pages=state.fetched,
            rendered_pages=state.rendered_pages,
            offers=state.offers,
            errors=state.errors[:50],
        )
        release(state)
        return item
