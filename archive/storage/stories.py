"""Placing articles in stories as they are written: near-copies share one story.

:func:`place_articles` takes articles just written (new, or whose text changed) and puts
each in its story, in the caller's transaction:

1. an article whose signature (:func:`archive.core.nearcopy.signature`) did not change
   stays where it is; one whose text changed first leaves its story, which is split when
   the article was what held it together;
2. the candidates of each article are the archived articles sharing one of its LSH band
   keys (``story_bands``, an index lookup: no in-memory index, so every process and crawl
   worker sees the same archive), and the articles of the same batch sharing one;
3. a candidate verified by :func:`~archive.core.nearcopy.is_near_copy` puts the article in
   the candidate's story; an article that is a near-copy of members of several stories
   merges them (into the oldest); an article near-copy of none starts its own story;
4. the aggregates of every story touched are recomputed from its members.

The result is the same as grouping all articles at once (the connected components of the
verified candidate pairs), whatever the order the articles arrive in: ``stories
rebuild`` uses the same function.

On PostgreSQL, several crawl workers write at once: placing takes a transaction-level
advisory lock, so one transaction at a time places articles and each sees the bands the
previous ones committed (held from placing to commit, which ends the writer's work).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Table, bindparam, delete, insert, select, text, update
from sqlalchemy.orm import Session

from archive.core import nearcopy
from archive.core.nearcopy import Signature
from archive.storage.story_aggregates import Member, aggregate
from db import models

STORIES: Table = models.Story.__table__  # type: ignore[assignment]
MEMBERS: Table = models.StoryArticle.__table__  # type: ignore[assignment]
BANDS: Table = models.StoryBand.__table__  # type: ignore[assignment]
#: the advisory lock placing articles holds on PostgreSQL (any constant unused elsewhere)
PLACING_LOCK = 0x5354_4F52_4945_5300 >> 8
#: values per IN (...) list: below every backend's limit on bound parameters
CHUNK = 900


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """``values`` in consecutive slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


@dataclass(slots=True)
class _Placing:
    """The articles of one call being placed, and what it found out about them."""

    signatures: dict[int, Signature | None]
    #: union-find parents over nodes: ("a", article id) for an article being placed,
    #: ("s", story id) for an existing story
    parent: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)

    def find(self, node: tuple[str, int]) -> tuple[str, int]:
        root = node
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while node != root:
            self.parent[node], node = root, self.parent.get(node, node)
        return root

    def union(self, a: tuple[str, int], b: tuple[str, int]) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


class Written(Protocol):
    """What :func:`place_written` needs of the writer's outcome for one article."""

    @property
    def article_id(self) -> int | None: ...
    @property
    def placed(self) -> bool: ...


class Arrived(Protocol):
    """What :func:`place_written` needs of an article handed to the writer."""

    url: str
    values: dict[str, Any]


def place_written(session: Session, items: Sequence[Arrived], written: Sequence[Written]
                  ) -> None:
    """:func:`place_articles` for what an ``ArticleWriter`` just wrote: its new articles
    and those whose text or title changed (``written[i].placed``); new rows inserted in
    bulk (no id yet) are found by URL."""
    session.flush()
    texts: dict[int, str] = {}
    by_url: dict[str, str] = {}
    for item, outcome in zip(items, written, strict=True):
        if not outcome.placed:
            continue
        if outcome.article_id is None:
            by_url[item.url] = item.values["text"]
        else:
            texts[outcome.article_id] = item.values["text"]
    article = models.Article.__table__
    for urls in chunks(sorted(by_url)):
        for article_id, url in session.execute(
                select(article.c.id, article.c.url).where(article.c.url.in_(urls))):
            texts[article_id] = by_url[url]
    place_articles(session, texts)


def place_articles(session: Session, texts: dict[int, str]) -> None:
    """Put the articles ``texts`` (article id to its current text) in their stories, in
    the caller's transaction (see the module docstring). The articles must be written
    (and flushed) already; an article already placed with the same signature only has
    its story's aggregates refreshed (its title or date may have changed)."""
    if not texts:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PLACING_LOCK})
    signatures = {article_id: nearcopy.signature(body) for article_id, body in texts.items()}
    placing = _Placing(signatures)
    touched: set[int] = set()
    to_place = _leave_changed(session, placing, touched)
    if to_place:
        _join(session, placing, to_place, touched)
    refresh_stories(session, touched)


