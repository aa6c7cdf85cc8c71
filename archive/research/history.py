"""An article's edit history: every stored state, and unified diffs between them.

The ``articles`` row holds the current state; each ``article_versions`` row holds an
earlier one (kept by :func:`archive.storage.writer.store_article` when the title or text changed,
whitespace aside). Here both become one list of :class:`VersionView`, numbered 1..n
in time order, the last one being the current state.
"""

from __future__ import annotations

import difflib
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from archive.exceptions import VersionNotFound
from archive.research.articles import find_article, versions_of
from archive.research.results import VersionView


def format_utc(moment: datetime) -> str:
    """``moment`` as ``YYYY-MM-DD HH:MM UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def version_label(version: VersionView) -> str:
    """``version 2 (2026-11-03 10:00 UTC)``: how diffs name a version."""
    return f"version {version.number} ({format_utc(version.fetched_at)})"


def article_history(session: Session, ref: str | int) -> list[VersionView]:
    """All states of the article whose id or URL is ``ref``, oldest first, numbered 1..n.

    The last item is the current state; an article never edited has one version.

    Raises:
        ArticleNotFound: no article has that id or URL.
    """
    return versions_of(session, find_article(session, ref))


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
            _lines(old), _lines(new), fromfile=version_label(old), tofile=version_label(new),
            n=context, lineterm="",
        )
    )
