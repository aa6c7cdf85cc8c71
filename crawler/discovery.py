"""Finding article URLs in sitemaps, robots.txt and feeds (RSS, Atom, JSON Feed).

Sitemaps are read with Scrapy's streaming :class:`~scrapy.utils.sitemap.Sitemap`
(index files, plain and gzip-compressed url sets); news sitemaps add publication dates.
RSS and Atom are read with feedparser; JSON Feed is plain JSON.
"""

from __future__ import annotations

import calendar
import json
import logging
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.etree
from scrapy.http import Response, XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

logger = logging.getLogger(__name__)

_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_NEWS_DATE = f"{{{_NEWS_NS}}}news/{{{_NEWS_NS}}}publication_date"
_JSON_FEED = "https://jsonfeed.org/version/"


@dataclass(frozen=True, slots=True)
class Listed:
    """A URL found in a sitemap or feed, with the publication date given there."""

    url: str
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class SitemapContent:
    """What a sitemap lists: other sitemaps (an index) or pages (a url set)."""

    sitemaps: list[str]
    pages: list[Listed]


def parse_w3c_date(value: str | None) -> datetime | None:
    """A W3C/RFC 3339 date or datetime as an aware UTC datetime; ``None`` if unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def sitemap_body(response: Response, max_size: int) -> bytes | None:
    """The XML of a sitemap response, gunzipped when needed; ``None`` if it is none.

    Raises nothing: a gzip body larger than ``max_size`` once unpacked counts as none.
    """
    if gzip_magic_number(response):
        try:
            return gunzip(response.body, max_size=max_size)
        except (OSError, EOFError, struct.error, ValueError) as exc:
            # ValueError: larger than max_size once unpacked (a gzip bomb, or just huge)
            logger.warning("Unreadable gzip sitemap %s: %s", response.url, exc or "too large")
            return None
    if isinstance(response, XmlResponse) or response.body.lstrip()[:5] == b"<?xml":
        return response.body
    return None


def _news_dates(body: bytes) -> dict[str, datetime]:
    dates: dict[str, datetime] = {}
    if _NEWS_NS.encode() not in body:
        return dates
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = lxml.etree.parse(BytesIO(body), parser).getroot()
    except lxml.etree.XMLSyntaxError:
        return dates
    if root is None:
        return dates
    for url in root.iter("{*}url"):
        loc = url.findtext("{*}loc")
        published = parse_w3c_date(url.findtext(_NEWS_DATE))
        if loc and published:
            dates[loc.strip()] = published
    return dates


def read_sitemap(body: bytes, base_url: str) -> SitemapContent:
    """The sitemaps (of an index) or pages (of a url set) that ``body`` lists."""
    try:
        sitemap = Sitemap(body)
    except (lxml.etree.XMLSyntaxError, StopIteration):
        return SitemapContent([], [])
    locs = [urljoin(base_url, entry["loc"]) for entry in sitemap if entry.get("loc")]
    if sitemap.type == "sitemapindex":
        return SitemapContent(locs, [])
    if sitemap.type != "urlset":
        return SitemapContent([], [])
    dates = _news_dates(body)
    return SitemapContent([], [Listed(loc, dates.get(loc)) for loc in locs])


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    """The URLs of the ``Sitemap:`` lines of a robots.txt file."""
    return list(sitemap_urls_from_robots(body, base_url=base_url))


def _struct_date(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def _json_feed(data: Any, base_url: str) -> list[Listed] | None:
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(_JSON_FEED):
        return None
    listed = []
    for item in data.get("items") or []:
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            published = item.get("date_published")
            listed.append(Listed(urljoin(base_url, item["url"]),
                                 parse_w3c_date(published if isinstance(published, str) else None)))
    return listed


def read_feed(body: bytes, base_url: str) -> list[Listed]:
    """The entries of an RSS, Atom or JSON feed, in feed order; empty if it is no feed."""
    if body.lstrip()[:1] == b"{":
        try:
            listed = _json_feed(json.loads(body), base_url)
        except (ValueError, RecursionError):
            listed = None
        return listed or []
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        logger.warning("Unreadable feed %s: %s", base_url, parsed.get("bozo_exception"))
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if link:
            entries.append(Listed(urljoin(base_url, link), _struct_date(entry)))
    return entries
