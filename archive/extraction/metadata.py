"""Article metadata: title, authors, dates, language, canonical URL, site, description."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Metadata:
    """What the page says about itself; every field may be empty."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    date_source: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    description: str | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)
    #: og:type and JSON-LD @type values, lower-cased ("article", "newsarticle", "website"...).
    page_types: set[str] = field(default_factory=set)


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find(
            "meta", attrs={"name": name}
        )
        if tag is not None:
            content = tag.get("content")
            if isinstance(content, str) and content.strip():
                return content.strip()
    return None


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _json_ld_objects(json_ld: list[str]) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    stack: list[Any] = []
    for raw in json_ld:
        try:
            stack.append(json.loads(raw))
        except ValueError:
            continue
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            objects.append(item)
            if "@graph" in item:
                stack.append(item["@graph"])
    return objects


def extract_metadata(soup: BeautifulSoup, json_ld: list[str], url: str | None) -> Metadata:
    """Read the page's metadata without changing ``soup``."""
    meta = Metadata()
    objects = _json_ld_objects(json_ld)
    for obj in objects:
        types = obj.get("@type")
        for t in types if isinstance(types, list) else [types]:
            if isinstance(t, str):
                meta.page_types.add(t.lower())
    og_type = _meta(soup, "og:type")
    if og_type:
        meta.page_types.add(og_type.lower())

    article_obj = next(
        (o for o in objects if "headline" in o or "datePublished" in o), None
    )
    title = _meta(soup, "og:title")
    if article_obj and isinstance(article_obj.get("headline"), str):
        title = article_obj["headline"]
    if not title:
        h1 = soup.find("h1")
        title = h1.get_text(" ", strip=True) if h1 else None
    meta.title = title

    if article_obj is not None:
        meta.published = _parse_date(str(article_obj.get("datePublished") or ""))
        meta.modified = _parse_date(str(article_obj.get("dateModified") or ""))
        if meta.published:
            meta.date_source = "json-ld"
        authors = article_obj.get("author")
        for a in authors if isinstance(authors, list) else [authors]:
            name = a.get("name") if isinstance(a, dict) else a
            if isinstance(name, str) and name.strip():
                meta.authors.append(name.strip())
    if meta.published is None:
        meta.published = _parse_date(_meta(soup, "article:published_time"))
        if meta.published:
            meta.date_source = "meta"
    if not meta.authors:
        author = _meta(soup, "author", "article:author")
        if author:
            meta.authors.append(author)

    html = soup.find("html")
    lang = html.get("lang") if html is not None else None
    if isinstance(lang, str) and lang.strip():
        meta.language = lang.strip().split("-")[0].lower()[:2]
    canonical = soup.find("link", rel="canonical")
    href = canonical.get("href") if canonical is not None else _meta(soup, "og:url")
    if isinstance(href, str) and href.strip():
        meta.canonical_url = urljoin(url or "", href.strip())
    meta.site_name = _meta(soup, "og:site_name")
    meta.description = _meta(soup, "og:description", "description")
    meta.image = _meta(soup, "og:image")
    return meta
