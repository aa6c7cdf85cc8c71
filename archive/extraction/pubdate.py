"""Finding when an article was published and last modified.

Sources, most trusted first:

1. JSON-LD ``datePublished`` of the article object (then ``dateCreated``, ``uploadDate``);
2. ``<meta>`` conventions: Open Graph ``article:published_time``, ``itemprop``
   ``datePublished``, Dublin Core, Parse.ly, Sailthru, citation tags, ``pubdate``...;
3. microdata and microformats in the body (``itemprop="datePublished"``, hAtom
   ``class="published"``);
4. the day in the URL (``/2020/01/05/``). It overrides 1-3 when they give a later day or
   one a day off: a URL is written once, on the publisher's local day, while metadata is
   often rewritten on updates or given in UTC;
5. the best-placed ``<time>`` element or date in the visible text (:mod:`.textdates`),
   if it agrees with a month given in the URL;
6. ``"datePublished"``-like keys in the page's scripts (client-rendered pages);
7. htmldate's extensive search, as a last resort (it re-parses the page: slow).

A date in UTC is replaced by the same instant with the page's own offset when another
source gives one, so that the day is the publisher's. Dates before 1995 or in the future
are never taken.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from archive.extraction.dates import parse_date, url_date, url_month
from archive.extraction.scan import Scan
from archive.extraction.textdates import best_spot, microdata_dates, scan_dates

logger = logging.getLogger(__name__)

#: Meta names giving the first publication, most specific first.
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "article:published", "article:published_date", "article.published",
    "article:publicationdate", "datepublished", "published_time", "publishdate",
    "publish-date", "publish_date", "published-date", "published_date", "date_published",
    "pubdate", "pub_date", "publication_date", "publicationdate", "parsely-pub-date",
    "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date.published",
    "dc.date.publication", "dc.date.created", "dcterms.created", "dc.created",
    "citation_publication_date", "citation_date", "citation_online_date",
    "prism.publicationdate", "article_date_original", "original-publish-date",
    "cxenseparse:recs:publishtime", "bt:pubdate", "og:pubdate", "rnews:datepublished",
    "article.created", "article:post_date", "datecreated", "date_created", "dateposted",
    "content_create_date", "dcsext.articlefirstpublished", "analyticsattributes.articledate",
    "dc.date", "dcterms.date", "date", "created", "creation_date",
)
#: Meta names giving the last modification.
MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "og:updated_time",
    "article:modified", "article:modified_date", "og:modified_time", "datemodified",
    "modified_time", "updated_time", "dc.date.modified", "dcterms.modified",
    "dc.modified", "article.updated", "parsely-updated", "sailthru.lastmodified",
    "last-modified", "lastmod", "lastmodified", "modified", "revised", "bt:moddate",
)
_SCRIPT_DATE = re.compile(
    r"[\"'](?:datePublished|publishedAt|published_at|publishDate|publish_date|pubDate|"
    r"publishedDate|published_date|firstPublished(?:At|Date)?|first_published(?:_at)?|"
    r"publicationDate|publication_date|date_published)[\"']"
    r"\s*:\s*[\"']?([0-9][^\"',}]{5,40})",
)
_SCRIPT_MODIFIED = re.compile(
    r"[\"'](?:dateModified|updatedAt|updated_at|modifiedDate|lastModified)[\"']\s*:\s*"
    r"[\"']?([0-9][^\"',}]{5,40})",
)
#: The score from which a date shown by the headline overrides the page's metadata.
_SHOWN_SCORE = 4
#: Below this score a date found in the text is taken as weak evidence.
_WEAK_SCORE = 2
_AMBIGUOUS = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}")
#: htmldate reads the page's first characters only: it costs about a second per MB of
#: text, and a page's date is in its first part.
_HTMLDATE_CHARS = 250_000


@dataclass(slots=True)
class FoundDates:
    """The publication and modification datetimes and where the first came from."""

    published: datetime | None = None
    modified: datetime | None = None
    source: str | None = None


def _json_ld_date(obj: dict[str, Any] | None, *keys: str) -> datetime | None:
    if not obj:
        return None
    for key in keys:
        value = obj.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("@value")
        parsed = parse_date(value)
        if parsed is not None:
            return parsed
    return None


def _meta_dates(scan: Scan, names: tuple[str, ...]) -> list[tuple[datetime, str]]:
    """Every plausible date of the ``names`` meta tags, with its text, in ``names`` order."""
    found: list[tuple[datetime, str]] = []
    for name in names:
        for value in scan.meta.get(name, ()):
            parsed = parse_date(value)
            if parsed is not None:
                found.append((parsed, value))
    return found


def _swapped(value: datetime, raw: str) -> datetime | None:
    """The other reading of an ambiguous numeric date (``03/04/2020``), or ``None``."""
    m = _AMBIGUOUS.match(raw)
    if m is None or int(m[1]) > 12 or int(m[2]) > 12 or m[1] == m[2]:
        return None
    try:
        return value.replace(month=value.day, day=value.month)
    except ValueError:
        return None


def _localize(value: datetime, others: list[datetime]) -> datetime:
    """``value`` with the offset of another source giving the same instant, when
    ``value`` is in UTC and the other is not (the day then is the publisher's)."""
    if value.utcoffset() != timedelta(0):
        return value
    for other in others:
        offset = other.utcoffset()
        if offset and abs((other - value).total_seconds()) < 60:
            return other
    return value


def script_dates(raw_html: str) -> tuple[datetime | None, datetime | None]:
    """``"datePublished"``-like keys in the page's scripts (state of client-side apps)."""
    published = modified = None
    for m in _SCRIPT_DATE.finditer(raw_html):
        published = parse_date(m[1])
        if published is not None:
            break
    for m in _SCRIPT_MODIFIED.finditer(raw_html):
        modified = parse_date(m[1])
        if modified is not None:
            break
    return published, modified


def htmldate_fallback(raw_html: str, url: str | None) -> datetime | None:
    """htmldate's extensive search of the page's first ``_HTMLDATE_CHARS`` characters;
    slow (re-parses them), used last."""
    try:
        from htmldate import find_date

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = find_date(
                raw_html[:_HTMLDATE_CHARS], url=url, extensive_search=True, original_date=True,
                outputformat="%Y-%m-%d",
            )
    except Exception:  # noqa: BLE001 - a third-party fallback must never break extraction
        logger.debug("htmldate failed", exc_info=True)
        return None
    return parse_date(found) if found else None




def find_dates(
    scan: Scan,
    article: dict[str, Any] | None,
    url: str | None,
    html: str,
    *,
    headline: str | None = None,
    prefer_dmy: bool = True,
    use_htmldate: bool = True,
) -> FoundDates:
    """Publication and modification dates of the page, by the order of the module doc.

    ``html`` is the page's full text (scripts included), ``headline`` its title, used to
    find the ``<h1>`` around which the article's own date is written.
    """
    found = FoundDates()
    meta_published = _meta_dates(scan, PUBLISHED_META)
    found.modified = _json_ld_date(article, "dateModified") or next(
        (v for v, _ in _meta_dates(scan, MODIFIED_META)), None
    )
    structured: list[tuple[str, datetime | None, str | None]] = [
        ("json-ld", _json_ld_date(article, "datePublished", "dateCreated", "uploadDate"), None),
        ("meta", *(meta_published[0] if meta_published else (None, None))),
    ]
    micro_published = None
    if not any(value for _, value, _ in structured) or found.modified is None:
        micro_published, micro_modified = microdata_dates(html)
        structured.append(("microdata", micro_published, None))
        found.modified = found.modified or micro_modified
    url_day = url_date(url)
    url_ym = url_month(url) if url_day is None else None
    spots = None
    for source, value, raw in structured:
        if value is None:
            continue
        if raw is not None and _swapped(value, raw) is not None:
            # An ambiguous numeric date: the reading that the page's text shows wins.
            spots, _ = scan_dates(html, headline, prefer_dmy)
            days = {s.value.date() for s in spots}
            other = _swapped(value, raw)
            if other is not None and other.date() in days and value.date() not in days:
                value = other
        if url_day is not None and (
            value.date() > url_day.date() or abs((value - url_day).days) <= 1
        ):
            found.published, found.source = url_day, "url"
        else:
            found.published, found.source = value, source
        break
    if found.published is None and url_day is not None:
        found.published, found.source = url_day, "url"
    if found.published is not None and found.source != "url":
        # The date shown with the headline wins over metadata that disagrees with it.
        if spots is None:
            spots, _ = scan_dates(html, headline, prefer_dmy, near_headline_only=True)
        shown = [s for s in spots if s.near_headline and (s.score or 0) >= _SHOWN_SCORE and (
            url_ym is None or (s.value.year, s.value.month) == url_ym)]
        shown_days = {s.value.date() for s in spots if s.near_headline}
        if shown and found.published.date() not in shown_days:
            best = best_spot(shown)
            if best is not None:
                found.published, found.source = best.value, best.kind
    if found.published is None:
        spots, text_modified = scan_dates(html, headline, prefer_dmy)
        found.modified = found.modified or text_modified
        best = best_spot(
            [s for s in spots if url_ym is None or (s.value.year, s.value.month) == url_ym]
        )
        weak = best is None or (best.score or 0) < _WEAK_SCORE
        if weak and text_modified is not None:
            # A page that only says when it was last updated (a wiki, a documentation
            # page): that is the date it stands by.
            found.published, found.source = text_modified, "text"
        elif best is not None:
            found.published, found.source = best.value, best.kind
    if found.published is None:
        script_published, script_modified = script_dates(html)
        found.modified = found.modified or script_modified
        if script_published is not None and (
            url_ym is None or (script_published.year, script_published.month) == url_ym
        ):
            found.published, found.source = script_published, "script"
    if found.published is None and use_htmldate:
        value = htmldate_fallback(html, url)
        if value is not None:
            found.published, found.source = value, "htmldate"
    if found.published is not None and found.source in ("json-ld", "meta"):
        others = [v for v, _ in meta_published]
        if micro_published is not None:
            others.append(micro_published)
        found.published = _localize(found.published, others)
    if found.modified is not None and found.published is not None and (
        found.modified < found.published
    ):
        found.modified = None
    return found
