"""Scrapy settings of the viral-archive crawler: every default in one place.

Our own settings share the ``ARCHIVE_`` prefix; components read them from the crawler's
settings without a fallback of their own, and the command's options take their defaults
from here. ``scrapy crawl article -a urls=...`` inside the checkout reads this module
through ``scrapy.cfg``; the ``viral-archive`` command loads it explicitly and overrides
what its options say.
"""

from importlib.metadata import version

BOT_NAME = "viral-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# The crawler runs on Twisted's default reactor, in a thread of its own when started by
# the viral-archive command, so one process can run several crawls one after another.
TWISTED_REACTOR = None

USER_AGENT = (f"viral-archive/{version('viral-archive')} "
              "(research archive crawler; +https://pypi.org/project/viral-archive/)")
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# outputs of one response processed at once: our spiders yield one page item (and link
# requests) per response, and Scrapy starts this many cooperative tasks for every
# response (100 by default), nearly all of them with nothing to do
CONCURRENT_ITEMS = 8
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
RETRY_TIMES = 3
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
COOKIES_ENABLED = False
# breadth first: pages near the start are fetched before deeper ones, so a large site's
# first pages are not starved by the links of its latest page
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

DOWNLOADER_MIDDLEWARES = {
    # before Scrapy's UserAgentMiddleware (500), which then keeps our User-Agent
    "crawler.middlewares.contact.ContactUserAgentMiddleware": 490,
    # just before Scrapy's RetryMiddleware (550) on responses: waits, then it retries
    "crawler.middlewares.retry_after.RetryDelayMiddleware": 560,
    # before both on errors: an unreachable host is not retried, nor asked again
    "crawler.middlewares.dead_hosts.DeadHostMiddleware": 570,
}

ITEM_PIPELINES = {
    "crawler.pipelines.ExtractPipeline": 100,
    "crawler.pipelines.ArchivePipeline": 300,
}

#: Database URL of the archive; None means $VIRAL_ARCHIVE_DB or sqlite:///archive.db.
ARCHIVE_DB = None
#: How many links deep to follow from the start URLs (0: the start pages only).
ARCHIVE_DEPTH = 2
#: Links followed from one page at most (a page of 50,000 links must not swamp a crawl);
#: a page with more is noted in the crawl record.
ARCHIVE_MAX_LINKS_PER_PAGE = 2_000
#: Pages one crawl requests at most (a source's ``max_pages`` overrides it).
ARCHIVE_MAX_PAGES = 100_000
#: Who runs this crawler (a URL or e-mail address), added to the User-Agent so site
#: owners can reach you; a sources file's ``contact`` sets it too.
ARCHIVE_CONTACT = None
#: Worker processes that read fetched pages into articles, off the thread that fetches
#: (None: $VIRAL_ARCHIVE_READING_PROCESSES if set, else one per core but one, which the
#: crawling process's fetching and writing keep busy, and at least one; 0: in the
#: crawling process itself, for debugging).
ARCHIVE_READING_PROCESSES = None
#: Seconds before the first retry of a failed request; doubled for each further one.
ARCHIVE_RETRY_BACKOFF = 2.0
#: The longest wait a Retry-After header may ask for; longer, and the page is not retried.
ARCHIVE_MAX_RETRY_AFTER = 300.0
#: Place each new or changed article in its story (near-copies across sources) as it is
#: written; False leaves that to ``viral-archive stories rebuild`` (imports: ``--no-stories``).
ARCHIVE_STORIES = True

# Crawling through a shared frontier (``viral-archive worker``; see docs/scaling.md).
#: Which frontier of the Redis server (its keys are viral-archive:NAME:*).
ARCHIVE_FRONTIER_NAME = "default"
#: Seconds the whole frontier must stay empty before a worker stops (0: never).
ARCHIVE_IDLE_TIMEOUT = 30.0
#: Seconds between a worker's heartbeats.
ARCHIVE_HEARTBEAT = 1.0
#: A worker silent this many seconds is taken for dead; its leased pages are re-queued.
ARCHIVE_LEASE_TTL = 15.0
#: This worker's id and its frontier's key prefix: set for each worker when it starts.
ARCHIVE_WORKER_ID = None
ARCHIVE_FRONTIER_PREFIX = None
REMOTE_CONTROL_ENABLED = False
