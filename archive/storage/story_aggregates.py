"""What a story says of itself, computed from its members: title, first seen, sources,
articles and how fast it spread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Member:
    """What a story's aggregates need of one member article."""

    article_id: int
    source_id: int
    published: datetime | None
    first_seen: datetime
    title: str | None

    @property
    def appeared(self) -> datetime:
        """When this copy appeared: its ``published`` date, else when it was first seen."""
        return self.published if self.published is not None else self.first_seen


def aggregate(members: list[Member]) -> dict[str, Any]:
    """The ``stories`` columns of a story with ``members`` (at least one).

    The first member is the earliest ``published`` one, or, when no member has a date,
    the earliest seen (ties: the smaller article id); its title is the story's. The spread
    is the time from the story's first appearance until the last of its sources first
    ran it (0 for a story in one source).
    """
    dated = [m for m in members if m.published is not None]
    if dated:
        first = min(dated, key=lambda m: (m.appeared, m.article_id))
        first_seen, kind = first.appeared, "published"
    else:
        first = min(members, key=lambda m: (m.first_seen, m.article_id))
        first_seen, kind = first.first_seen, "first_seen"
    by_source: dict[int, datetime] = {}
    for member in members:
        earliest = by_source.get(member.source_id)
        if earliest is None or member.appeared < earliest:
            by_source[member.source_id] = member.appeared
    spread = max(0.0, (max(by_source.values()) - first_seen).total_seconds()) \
        if len(by_source) > 1 else 0.0
    return {
        "title": first.title, "first_article_id": first.article_id,
        "first_seen": first_seen, "first_seen_kind": kind,
        "last_seen": max(m.appeared for m in members),
        "n_sources": len(by_source), "n_articles": len(members),
        "spread_seconds": int(spread),
    }
