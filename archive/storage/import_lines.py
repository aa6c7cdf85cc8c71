"""One line of a JSON Lines import, read: the article it describes, or why it cannot be.

A line holds one JSON object with ``url``, ``text`` and any of the article's fields
(:data:`~archive.core.article.STORED_FIELDS`), under their own names or under the names
other tools give them (:data:`ALIASES`: news-please's ``maintext``, ``date_publish``...);
any other key is kept in the article's ``extra`` metadata. Whatever a line holds, reading
it either gives an :class:`ImportedArticle` or a :class:`LineError` naming what is wrong:
the line, never the batch around it, pays for it.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import String

from archive.core.article import STORED_FIELDS, Article, field_kind
from archive.core.urls import normalize_url, site_of
from archive.storage.writer import Incoming
from db import models

logger = logging.getLogger(__name__)

IMPORT_VERSION = "import"
MAX_LINE_BYTES = 20_000_000

#: other tools' names for the article's fields and for the line's source (an article
#: field not named here is read under its own name)
ALIASES: dict[str, tuple[str, ...]] = {
    "url": ("url", "canonical_url"),
    "text": ("text", "maintext", "body", "articleBody"),
    "published": ("published", "date_publish", "datePublished", "date"),
    "modified": ("modified", "date_modify", "dateModified"),
    "authors": ("authors", "author"),
    "source": ("source", "source_domain", "domain"),
    "source_name": ("source_name", "site_name"),
    "language": ("language", "lang"),
    "image": ("image", "image_url"),
    "tags": ("tags", "keywords"),
}


def _max_length(column: str) -> int | None:
    """The length limit of ``articles.column`` (``None`` for unbounded text)."""
    kind = models.Article.__table__.c[column].type
    return kind.length if isinstance(kind, String) else None


#: how each article field is read from a line: its declared type and its column's limit
_READERS = {name: (field_kind(Article, name), _max_length(name)) for name in STORED_FIELDS}
_URL_LIMIT = _max_length("url")


@dataclass(frozen=True, slots=True)
class ImportLineError:
    """A line of an import file that was not imported, and why."""

    line: int
    reason: str


class LineError(ValueError):
    """A line cannot be imported; the message says why."""


@dataclass(slots=True)
class ImportedArticle:
    """One valid line, ready to write."""

    line: int
    article: Incoming


def _keys(field_name: str) -> tuple[str, ...]:
    return ALIASES.get(field_name, (field_name,))


def _text(record: dict[str, Any], field_name: str, *, limit: int | None = None) -> str | None:
    for key in _keys(field_name):
        value = record.pop(key, None)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise LineError(f"'{key}' must be text, not {type(value).__name__}")
        value = value.strip()
        if limit is not None and len(value) > limit:
            raise LineError(f"'{key}' is longer than {limit} characters")
        return value or None
    return None


def _names(record: dict[str, Any], field_name: str) -> list[str]:
    for key in _keys(field_name):
        value = record.pop(key, None)
        if value is None:
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LineError(f"'{key}' must be a list of names or one name")
        return [v.strip() for v in value if v.strip()]
    return []


def _date(record: dict[str, Any], field_name: str) -> datetime | None:
    text = _text(record, field_name)
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise LineError(f"{field_name} {text!r} is not an ISO 8601 date") from None
    try:
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in the year 0 in UTC
        raise LineError(f"{field_name} {text!r} is out of range in UTC (dates run from "
                        "0001-01-01 to 9999-12-31)") from None


def _refuse_constant(name: str) -> Any:
    raise LineError(f"{name} is not a JSON number (and no column or export could keep it)")


def _has_lone_surrogate(value: Any) -> bool:
    """True when ``value`` holds text with half of a UTF-16 pair (``"\\ud800"`` alone),
    which is no character: UTF-8, and so the database, cannot store it."""
    if isinstance(value, str):
        return any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(map(_has_lone_surrogate, value))
    return False


#: a JSON escape of half a UTF-16 pair: only lines holding one are checked for lone halves
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _load(raw: bytes) -> dict[str, Any]:
    """The JSON object of a line.

    Raises:
        LineError: the line is not UTF-8, not JSON, not an object, nested too deeply,
            or holds NaN, Infinity or half of a UTF-16 pair.
    """
    try:
        record = json.loads(raw, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise LineError("the line is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise LineError("the JSON is nested too deeply to read") from None
    if not isinstance(record, dict):
        raise LineError(f"a JSON object was expected, not {type(record).__name__}")
    if _SURROGATE_ESCAPE.search(raw) and _has_lone_surrogate(record):
        raise LineError("the line holds half of a UTF-16 surrogate pair (\\ud800-\\udfff "
                        "alone), which is no character")
    return record


def _url(text: str | None, key: str) -> str:
    """``text`` normalised as an article URL.

    Raises:
        LineError: it is not an http(s) URL with a host.
    """
    if text is None or not text.startswith(("http://", "https://")):
        raise LineError(f"'{key}' must be an http(s) URL")
    try:
        url = normalize_url(text)
        host = urlsplit(url).hostname
    except ValueError as exc:  # e.g. "http://[::1/": an unclosed IPv6 address
        raise LineError(f"'{key}' {text[:100]!r} is not a valid URL ({exc})") from None
    if not host:
        raise LineError(f"'{key}' {text[:100]!r} has no host")
    return url


def _field(record: dict[str, Any], name: str) -> Any:
    """The article field ``name`` read from ``record`` by the field's declared type."""
    kind, limit = _READERS[name]
    if kind is datetime:
        return _date(record, name)
    if kind is list:
        return _names(record, name)
    return _text(record, name, limit=limit)


