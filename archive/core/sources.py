"""The sources file (``sources.toml``): which sites to crawl, how deep and how often.

A file holds an optional ``contact`` (added to the crawler's User-Agent), an optional
``[defaults]`` table whose keys every source inherits, and one ``[sources.NAME]`` table
per source. :func:`load_sources` reads and validates it; every error names the source,
the key and what is wrong, and unknown keys are errors too (a typo must not silently
turn a rule off).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from archive.exceptions import SourcesError

T = TypeVar("T", int, None)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
#: the longest duration a key takes: ten years (dates a scheduler adds it to stay real)
MAX_DURATION = timedelta(days=3650)


@dataclass(frozen=True, slots=True)
class CleaningRules:
    """Per-source fixes for boilerplate the cleaner leaves: CSS selectors.

    ``drop``: elements removed from the page before it is cleaned. ``body``: the element
    that holds the article; when given, only it (and the page's ``<head>``) is cleaned.
    """

    drop: tuple[str, ...] = ()
    body: str | None = None

    def __bool__(self) -> bool:
        return bool(self.drop or self.body)


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One source of the sources file, validated, with defaults filled in."""

    name: str
    start_urls: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    #: hosts links may be followed into (sub-domains included); by default the hosts
    #: of the start URLs, sitemaps and feeds
    allowed_domains: tuple[str, ...] = ()
    #: regular expressions: a URL must match one of ``allow`` (when given) and none of ``deny``
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    #: links followed from the start pages (0: the start pages, sitemaps and feeds only)
    depth: int = 1
    #: how often the scheduler crawls the source
    interval: timedelta = timedelta(hours=1)
    #: read the ``Sitemap:`` lines of each allowed host's robots.txt
    robots_sitemaps: bool = True
    #: bounds of the adaptive re-check interval of known articles
    recheck_min: timedelta = timedelta(hours=1)
    recheck_max: timedelta = timedelta(days=7)
    #: articles older than this are not re-checked any more
    recheck_max_age: timedelta = timedelta(days=30)
    cleaning: CleaningRules = field(default_factory=CleaningRules)
    enabled: bool = True
    #: caps of one crawl of the source (``None``: the crawler's settings
    #: ``ARCHIVE_MAX_PAGES`` and ``ARCHIVE_MAX_LINKS_PER_PAGE``)
    max_pages: int | None = None
    max_links_per_page: int | None = None


@dataclass(frozen=True, slots=True)
class SourcesFile:
    """A whole sources file: the crawler contact and the sources in file order."""

    path: Path
    sources: tuple[SourceConfig, ...]
    contact: str | None = None

    def get(self, name: str) -> SourceConfig:
        """The source called ``name``; raises :class:`SourcesError` naming the known ones."""
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise SourcesError(f'{self.path.name} has no source "{name}" (sources: {known}).')


class _Checker:
    """Reads one source's table, turning each wrong value into a SourcesError."""

    def __init__(self, file: str, source: str, table: dict[str, Any]) -> None:
        self.file, self.source, self.table = file, source, table

    def fail(self, key: str, problem: str) -> SourcesError:
        return SourcesError(f'{self.file}: source "{self.source}": key "{key}" {problem}')

    def urls(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(key, f"must be a list of URLs, not {value!r}")
        for url in value:
            try:
                parts = urlsplit(url) if isinstance(url, str) else None
                host = parts and parts.hostname
                _port = parts and parts.port  # a malformed port raises here, not mid-crawl
            except ValueError as exc:  # e.g. "http://[::1/": an unclosed IPv6 address
                raise self.fail(key, f"holds {url!r}, not a well-formed URL: {exc}") from None
            if parts is None or parts.scheme not in ("http", "https") or not host:
                raise self.fail(key, f"must hold http(s) URLs, not {url!r}")
        return tuple(value)

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, f"must be a list of strings, not {value!r}")
        return tuple(value)

    def patterns(self, key: str) -> tuple[str, ...]:
        patterns = self.strings(key)
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise self.fail(key, f"holds {pattern!r}, not a regular expression: {exc}") from exc
        return patterns

    def whole(self, key: str, default: T) -> int | T:
        value = self.table.get(key, default)
        if value is default:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, f"must be a whole number ≥ 0, not {value!r}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {value!r}")
        return value

    def duration(self, key: str, default: timedelta) -> timedelta:
        value = self.table.get(key)
        if value is None:
            return default
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from exc

    def cleaning(self) -> CleaningRules:
        value = self.table.get("cleaning", {})
        if not isinstance(value, dict):
            raise self.fail("cleaning", f'must be a table with "drop" and/or "body", not {value!r}')
        unknown = sorted(set(value) - {"drop", "body"})
        if unknown:
            raise self.fail(f"cleaning.{unknown[0]}", 'is not known (use "drop" or "body")')
        nested = _Checker(self.file, self.source, value)
        drop = nested.strings("drop")
        body = value.get("body")
        if body is not None and (not isinstance(body, str) or not body):
            raise self.fail("cleaning.body", f"must be one CSS selector, not {body!r}")
        # imported here: soupsieve loads BeautifulSoup, which a crawl whose pages are read
        # in worker processes otherwise never needs in its own process
        import soupsieve

        for key, selector in [("cleaning.drop", s) for s in drop] + [("cleaning.body", body)]:
            if selector is None:
                continue
            try:
                soupsieve.compile(selector)
            except soupsieve.SelectorSyntaxError as exc:
                problem = str(exc).splitlines()[0]
                raise self.fail(key, f"holds {selector!r}, not a CSS selector: {problem}") from exc
        return CleaningRules(drop=drop, body=body)


