"""What the research API returns: typed, JSON-ready results.

These dataclasses are the contract between the query layer and its users (the CLI, the
web API, notebooks): :class:`SearchHit` / :class:`SearchResults` from a search,
:class:`CountRow` from a count over time, :class:`ArticleView` for one article with its
earlier versions, :class:`ArchiveStats` for the archive as a whole, :class:`StoryList` and
:class:`StoryView` for stories of near-copies (an import's report, ``ImportReport``, is
:mod:`archive.storage.importer`'s).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, overload

from archive.core.article import ArticleMetadata
from archive.core.optional import require

if TYPE_CHECKING:
    import pandas


def json_ready(value: Any) -> Any:
    """``value`` (dicts and lists of plain values) with every datetime as ISO 8601 text."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_ready(item) for item in value]
    return value


@dataclass(kw_only=True)
class ArchivedIdentity:
    """Where an article is in the archive: its id, URL and source."""

    id: int
    url: str
    #: the source's domain (``www.`` removed)
    source: str
    #: the source's name (the site's own name, or the name an import gave), if known
    source_name: str | None
    #: the story the article belongs to (its near-copies across sources; see
    #: :class:`StoryView`), ``None`` when stories were not computed for it
    story_id: int | None
    #: how many articles that story holds (1: no copy known)
    story_articles: int | None


@dataclass(kw_only=True)
class SearchHit(ArticleMetadata, ArchivedIdentity):
    """One article matching a search: where it is, its metadata, a snippet.

    ``snippet`` is plain text around the matches, each match in ``[``…``]``;
    ``snippet_html`` is the same passage HTML-escaped with matches in ``<mark>``…``</mark>``,
    safe to put into a page as it is.
    """

    snippet: str
    snippet_html: str

    def to_dict(self) -> dict[str, Any]:
        """The hit as JSON-ready values (datetimes as ISO 8601 text)."""
        return json_ready(asdict(self))


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
        pd = require("pandas", feature="to_pandas()", extra="pandas")
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


@dataclass(frozen=True, slots=True)
class VersionView:
    """One state of an article: what it said, and since when.

    Attributes:
        article_id: the article this is a version of.
        number: 1 for the first state seen, n for the current one.
        title: the headline in this state.
        text: the clean text in this state.
        fetched_at: when this state was first fetched.
        extractor_version: the extractor that produced this text.
        content_hash: sha256 of the whitespace-normalised title and text.
        current: True for the article's current state (the last version).
    """

    article_id: int
    number: int
    title: str | None
    text: str
    fetched_at: datetime
    extractor_version: str
    content_hash: str
    current: bool

    @property
    def words(self) -> int:
        """How many words the text holds."""
        return len(self.text.split())


@dataclass(kw_only=True)
class ArticleView(ArticleMetadata, ArchivedIdentity):
    """One archived article with all its metadata, its text and its earlier versions."""

    first_seen: datetime
    last_seen: datetime
    #: when the current title and text were first fetched
    changed_at: datetime
    extractor_version: str
    content_hash: str
    #: metadata with no field of its own (e.g. keys of an imported collection)
    extra: dict[str, Any]
    text: str
    #: the earlier states, oldest first (the current one is the article itself)
    versions: list[VersionView] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready values (datetimes as ISO 8601 text)."""
        return json_ready(asdict(self))


#: the fields of an archived article as exports write them, in order
RECORD_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(ArticleView) if f.name != "versions"
)


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
        return json_ready(asdict(self))


@dataclass(kw_only=True)
class StoryMember:
    """One copy of a story: which article, where and when it ran, under which headline."""

    id: int
    url: str
    #: the source's domain, and its name if known
    source: str
    source_name: str | None
    published: datetime | None
    first_seen: datetime
    title: str | None
    #: when this copy appeared (``published``, else ``first_seen``) and how many seconds
    #: after the story's ``first_seen`` (negative when it was seen before the earliest date)
    appeared: datetime
    after_seconds: int


@dataclass(kw_only=True)
class StorySummary:
    """A story: an article and its near-copies across sources, with its members in the
    order they appeared.

    ``first_seen`` is the earliest ``published`` date of the members or, when none has
    one, the earliest time one was seen (``first_seen_kind`` says which); ``title`` is the
    first member's headline; ``spread_seconds`` is the time until the last of its
    ``sources`` first ran it.
    """

    id: int
    title: str | None
    first_seen: datetime
    first_seen_kind: str
    last_seen: datetime
    sources: int
    articles: int
    spread_seconds: int
    members: list[StoryMember]

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready values."""
        return json_ready(asdict(self))


@dataclass(kw_only=True)
class Headline:
    """One headline a story ran under: how many copies used it, and the first of them."""

    title: str | None
    articles: int
    first_appeared: datetime
    first_source: str


@dataclass(kw_only=True)
class StoryView(StorySummary):
    """One story with its timeline (``members``, first first) and headline variants
    (most used first)."""

    headlines: list[Headline]

    def to_pandas(self) -> pandas.DataFrame:
        """The members (the timeline) as a pandas DataFrame, one row per copy.

        Raises:
            ArchiveError: pandas is not installed.
        """
        pd = require("pandas", feature="to_pandas()", extra="pandas")
        frame = pd.DataFrame([asdict(member) for member in self.members],
                             columns=list(StoryMember.__dataclass_fields__))
        for column in ("published", "first_seen", "appeared"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        return frame


@dataclass
class StoryList(Sequence[StorySummary]):
    """Stories, most sources first, then fastest spread."""

    stories: list[StorySummary]

    @overload
    def __getitem__(self, index: int) -> StorySummary: ...
    @overload
    def __getitem__(self, index: slice) -> list[StorySummary]: ...
    def __getitem__(self, index: int | slice) -> StorySummary | list[StorySummary]:
        return self.stories[index]

    def __len__(self) -> int:
        return len(self.stories)

    def __iter__(self) -> Iterator[StorySummary]:
        return iter(self.stories)

    def to_dicts(self) -> list[dict[str, Any]]:
        """Each story as JSON-ready values, with its members."""
        return [story.to_dict() for story in self.stories]

    def to_pandas(self) -> pandas.DataFrame:
        """The stories as a pandas DataFrame, one row per story (``members`` holds the
        ids of its articles).

        Raises:
            ArchiveError: pandas is not installed.
        """
        pd = require("pandas", feature="to_pandas()", extra="pandas")
        rows = [{**{f.name: getattr(story, f.name) for f in fields(StorySummary)},
                 "members": [member.id for member in story.members]}
                for story in self.stories]
        frame = pd.DataFrame(rows, columns=[f.name for f in fields(StorySummary)])
        for column in ("first_seen", "last_seen"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        return frame
