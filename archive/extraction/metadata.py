"""Article metadata: title, authors, dates, language, canonical URL, site, description.

Everything is read from one pass over the parsed page (:mod:`.scan`) and from its
JSON-LD blocks (:mod:`.jsonld`); the soup is never modified. Dates are found by
:mod:`.pubdate`, bylines cleaned by :mod:`.authors`, languages by :mod:`.language`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from archive.core.article import ArticleMetadata
from archive.extraction.authors import clean_authors, html_bylines, json_ld_authors
from archive.extraction.jsonld import (
    first_string,
    id_index,
    json_ld_objects,
    main_object,
    type_names,
    url_keys,
)
from archive.extraction.language import guess_language, normalize_language
from archive.extraction.pubdate import find_dates
from archive.extraction.scan import Scan, scan_page
from archive.extraction.text import clean_text as _clean
from archive.extraction.titles import choose_title

logger = logging.getLogger(__name__)


@dataclass(kw_only=True)
class Metadata(ArticleMetadata):
    """What the page says about itself: the article's metadata, and what only the
    extractor needs; every field may be empty."""

    canonical_url: str | None = None
    #: og:type and JSON-LD @type values, lower-cased ("article", "newsarticle", "website"...).
    page_types: set[str] = field(default_factory=set)


_AUTHOR_META = (
    "author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
    "dcterms.creator", "citation_author", "byl", "og:article:author", "book:author",
)
_DESCRIPTION_META = ("og:description", "description", "twitter:description", "dc.description")
_IMAGE_META = (
    "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src",
    "thumbnail", "thumbnailurl",
)
_TAG_META = ("article:tag", "og:article:tag", "keywords", "news_keywords", "parsely-tags")
_LANG_META = ("content-language", "language", "dc.language", "og:locale", "inlanguage")
_DMY_ENGLISH = frozenset({"gb", "uk", "au", "nz", "ie", "in", "za", "sg", "ng", "ke", "pk"})
#: Keyword lists are read up to this length, and this many keywords at most.
_MAX_TAG_LIST = 10_000
_MAX_TAG_ENTRIES = 500
#: Characters of the page's text the language guess reads.
_LANGUAGE_SAMPLE = 5000


def _absolute(value: str | None, base: str | None) -> str | None:
    if not value:
        return None
    try:
        full = urljoin(base or "", value.strip())
    except ValueError:
        return None
    scheme = urlsplit(full).scheme
    if scheme not in ("http", "https", "") or (scheme == "" and base):
        return None
    return full


def _prefer_dmy(html_lang: str, language: str | None) -> bool:
    """Whether "01/02/2020" means 1 February (True) or January 2 (US English)."""
    if language != "en":
        return True
    region = re.split(r"[-_]", html_lang.lower() + "-")[1]
    return region in _DMY_ENGLISH


def _domain_names(url: str | None) -> list[str]:
    if not url:
        return []
    host = (urlsplit(url).hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    labels = host.split(".")
    return [host, labels[0]] if labels and labels[0] else [host]


def _site_name(scan: Scan, objects: list[dict[str, Any]],
               article: dict[str, Any] | None) -> str | None:
    name = _clean(scan.first_meta("og:site_name"), 200)
    if name:
        return name
    if article is not None:
        publisher = article.get("publisher")
        if isinstance(publisher, list):
            publisher = publisher[0] if publisher else None
        if isinstance(publisher, dict):
            name = _clean(publisher.get("name"), 200)
            if name:
                return name
    for obj in objects:
        if type_names(obj) & {"website", "newsmediaorganization", "organization"}:
            name = _clean(obj.get("name"), 200)
            if name:
                return name
    return _clean(scan.first_meta("application-name", "apple-mobile-web-app-title"), 200)


def _language(scan: Scan, article: dict[str, Any] | None) -> str | None:
    for value in (scan.html_lang, scan.first_meta(*_LANG_META),
                  first_string(article.get("inLanguage")) if article else None):
        code = normalize_language(value)
        if code:
            return code
    return None


def _tags(scan: Scan, article: dict[str, Any] | None) -> list[str]:
    raw: list[str] = []
    for name in _TAG_META:
        for value in scan.meta.get(name, ()):
            raw.extend(value[:_MAX_TAG_LIST].split(","))
    if article is not None:
        keywords = article.get("keywords")
        if isinstance(keywords, str):
            raw.extend(keywords[:_MAX_TAG_LIST].split(","))
        elif isinstance(keywords, list):
            raw.extend(k for k in keywords[:_MAX_TAG_ENTRIES] if isinstance(k, str))
    tags: list[str] = []
    seen: set[str] = set()
    for value in raw[:_MAX_TAG_ENTRIES]:
        tag = _clean(value, 100)
        if tag and len(tag) <= 80 and tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    return tags[:50]


def _authors(
    scan: Scan, article: dict[str, Any] | None, site_name: str | None, html: str,
    refs: dict[str, dict[str, Any]],
) -> list[str]:
    """Bylines from JSON-LD, else from author meta tags, else from the page's markup."""
    raw: list[str] = []
    if article is not None:
        raw = json_ld_authors(article.get("author") or article.get("creator"), refs)
    names = clean_authors(raw, site_name)
    if names:
        return names
    for name in _AUTHOR_META:
        names = clean_authors(scan.meta.get(name, []), site_name)
        if names:
            return names
    for byline in html_bylines(html):
        names = clean_authors([byline], site_name)
        if names:
            return names
    return []


