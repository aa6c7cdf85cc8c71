"""The peer of the crawl benchmark: Scrapy + trafilatura + sqlite3, as a user would write it.

A ``SitemapSpider`` that finds the sitemaps in robots.txt, runs ``trafilatura.extract``
(JSON output with metadata: title, date, text) on every page, and an item pipeline that
inserts each article into a SQLite table with ``sqlite3`` and commits. Politeness
limits are lifted for the local host, as for ours (``benchmarks/crawl.py``)::

    python -m benchmarks.crawl_peer --site http://127.0.0.1:8000 --db peer.db

prints ``pages N stored M`` (pages read, articles stored) when done.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from typing import Any

import trafilatura
from scrapy import Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.spiders import SitemapSpider

from benchmarks.crawl_site import LOCAL_HOST_SETTINGS


class PeerSpider(SitemapSpider):
    name = "peer"
    parsed = 0

    def parse(self, response: Response, **kwargs: Any) -> Any:
        self.parsed += 1
        extracted = trafilatura.extract(response.text, url=response.url,
                                        output_format="json", with_metadata=True)
        if extracted is None:
            return
        data = json.loads(extracted)
        yield {"url": response.url, "title": data.get("title"), "date": data.get("date"),
               "text": data.get("text") or ""}


class SQLitePipeline:
    def __init__(self, path: str) -> None:
        self.path = path
        self.stored = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> SQLitePipeline:
        return cls(crawler.settings["PEER_DB"])

    def open_spider(self, spider: Spider) -> None:
        self.connection = sqlite3.connect(self.path)
        self.connection.execute("CREATE TABLE IF NOT EXISTS articles (url TEXT PRIMARY KEY, "
                                "title TEXT, date TEXT, text TEXT)")

    def process_item(self, item: dict[str, Any], spider: Spider) -> dict[str, Any]:
        self.connection.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?)",
                                (item["url"], item["title"], item["date"], item["text"]))
        self.connection.commit()
        self.stored += 1
        return item

    def close_spider(self, spider: Spider) -> None:
        self.connection.close()
        print(f"pages {getattr(spider, 'parsed', 0)} stored {self.stored}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    process = CrawlerProcess({
        **LOCAL_HOST_SETTINGS,
        "ROBOTSTXT_OBEY": True,
        "TELNETCONSOLE_ENABLED": False,
        "ITEM_PIPELINES": {"benchmarks.crawl_peer.SQLitePipeline": 300},
        "PEER_DB": args.db,
    })
    process.crawl(PeerSpider, sitemap_urls=[f"{args.site}/robots.txt"])
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