def _leave_changed(session: Session, placing: _Placing, touched: set[int]) -> list[int]:
    """Take the articles whose signature changed out of their stories (splitting those
    the article held together); the ids of the articles left to place."""
    placed: dict[int, tuple[int, bytes | None]] = {}
    for ids in chunks(sorted(placing.signatures)):
        rows = session.execute(
            select(MEMBERS.c.article_id, MEMBERS.c.story_id, MEMBERS.c.signature)
            .where(MEMBERS.c.article_id.in_(ids)))
        placed.update({article_id: (story_id, sig) for article_id, story_id, sig in rows})
    to_place, left = [], set()
    for article_id, sig in placing.signatures.items():
        current = placed.get(article_id)
        new_bytes = sig.to_bytes() if sig is not None else None
        if current is not None and current[1] == new_bytes:
            touched.add(current[0])
            continue
        to_place.append(article_id)
        if current is not None:
            _remove(session, article_id, current[1])
            left.add(current[0])
    for story_id in sorted(left):
        touched.update(split_story(session, story_id))
    return sorted(to_place)


def _remove(session: Session, article_id: int, stored: bytes | None) -> None:
    """Take one article out of its story: its membership and band keys."""
    session.execute(delete(MEMBERS).where(MEMBERS.c.article_id == article_id))
    try:
        old = Signature.from_bytes(stored) if stored is not None else None
    except ValueError:  # a signature of an older scheme: look for its keys by article
        session.execute(delete(BANDS).where(BANDS.c.article_id == article_id))
        return
    if old is not None:
        session.execute(delete(BANDS).where(BANDS.c.key.in_(nearcopy.band_keys(old)),
                                            BANDS.c.article_id == article_id))


def split_story(session: Session, story_id: int) -> set[int]:
    """Regroup the remaining members of ``story_id`` after one left: the near-copies that
    only the leaver linked go to new stories (the group holding the oldest member keeps
    the id); an empty story is deleted. The ids of the stories to refresh."""
    rows = session.execute(select(MEMBERS.c.article_id, MEMBERS.c.signature)
                           .where(MEMBERS.c.story_id == story_id)
                           .order_by(MEMBERS.c.article_id)).all()
    if not rows:
        session.execute(delete(STORIES).where(STORIES.c.id == story_id))
        return set()
    groups = nearcopy.group_signatures([_read(sig) for _, sig in rows])
    members: defaultdict[int, list[int]] = defaultdict(list)
    for (article_id, _), group in zip(rows, groups, strict=True):
        members[group].append(article_id)
    touched = {story_id}
    for group, article_ids in members.items():
        if group == 0:  # the group of the oldest member stays
            continue
        new_id = _new_story(session)
        session.execute(update(MEMBERS).where(MEMBERS.c.article_id.in_(article_ids))
                        .values(story_id=new_id))
        touched.add(new_id)
    return touched


def _read(stored: bytes | None) -> Signature | None:
    try:
        return Signature.from_bytes(stored) if stored is not None else None
    except ValueError:
        return None


def _new_story(session: Session) -> int:
    """A new, empty story row (its aggregates are filled in by :func:`refresh_stories`)."""
    placeholder = {"first_seen": models.utcnow(), "first_seen_kind": "first_seen",
                   "last_seen": models.utcnow(), "n_sources": 0, "n_articles": 0,
                   "spread_seconds": 0}
    return int(session.execute(insert(STORIES).values(placeholder)
                               .returning(STORIES.c.id)).scalar_one())


