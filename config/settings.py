"""Scrapy settings of the atlas (flat UPPER_SNAKE, as Scrapy users expect).

`smmatlas crawl` overrides a few of them from its options (--db, --proxy, --render, --budget);
`scrapy crawl portal -a urls=...` uses them as they are. Atlas-specific settings start with
SMMATLAS_.
"""

BOT_NAME = "smmatlas"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Investigators crawl abusive sites: robots.txt of a fake-follower shop is not a consent signal,
# but we stay polite: a few concurrent requests per site, a page budget per portal.
ROBOTSTXT_OBEY = False
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Callback output handled at once per response. Scrapy starts this many tasks for every
# response's output (100 by default: ~650k asyncio tasks on 300 portals); the
# pipeline hands items to its writer thread at once, so a few suffice.
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # also caps decompressed bodies (gzip bombs)
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 6
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19's HTTP endpoint that runs Python in the crawler
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

ITEM_PIPELINES = {"storage.pipelines.SqlPipeline": 300}

# --- scope: every request must be http(s) to a public address (spiders/scope.py) -------------
DOWNLOADER_MIDDLEWARES = {"spiders.scope.ScopeGuard": 50}
METAREFRESH_ENABLED = False  # the spider follows refreshes itself, on the portal's site only
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}  # never fetched
PLAYWRIGHT_ABORT_REQUEST = "spiders.scope.browser_abort"  # the same rules in the browser
SMMATLAS_ALLOW_PRIVATE = False  # lab use only: let private/loopback targets through

# --- the atlas -------------------------------------------------------------------------------
SMMATLAS_DB = None  # SQLAlchemy URL; None: SMMATLAS_DB env or sqlite under the data folder
SMMATLAS_DATA_DIR = None  # evidence (WARC) folder root; None: SMMATLAS_DATA env or ./data
SMMATLAS_PROXY = None  # http://host:port for every fetch, plain and rendered
SMMATLAS_RENDER = "auto"  # auto | always | never
SMMATLAS_PAGE_BUDGET = 40  # pages per portal (pagination of service lists included)
SMMATLAS_BATCH_SIZE = 300  # items per database commit
SMMATLAS_WRITE_QUEUE = 1000  # items waiting for the writer thread before the crawl waits
SMMATLAS_RUN_ID = None  # set by `smmatlas crawl`; `scrapy crawl` opens a run of its own

# --- the browser (only for pages that need it; see spiders/render.py) ------------------------
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {"executable_path": "/usr/bin/chromium", "headless": True}
# Pages open in the browser at once (bench_render --memory on the curated world, whole tree RSS:
# 4 pages in Chromium's usual processes 2.3 GiB; 2 pages in one Chromium process, 4,000 px shots
# and one extraction worker ~0.9 GiB); the defaults below keep that tree under 1 GiB (README)
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 2
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 20000
# the browser's life cycle (spiders/lazyrender.py): started at the first page to render only
SMMATLAS_BROWSER_CONTEXTS = 1  # browser contexts at once (PLAYWRIGHT_MAX_CONTEXTS)
SMMATLAS_BROWSER_IDLE = 30  # seconds without a rendered page before browser and driver close
SMMATLAS_BROWSER_RESTART_PAGES = 25  # rendered pages before a restart (none open): Chromium grows
SMMATLAS_BROWSER_LEAN = True  # Chromium flags that lower memory (render.LEAN_BROWSER_ARGS)
SMMATLAS_SCREENSHOTS_MAX_HEIGHT = 4000  # CSS px of a full-page screenshot; taller pages are cut
# Chromium in one process: the tree's RSS counts its binary once, not once per process (1.7 GiB
# -> ~0.9 GiB on the curated world); a renderer crash takes the browser down, and the next page
# to render starts it again (spiders/lazyrender.py). False: Chromium's usual processes.
SMMATLAS_BROWSER_SINGLE_PROCESS = True

# --- hosting enrichment (`smmatlas enrich`; enrich/config.py reads these) --------------------
ENRICH_DNS_SERVERS = []  # ["127.0.0.1:5353"]; empty: the system resolver
ENRICH_DNS_TIMEOUT = 5.0
ENRICH_RDAP_DOMAIN_URL = "https://rdap.org/"  # bootstrap redirector; a registry's base URL works
ENRICH_RDAP_IP_URL = "https://rdap.org/"
ENRICH_ASN_SOURCE = "cymru-dns"  # TXT look-ups of origin.asn.cymru.com through the resolver
ENRICH_TLS = True
ENRICH_TTL_HOURS = 168  # cached results younger than this are reused
SMMATLAS_CONCURRENT_PORTALS = 16  # portals crawled at once; each that ends opens the next
SMMATLAS_EXTRACT_WORKERS = None  # extraction processes; None: min(4, cores), one fewer with
# screenshots on (the browser takes a core: spiders/workers.py default_workers); 0: inline
SMMATLAS_EXTRACT_TIMEOUT = None  # seconds per page before it is recorded unread; None: 30
# a page fetched again with the same body reuses the facts stored with its capture (loaded by
# name, so spiders never import storage); None: every page is extracted
SMMATLAS_KNOWN_PAGES = "storage.known.KnownPages"

# --- scale-out on a shared portal queue (`smmatlas crawl --queue`, `smmatlas worker`) ---------
SMMATLAS_QUEUE = None  # redis://HOST:PORT/N; None: crawl the given seeds in this process only
SMMATLAS_QUEUE_KEY = "smmatlas:portal"  # the job's key prefix (:pending :seen :claims :done :log)
SMMATLAS_QUEUE_LEASE = 60  # seconds a claim lives without a heartbeat (renewed every lease/3)
SMMATLAS_QUEUE_IDLE = 10  # seconds with nothing pending or claimed before a worker exits
