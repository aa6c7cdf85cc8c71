"""The query language's syntax tree: what :func:`archive.research.query.parse_query` returns.

Leaves hold the user's text as typed (backends quote it; it never becomes syntax):
``Term`` one word (``covid-19`` is one term the index reads as two adjacent words),
``Phrase`` words in this order, ``Prefix`` a word's beginning. ``Field`` restricts a leaf
to the title, an author, a source or a language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldName = Literal["title", "author", "source", "lang"]
FIELD_NAMES: tuple[FieldName, ...] = ("title", "author", "source", "lang")


@dataclass(frozen=True, slots=True)
class Term:
    """A word that must occur."""

    text: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must occur next to each other, in this order."""

    text: str


@dataclass(frozen=True, slots=True)
class Prefix:
    """A word beginning with ``text`` (typed as ``text*``)."""

    text: str


Leaf = Term | Phrase | Prefix


@dataclass(frozen=True, slots=True)
class Field:
    """``name:value``: the value must match in that field."""

    name: FieldName
    value: Leaf


@dataclass(frozen=True, slots=True)
class And:
    """Every part must match."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """At least one part must match."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The part must not match."""

    part: Node


Node = Term | Phrase | Prefix | Field | And | Or | Not
