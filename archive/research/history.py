"""An article's edit history: every stored state, and unified diffs between them.

The ``articles`` row holds the current state; each ``article_versions`` row holds an
earlier one (kept by :func:`archive.storage.writer.store_article` when the title or text changed,
whitespace aside). Here both become one list of :class:`VersionView`, numbered 1..n
in time order, the last one being the current state.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.exceptions import VersionNotFound
from archive.research.articles import find_article
from db import models


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

    @property
    def label(self) -> str:
        """``version 2 (2026-11-03 10:00 UTC)``: how diffs name this version."""
        return f"version {self.number} ({format_utc(self.fetched_at)})"


def format_utc(moment: datetime) -> str:
    """``moment`` as ``YYYY-MM-DD HH:MM UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def article_history(session: Session, ref: str | int) -> list[VersionView]:
    """All states of the article whose id or URL is ``ref``, oldest first, numbered 1..n.

    The last item is the current state; an article never edited has one version.

    Raises:
        ArticleNotFound: no article has that id or URL.
    """
    article = find_article(session, ref)
    earlier = session.scalars(
        select(models.ArticleVersion)
        .where(models.ArticleVersion.article_id == article.id)
        .order_by(models.ArticleVersion.number)
    ).all()
    states = [
        (v.title, v.text, v.fetched_at, v.extractor_version, v.content_hash) for v in earlier
    ]
    states.append(
        (article.title, article.text, article.changed_at, article.extractor_version,
         article.content_hash)
    )
    return [
        VersionView(
            article_id=article.id,
            number=number,
            title=title,
            text=text,
            fetched_at=fetched_at,
            extractor_version=extractor_version,
            content_hash=digest,
            current=number == len(states),
        )
        for number, (title, text, fetched_at, extractor_version, digest) in enumerate(
            states, start=1
        )
    ]


def get_version(history: list[VersionView], number: int) -> VersionView:
    """Version ``number`` of ``history``.

    Raises:
        VersionNotFound: ``history`` has no version ``number``.
    """
    if not 1 <= number <= len(history):
        article_id = history[0].article_id if history else "?"
        span = "version 1" if len(history) == 1 else f"versions 1–{len(history)}"
        raise VersionNotFound(
            f"Article {article_id} has {span}; there is no version {number}."
        )
    return history[number - 1]


def _lines(version: VersionView) -> list[str]:
    # the title first, then the text: one paragraph per line, blank lines between
    return [version.title or "", "", *version.text.splitlines()]


def diff_versions(history: list[VersionView], a: int, b: int, *, context: int = 3) -> str:
    """A unified diff of title and text from version ``a`` to version ``b`` of ``history``.

    Lines are the title, then the text's paragraphs; the headers name each version with
    the time it was fetched. Identical versions give an empty string.

    Raises:
        VersionNotFound: ``a`` or ``b`` is not a version of ``history``.
    """
    old, new = get_version(history, a), get_version(history, b)
    return "\n".join(
        difflib.unified_diff(
            _lines(old), _lines(new), fromfile=old.label, tofile=new.label, n=context,
            lineterm="",
        )
    )
