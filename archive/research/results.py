"""What the research API returns: typed, JSON-ready results.

These dataclasses are the contract between the query layer and its users (the CLI, the
web API, notebooks): :class:`SearchHit` / :class:`SearchResults` from a search,
:class:`CountRow` from a count over time, :class:`ArticleView` for one article with its
earlier versions, :class:`ArchiveStats` for the archive as a whole and
:class:`ImportReport` from an import.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, overload

from archive.exceptions import ArchiveError

if TYPE_CHECKING:
    import pandas


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise ArchiveError(
            "to_pandas() needs pandas; install it with: pip install 'viral-archive[pandas]'"
        ) from exc
    return pandas


@dataclass(slots=True)
class SearchHit:
    """One article matching a search.

    ``snippet`` is plain text around the matches, each match in ``[``…``]``;
    ``snippet_html`` is the same passage HTML-escaped with matches in ``<mark>``…``</mark>``,
    safe to put into a page as it is.
    """

    id: int
    url: str
    title: str | None
    source: str
    source_name: str | None
    published: datetime | None
    authors: list[str]
    language: str | None
    snippet: str
    snippet_html: str

    def to_dict(self) -> dict[str, Any]:
        """The hit as JSON-ready values (``published`` as ISO 8601 text)."""
        row = asdict(self)
        row["published"] = _iso(self.published)
        return row


@dataclass
class SearchResults(Sequence[SearchHit]):
    """One page of search results: a list of hits plus the total number of matches."""

    hits: list[SearchHit]
    total: int
    query: str
    limit: int
    offset: int

    @overload
    def __getitem__(self, index: int) -> SearchHit: ...
    @overload
    def __getitem__(self, index: slice) -> list[SearchHit]: ...
    def __getitem__(self, index: int | slice) -> SearchHit | list[SearchHit]:
        return self.hits[index]

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self) -> Iterator[SearchHit]:
        return iter(self.hits)

    def to_dicts(self) -> list[dict[str, Any]]:
        """Each hit as JSON-ready values."""
        return [hit.to_dict() for hit in self.hits]

    def to_pandas(self) -> pandas.DataFrame:
        """The hits as a pandas DataFrame (``published`` as a UTC datetime column).

        Raises:
            ArchiveError: pandas is not installed.
        """
        pd = _pandas()
        frame = pd.DataFrame([asdict(hit) for hit in self.hits],
                             columns=list(SearchHit.__dataclass_fields__))
        frame["published"] = pd.to_datetime(frame["published"], utc=True)
        return frame


@dataclass(slots=True)
class CountRow:
    """How many matching articles were published in one period (and source)."""

    #: the first day of the period, ``YYYY-MM-DD`` (weeks start on Monday)
    period: str
    #: the source's domain when counting per source, else ``None``
    source: str | None
    count: int


def counts_to_pandas(rows: Sequence[CountRow]) -> pandas.DataFrame:
    """Count rows as a DataFrame with a datetime ``period`` column.

    Raises:
        ArchiveError: pandas is not installed.
    """
    pd = _pandas()
    frame = pd.DataFrame([asdict(r) for r in rows], columns=["period", "source", "count"])
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


@dataclass(slots=True)
class VersionView:
    """An earlier state of an article (kept when its title or text changed)."""

    number: int
    title: str | None
    text: str
    fetched_at: datetime
    extractor_version: str


@dataclass(slots=True)
class ArticleView:
    """One archived article with all its metadata, its text and its earlier versions."""

    id: int
    url: str
    source: str
    source_name: str | None
    title: str | None
    authors: list[str]
    published: datetime | None
    modified: datetime | None
    date_source: str | None
    language: str | None
    site_name: str | None
    description: str | None
    image: str | None
    tags: list[str]
    first_seen: datetime
    last_seen: datetime
    changed_at: datetime
    extractor_version: str
    content_hash: str
    extra: dict[str, Any]
    text: str
    versions: list[VersionView] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready values (datetimes as ISO 8601 text)."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        for version in data["versions"]:
            version["fetched_at"] = version["fetched_at"].isoformat()
        return data


@dataclass(slots=True)
class SourceStats:
    """Articles of one source and the span of their publication dates."""

    domain: str
    name: str | None
    articles: int
    first_published: datetime | None
    last_published: datetime | None


@dataclass(slots=True)
class LanguageStats:
    """Articles in one language (``None``: language unknown)."""

    language: str | None
    articles: int


@dataclass(slots=True)
class ArchiveStats:
    """The archive at a glance: totals, per source, per language, date coverage."""

    articles: int
    sources: int
    versions: int
    undated: int
    first_published: datetime | None
    last_published: datetime | None
    by_source: list[SourceStats]
    by_language: list[LanguageStats]

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready values."""
        data = asdict(self)
        for key in ("first_published", "last_published"):
            data[key] = _iso(getattr(self, key))
        for row in data["by_source"]:
            row["first_published"] = _iso(row["first_published"])
            row["last_published"] = _iso(row["last_published"])
        return data


@dataclass(slots=True)
class ImportLineError:
    """A line of an import file that was not imported, and why."""

    line: int
    reason: str


@dataclass(slots=True)
class ImportReport:
    """What an import did: lines read, articles new/updated/unchanged, lines refused."""

    lines: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportLineError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def imported(self) -> int:
        """Lines that became (or confirmed) an article."""
        return self.new + self.updated + self.unchanged