def parse_line(number: int, raw: bytes, *, seen_at: datetime | None = None) -> ImportedArticle:
    """The article a JSON Lines line describes.

    Raises:
        LineError: the line is not a JSON object, lacks a URL or text, or a field has the
            wrong type or form.
    """
    if len(raw) > MAX_LINE_BYTES:
        raise LineError(f"the line is longer than {MAX_LINE_BYTES} bytes")
    record = _load(raw)
    url = _url(_text(record, "url", limit=_URL_LIMIT), "url")
    source = _text(record, "source", limit=255)
    source_name = _text(record, "source_name", limit=255)
    values = {name: _field(record, name) for name in STORED_FIELDS if name != "site_name"}
    if values["text"] is None:
        raise LineError("'text' is missing or empty")
    if source and (" " in source or "." not in source):
        source_name, source = source_name or source, None  # a name, not a domain
    if values["language"]:
        values["language"] = values["language"].lower()
    if values["published"] and not values["date_source"]:
        values["date_source"] = "import"
    values["site_name"] = source_name
    values["extra"] = record
    try:
        domain = site_of(f"//{source.lower()}") if source else site_of(url)
    except ValueError as exc:  # e.g. "[bad": an unclosed IPv6 address
        raise LineError(f"'source' {source!r} is not a domain or a name ({exc})") from None
    if not domain:
        raise LineError(f"'source' {source!r} is not a domain or a name")
    return ImportedArticle(number, Incoming(
        url=url, domain=domain, site_name=source_name, values=values,
        extractor_version=IMPORT_VERSION, seen_at=seen_at or datetime.now(UTC),
    ))


Chunk = list[tuple[int, bytes]]
Parsed = list[ImportedArticle | ImportLineError]


def parse_chunk(chunk: Chunk, *, sign: bool = False) -> Parsed:
    """Each line of ``chunk`` parsed, or the reason it cannot be imported; with ``sign``,
    each article carries its near-copy signature (for stories), computed here."""
    parsed: Parsed = []
    for number, raw in chunk:
        try:
            item = parse_line(number, raw)
            if sign:
                item.article.sign()
            parsed.append(item)
        except LineError as exc:
            parsed.append(ImportLineError(number, str(exc)))
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:
            # what a line holds is the line's problem, whatever it is: never the batch's
            logger.debug("line %d: %r", number, exc)
            parsed.append(ImportLineError(number, f"cannot be read ({exc})"))
    return parsed