def _image(scan: Scan, article: dict[str, Any] | None, base: str | None) -> str | None:
    value = scan.first_meta(*_IMAGE_META)
    if not value and article is not None:
        value = first_string(article.get("image") or article.get("thumbnailUrl"))
    if not value:
        value = next(iter(scan.links.get("image_src", [])), None)
    return _absolute(value, base) if value else None


def _text_start(soup: BeautifulSoup, limit: int = _LANGUAGE_SAMPLE) -> str:
    """``soup.get_text(" ")[:limit]``, without collecting the text of the whole page."""
    parts: list[str] = []
    length = 0
    for text in soup.strings:
        parts.append(text)
        length += len(text) + 1
        if length >= limit:
            break
    return " ".join(parts)[:limit]


def extract_metadata(
    soup: BeautifulSoup, json_ld: list[str], url: str | None, html: str | None = None
) -> Metadata:
    """Read the page's metadata without changing ``soup``.

    ``json_ld`` are the texts of the page's JSON-LD blocks; ``url`` its address, used to
    make links absolute and as a date source; ``html`` the page's full text before
    it was prepared for parsing (scripts, headers and footers included), where dates are
    looked for (without it, the soup is serialised again: slower).
    """
    meta = Metadata()
    scan = scan_page(soup)
    objects = json_ld_objects(json_ld)
    for obj in objects:
        meta.page_types |= type_names(obj)
    og_type = scan.first_meta("og:type")
    if og_type:
        meta.page_types.add(og_type.lower())

    canonical = next(iter(scan.links.get("canonical", [])), None) or scan.first_meta("og:url")
    meta.canonical_url = _absolute(canonical, url)
    article = main_object(objects, url_keys(url, meta.canonical_url))

    meta.site_name = _site_name(scan, objects, article)
    site_names = [meta.site_name or "", *_domain_names(meta.canonical_url or url)]
    meta.title = choose_title(scan, article, site_names)
    if html is None:
        html = soup.decode()
    meta.authors = _authors(scan, article, meta.site_name, html, id_index(objects))
    meta.language = _language(scan, article)
    meta.description = _clean(
        scan.first_meta(*_DESCRIPTION_META) or (article or {}).get("description"), 2000
    )
    meta.image = _image(scan, article, meta.canonical_url or url)
    meta.tags = _tags(scan, article)

    prefer_dmy = _prefer_dmy(scan.html_lang, meta.language)
    dates = find_dates(
        scan, article, url, html, headline=meta.title, prefer_dmy=prefer_dmy
    )
    meta.published, meta.modified, meta.date_source = (
        dates.published, dates.modified, dates.source
    )
    if meta.language is None:
        meta.language = guess_language(
            " ".join(filter(None, [meta.title, meta.description, _text_start(soup)]))
        )
    return meta