def parse_duration(value: Any) -> timedelta:
    """A duration from ``"30s"``, ``"15m"``, ``"6h"``, ``"7d"``, ``"2w"`` or whole seconds.

    Raises:
        ValueError: with the sentence end used in error messages.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        seconds = float(value)
    else:
        match = _DURATION.match(value) if isinstance(value, str) else None
        if match is None:
            raise ValueError(f'must be a duration like "30m", "6h" or "7d", not {value!r}')
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"must be at most {MAX_DURATION.days} days, not {value!r}")
    return timedelta(seconds=seconds)


#: the keys a source may set: the fields of SourceConfig but its name
_KEYS = {f.name for f in fields(SourceConfig)} - {"name"}


_DEFAULT = SourceConfig(name="defaults")


def _source(file: str, name: str, table: dict[str, Any]) -> SourceConfig:
    if not _NAME.match(name):
        raise SourcesError(
            f'{file}: source "{name}": the name must be letters, digits, ".", "_" or "-".'
        )
    check = _Checker(file, name, table)
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise check.fail(unknown[0], f"is not known (known keys: {', '.join(sorted(_KEYS))})")
    start_urls, sitemaps, feeds = check.urls("start_urls"), check.urls("sitemaps"), check.urls(
        "feeds"
    )
    if not (start_urls or sitemaps or feeds):
        raise SourcesError(
            f'{file}: source "{name}" needs at least one of "start_urls", "sitemaps" or "feeds".'
        )
    domains = tuple(d.lower().removeprefix(".") for d in check.strings("allowed_domains"))
    if not domains:
        hosts = {urlsplit(u).hostname or "" for u in start_urls + sitemaps + feeds}
        domains = tuple(sorted(h for h in hosts if h))
    recheck_min = check.duration("recheck_min", _DEFAULT.recheck_min)
    recheck_max = check.duration("recheck_max", _DEFAULT.recheck_max)
    if recheck_max < recheck_min:
        raise check.fail("recheck_max", "must not be shorter than recheck_min")
    return SourceConfig(
        name=name,
        start_urls=start_urls,
        sitemaps=sitemaps,
        feeds=feeds,
        allowed_domains=domains,
        allow=check.patterns("allow"),
        deny=check.patterns("deny"),
        depth=check.whole("depth", _DEFAULT.depth),
        interval=check.duration("interval", _DEFAULT.interval),
        robots_sitemaps=check.flag("robots_sitemaps", _DEFAULT.robots_sitemaps),
        recheck_min=recheck_min,
        recheck_max=recheck_max,
        recheck_max_age=check.duration("recheck_max_age", _DEFAULT.recheck_max_age),
        cleaning=check.cleaning(),
        enabled=check.flag("enabled", _DEFAULT.enabled),
        max_pages=check.whole("max_pages", None),
        max_links_per_page=check.whole("max_links_per_page", None),
    )


def parse_sources(text: str, path: Path) -> SourcesFile:
    """Validate the TOML ``text`` of a sources file (``path`` names it in errors).

    Raises:
        SourcesError: the TOML is malformed, or a source, key or value is invalid.
    """
    file = path.name
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{file} is not valid TOML: {exc}.") from exc
    unknown = sorted(set(data) - {"contact", "defaults", "sources"})
    if unknown:
        raise SourcesError(
            f'{file}: top-level key "{unknown[0]}" is not known '
            '(use "contact", "defaults" and [sources.NAME] tables).'
        )
    contact = data.get("contact")
    if contact is not None and (not isinstance(contact, str) or not contact.strip()):
        raise SourcesError(f'{file}: "contact" must be a URL or e-mail address, not {contact!r}.')
    defaults = data.get("defaults", {})
    sources = data.get("sources", {})
    if not isinstance(defaults, dict):
        raise SourcesError(f"{file}: [defaults] must be a table of source keys.")
    if not isinstance(sources, dict) or not sources:
        raise SourcesError(f"{file} defines no sources; add a [sources.NAME] table.")
    configs = []
    for name, table in sources.items():
        if not isinstance(table, dict):
            raise SourcesError(f'{file}: source "{name}" must be a table ([sources.{name}]).')
        configs.append(_source(file, name, {**defaults, **table}))
    return SourcesFile(path=path, sources=tuple(configs), contact=contact)


def load_sources(path: str | Path) -> SourcesFile:
    """Read and validate the sources file at ``path``.

    Raises:
        SourcesError: the file cannot be read, or is invalid (the message says where).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SourcesError(f"There is no sources file at {path}.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"Cannot read the sources file {path}: {exc}.") from exc
    return parse_sources(text, path)
