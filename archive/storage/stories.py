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
advisory lock on the archive (its schema), so one transaction at a time places articles
in it and each sees the bands the previous ones committed. The writer takes it before it
writes anything and holds it until the commit (:func:`lock_for_placing`): taken only when
placing, a writer holding it could wait for a row that another writer, waiting for the
lock, had written — a deadlock. Archives in other schemas of the database do not wait.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, Table, bindparam, delete, insert, select, text, update
from sqlalchemy.orm import Session

from archive.core import nearcopy
from archive.core.nearcopy import Signature
from archive.storage.story_aggregates import Member, aggregate
from archive.storage.story_sql import among, among_values, chunks, insert_many
from db import models

STORIES: Table = models.Story.__table__  # type: ignore[assignment]
MEMBERS: Table = models.StoryArticle.__table__  # type: ignore[assignment]
BANDS: Table = models.StoryBand.__table__  # type: ignore[assignment]
ARTICLES: Table = models.Article.__table__  # type: ignore[assignment]

# Statements built once: building one costs more than running it on an indexed table.
#: the story and signature of the articles ``ids``
_PLACED = (select(MEMBERS.c.article_id, MEMBERS.c.story_id, MEMBERS.c.signature)
           .where(MEMBERS.c.article_id.in_(bindparam("ids", expanding=True))))
#: what the aggregates need of the articles ``ids``
_MEMBER_FACTS = (select(ARTICLES.c.id, ARTICLES.c.source_id, ARTICLES.c.published,
                        ARTICLES.c.first_seen, ARTICLES.c.title)
                 .where(ARTICLES.c.id.in_(bindparam("ids", expanding=True))))
#: the same, by story, for the stories ``ids``
_STORY_FACTS = (select(MEMBERS.c.story_id, ARTICLES.c.id, ARTICLES.c.source_id,
                       ARTICLES.c.published, ARTICLES.c.first_seen, ARTICLES.c.title)
                .join(ARTICLES, ARTICLES.c.id == MEMBERS.c.article_id)
                .where(MEMBERS.c.story_id.in_(bindparam("ids", expanding=True))))
_IDS_OF_URLS = (select(ARTICLES.c.id, ARTICLES.c.url)
                .where(ARTICLES.c.url.in_(bindparam("urls", expanding=True))))
_NEW_STORIES = insert(STORIES).returning(STORIES.c.id, sort_by_parameter_order=True)
#: the advisory lock placing articles holds on PostgreSQL, with the archive's schema
#: (a 32-bit constant unused elsewhere: "STOR")
PLACING_LOCK = 0x53544F52
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

    @property
    def url(self) -> str: ...
    @property
    def signature(self) -> Signature | None: ...


def place_written(session: Session, items: Sequence[Arrived], written: Sequence[Written]
                  ) -> None:
    """:func:`place_signatures` for what an ``ArticleWriter`` just wrote: its new articles
    and those whose text or title changed (``written[i].placed``); new rows inserted in
    bulk (no id yet) are found by URL."""
    session.flush()
    signatures: dict[int, Signature | None] = {}
    by_url: dict[str, Signature | None] = {}
    for item, outcome in zip(items, written, strict=True):
        if not outcome.placed:
            continue
        if outcome.article_id is None:
            by_url[item.url] = item.signature
        else:
            signatures[outcome.article_id] = item.signature
    connection = session.connection()
    for urls in chunks(sorted(by_url)):
        for article_id, url in connection.execute(_IDS_OF_URLS, {"urls": list(urls)}):
            signatures[article_id] = by_url[url]
    place_signatures(session, signatures)


def place_articles(session: Session, texts: dict[int, str]) -> None:
    """Put the articles ``texts`` (article id to its current text) in their stories, in
    the caller's transaction (see the module docstring). The articles must be written
    (and flushed) already; an article already placed with the same signature only has
    its story's aggregates refreshed (its title or date may have changed)."""
    place_signatures(session, {article_id: nearcopy.signature(body)
                               for article_id, body in texts.items()})


def replace_placed(session: Session, texts: dict[int, str]) -> None:
    """:func:`place_articles` for those of ``texts`` that have a story already (text
    rewritten by maintenance such as ``reextract``); articles without one — written with
    stories off — are left to ``stories rebuild --resume``."""
    connection = session.connection()
    placed: set[int] = set()
    for ids in chunks(sorted(texts)):
        placed.update(row[0] for row in connection.execute(_PLACED, {"ids": list(ids)}))
    place_articles(session, {article_id: texts[article_id] for article_id in placed})