def _join(session: Session, placing: _Placing, to_place: list[int], touched: set[int]) -> None:
    """Find each article's near-copies, merge their stories, and record its membership
    and band keys."""
    keys = {article_id: nearcopy.band_keys(sig) for article_id in to_place
            if (sig := placing.signatures[article_id]) is not None}
    # candidates among the archived articles
    holders: defaultdict[int, list[int]] = defaultdict(list)
    for some in chunks(sorted({key for ks in keys.values() for key in ks})):
        for key, article_id in session.execute(
                select(BANDS.c.key, BANDS.c.article_id).where(BANDS.c.key.in_(some))):
            holders[key].append(article_id)
    candidates = {article_id: {other for key in ks for other in holders.get(key, ())}
                  for article_id, ks in keys.items()}
    known: dict[int, tuple[int, Signature | None]] = {}
    wanted = sorted(set().union(*candidates.values()) - set(to_place)) if candidates else []
    for ids in chunks(wanted):
        rows = session.execute(
            select(MEMBERS.c.article_id, MEMBERS.c.story_id, MEMBERS.c.signature)
            .where(MEMBERS.c.article_id.in_(ids)))
        known.update({aid: (story_id, _read(sig)) for aid, story_id, sig in rows})
    # verify: against archived candidates, then against the batch's own articles
    batch_buckets: defaultdict[int, list[int]] = defaultdict(list)
    for article_id in to_place:
        node = ("a", article_id)
        placing.find(node)
        sig = placing.signatures[article_id]
        if sig is None:
            continue
        for other in sorted(candidates[article_id]):
            if other not in known:
                continue
            story_id, other_sig = known[other]
            if (other_sig is not None and placing.find(("s", story_id)) != placing.find(node)
                    and nearcopy.is_near_copy(sig, other_sig)):
                placing.union(node, ("s", story_id))
        checked: set[int] = set()
        for key in keys[article_id]:
            for other in batch_buckets[key]:
                if other in checked:
                    continue
                checked.add(other)
                other_sig = placing.signatures[other]
                if (other_sig is not None and placing.find(("a", other)) != placing.find(node)
                        and nearcopy.is_near_copy(sig, other_sig)):
                    placing.union(node, ("a", other))
            batch_buckets[key].append(article_id)
    _record(session, placing, to_place, keys, touched)


def _record(session: Session, placing: _Placing, to_place: list[int],
            keys: dict[int, list[int]], touched: set[int]) -> None:
    """Write the outcome of :func:`_join`: merged stories, new stories, memberships, bands."""
    components: defaultdict[tuple[str, int], list[int]] = defaultdict(list)
    for article_id in to_place:
        components[placing.find(("a", article_id))].append(article_id)
    stories_of: defaultdict[tuple[str, int], set[int]] = defaultdict(set)
    for node in placing.parent:
        if node[0] == "s":
            stories_of[placing.find(node)].add(node[1])
    membership = []
    for root, article_ids in components.items():
        merged = sorted(stories_of.get(root, set()))
        story_id = merged[0] if merged else _new_story(session)
        if len(merged) > 1:
            session.execute(update(MEMBERS).where(MEMBERS.c.story_id.in_(merged[1:]))
                            .values(story_id=story_id))
            session.execute(delete(STORIES).where(STORIES.c.id.in_(merged[1:])))
            touched.difference_update(merged[1:])
        touched.add(story_id)
        membership += [{"article_id": aid, "story_id": story_id,
                        "signature": sig.to_bytes() if (sig := placing.signatures[aid]) else None}
                       for aid in article_ids]
    session.execute(insert(MEMBERS), membership)
    bands = sorted((key, article_id) for article_id, ks in keys.items() for key in ks)
    if bands:
        session.execute(insert(BANDS), [{"key": key, "article_id": aid} for key, aid in bands])


def refresh_stories(session: Session, story_ids: Iterable[int]) -> None:
    """Recompute the aggregates of ``story_ids`` from their members (see
    :func:`~archive.storage.story_aggregates.aggregate`); a story left without members is
    deleted."""
    wanted = sorted(set(story_ids))
    members: defaultdict[int, list[Member]] = defaultdict(list)
    article = models.Article.__table__
    for ids in chunks(wanted):
        rows = session.execute(
            select(MEMBERS.c.story_id, article.c.id, article.c.source_id, article.c.published,
                   article.c.first_seen, article.c.title)
            .join(article, article.c.id == MEMBERS.c.article_id)
            .where(MEMBERS.c.story_id.in_(ids)))
        for story_id, *values in rows:
            members[story_id].append(Member(*values))
    updates = [{"b_id": story_id, **aggregate(members[story_id])}
               for story_id in wanted if members.get(story_id)]
    empty = [story_id for story_id in wanted if not members.get(story_id)]
    if updates:
        names = [name for name in updates[0] if name != "b_id"]
        session.execute(
            update(STORIES).where(STORIES.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in names}), updates)
    for ids in chunks(empty):
        session.execute(delete(STORIES).where(STORIES.c.id.in_(ids)))