def lock_for_placing(session: Session) -> None:
    """On PostgreSQL, take the archive's placing lock until the transaction ends (taking it
    again is free). Writers take it before they write anything: a writer holding it that
    then waited for a row another writer locked while waiting for it would deadlock."""
    if session.get_bind().dialect.name == "postgresql":
        # advisory locks are per database: the schema's name keeps archives apart
        session.execute(text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"),
                        {"key": PLACING_LOCK})


def place_signatures(session: Session, signatures: dict[int, Signature | None]) -> None:
    """:func:`place_articles` for articles whose signatures are known already."""
    if not signatures:
        return
    lock_for_placing(session)
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
    connection = session.connection()
    for ids in chunks(sorted(placing.signatures)):
        rows = connection.execute(_PLACED, {"ids": list(ids)})
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
    split = [article_ids for group, article_ids in members.items() if group != 0]
    # the group of the oldest member (0) stays; the others get stories of their own
    for article_ids, new_id in zip(split, _new_stories(session, split), strict=True):
        session.execute(update(MEMBERS).where(MEMBERS.c.article_id.in_(article_ids))
                        .values(story_id=new_id))
    return touched


def _read(stored: bytes | None) -> Signature | None:
    try:
        return Signature.from_bytes(stored) if stored is not None else None
    except ValueError:
        return None


@functools.cache
def _candidates(dialect: str) -> Select[Any]:
    """The articles holding the band keys passed with :func:`among_values`."""
    return select(BANDS.c.key, BANDS.c.article_id).where(among(dialect, BANDS.c.key))


def _join(session: Session, placing: _Placing, to_place: list[int], touched: set[int]) -> None:
    """Find each article's near-copies, merge their stories, and record its membership
    and band keys."""
    signed = [aid for aid in to_place if placing.signatures[aid] is not None]
    keys = nearcopy.band_keys_of([placing.signatures[aid] for aid in signed])  # type: ignore[misc]
    # candidates among the archived articles: the holders of any of an article's keys
    holders: defaultdict[int, list[int]] = defaultdict(list)
    if signed:
        params = among_values(session, np.unique(keys).tolist())
        for key, article_id in session.connection().execute(
                _candidates(session.get_bind().dialect.name), params):
            holders[key].append(article_id)
    shared: defaultdict[int, Counter[int]] = defaultdict(Counter)
    if holders:
        held = np.isin(keys, np.fromiter(holders, dtype=np.int64, count=len(holders)))
        rows, columns = np.nonzero(held)
        for row, key in zip(rows.tolist(), keys[rows, columns].tolist(), strict=True):
            shared[signed[row]].update(holders[key])
    candidates = {article_id: {other for other, _ in counts.most_common(
                      nearcopy.MAX_CANDIDATES)} for article_id, counts in shared.items()}
    # the candidates' stories and stored signatures, read (decoded) only when compared
    known: dict[int, tuple[int, bytes | None]] = {}
    wanted = sorted(set().union(*candidates.values()) - set(to_place))
    connection = session.connection()
    for ids in chunks(wanted):
        rows_found = connection.execute(_PLACED, {"ids": list(ids)})
        known.update({aid: (story_id, sig) for aid, story_id, sig in rows_found})
    decoded: dict[int, Signature | None] = {}
    # verify: against archived candidates, then between the batch's own articles
    for article_id, others in candidates.items():
        node, sig = ("a", article_id), placing.signatures[article_id]
        if sig is None:
            continue
        joined: set[int] = set()  # stories this article is known to be in already
        for other in others:
            found = known.get(other)
            if found is None or found[1] is None or found[0] in joined:
                continue
            story_id = found[0]
            if placing.find(("s", story_id)) == placing.find(node):
                joined.add(story_id)
                continue
            if other not in decoded:
                decoded[other] = _read(found[1])
            other_sig = decoded[other]
            if other_sig is not None and nearcopy.is_near_copy(sig, other_sig):
                placing.union(node, ("s", story_id))
                joined.add(story_id)
    for i, j in nearcopy.pairs_sharing_a_key(keys):
        a, b = ("a", signed[i]), ("a", signed[j])
        sig_a, sig_b = placing.signatures[signed[i]], placing.signatures[signed[j]]
        if (sig_a is not None and sig_b is not None and placing.find(a) != placing.find(b)
                and nearcopy.is_near_copy(sig_a, sig_b)):
            placing.union(a, b)
    _record(session, placing, to_place, touched)
    insert_many(session, BANDS, ("key", "article_id"), _new_bands(signed, keys, holders))


def _new_bands(signed: list[int], keys: npt.NDArray[np.int64],
               holders: dict[int, list[int]]) -> list[tuple[int, int]]:
    """The (key, article id) rows to store for ``signed`` articles' ``keys``, in key order
    (appends to the index's pages), leaving out the holders a key has no room for
    (:data:`~archive.core.nearcopy.MAX_BUCKET`)."""
    owners = np.repeat(np.array(signed, dtype=np.int64), nearcopy.BANDS)
    flat = keys.ravel()
    order = np.argsort(flat, kind="stable")
    flat, owners = flat[order], owners[order]
    unique, starts, inverse = np.unique(flat, return_index=True, return_inverse=True)
    room = np.full(unique.size, nearcopy.MAX_BUCKET, dtype=np.int64)
    if holders:  # every key held is one of these articles' keys
        held = np.fromiter(holders, dtype=np.int64, count=len(holders))
        room[np.searchsorted(unique, held)] -= np.fromiter(
            (len(ids) for ids in holders.values()), dtype=np.int64, count=len(holders))
    keep = (np.arange(flat.size) - starts[inverse]) < room[inverse]
    return list(zip(flat[keep].tolist(), owners[keep].tolist(), strict=True))


def _record(session: Session, placing: _Placing, to_place: list[int],
            touched: set[int]) -> None:
    """Write the outcome of :func:`_join`: merged stories, new stories, memberships."""
    components: defaultdict[tuple[str, int], list[int]] = defaultdict(list)
    for article_id in to_place:
        components[placing.find(("a", article_id))].append(article_id)
    stories_of: defaultdict[tuple[str, int], set[int]] = defaultdict(set)
    for node in placing.parent:
        if node[0] == "s":
            stories_of[placing.find(node)].add(node[1])
    story_of: dict[int, int] = {}
    fresh: list[list[int]] = []
    for root, article_ids in components.items():
        merged = sorted(stories_of.get(root, set()))
        if not merged:
            fresh.append(article_ids)
            continue
        if len(merged) > 1:  # the article links stories: the oldest takes the others' members
            session.execute(update(MEMBERS).where(MEMBERS.c.story_id.in_(merged[1:]))
                            .values(story_id=merged[0]))
            session.execute(delete(STORIES).where(STORIES.c.id.in_(merged[1:])))
            touched.difference_update(merged[1:])
        touched.add(merged[0])
        story_of.update(dict.fromkeys(article_ids, merged[0]))
    for article_ids, story_id in zip(fresh, _new_stories(session, fresh), strict=True):
        story_of.update(dict.fromkeys(article_ids, story_id))
    insert_many(session, MEMBERS, ("article_id", "story_id", "signature"), [
        (aid, story_of[aid], sig.to_bytes() if (sig := placing.signatures[aid]) else None)
        for aid in to_place])


def _new_stories(session: Session, groups: list[list[int]]) -> list[int]:
    """Insert a story for each group of article ids (none yet in a story), with its
    aggregates; their ids, in order."""
    if not groups:
        return []
    members = _members_of(session, [aid for group in groups for aid in group])
    rows = [aggregate([members[aid] for aid in group]) for group in groups]
    return [int(story_id)
            for story_id in session.connection().execute(_NEW_STORIES, rows).scalars()]


def _members_of(session: Session, article_ids: list[int]) -> dict[int, Member]:
    """What the aggregates need of each article."""
    found: dict[int, Member] = {}
    connection = session.connection()
    for ids in chunks(article_ids):
        rows = connection.execute(_MEMBER_FACTS, {"ids": list(ids)})
        found.update({row[0]: Member(*row) for row in rows})
    return found


def refresh_stories(session: Session, story_ids: Iterable[int]) -> None:
    """Recompute the aggregates of ``story_ids`` from their members (see
    :func:`~archive.storage.story_aggregates.aggregate`); a story left without members is
    deleted."""
    wanted = sorted(set(story_ids))
    members: defaultdict[int, list[Member]] = defaultdict(list)
    connection = session.connection()
    for ids in chunks(wanted):
        rows = connection.execute(_STORY_FACTS, {"ids": list(ids)})
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
