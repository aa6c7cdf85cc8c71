"""One cheap pass over the parsed page, collecting what metadata extraction reads.

BeautifulSoup's ``find`` walks the whole tree on every call; walking it once and
sorting tags by name costs about as much as a single ``find``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bs4 import BeautifulSoup, CData, NavigableString, Tag

_TEXT_LIMIT = 300
#: How many descendants of an element :func:`text_of` looks at: an unclosed ``<h1>``
#: holds the rest of the page, and reading all of it for every such heading is quadratic.
_TEXT_NODES = 2000
_STRING_TYPES = (NavigableString, CData)
#: Only the first few ``<h1>`` are read (the headline is among them).
_MAX_H1 = 5


def attr(tag: Tag, name: str) -> str:
    """An attribute's value as one stripped string ('' when absent)."""
    value = tag.attrs.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value).strip()
    return str(value).strip()


def text_of(tag: Tag, limit: int = _TEXT_LIMIT) -> str:
    """The tag's text, whitespace collapsed, cut to ``limit`` characters.

    Reads the tag's descendants only until ``limit`` characters are found (and no more
    than ``_TEXT_NODES`` of them), so that its cost does not grow with the subtree.
    """
    words: list[str] = []
    length = 0
    for n, node in enumerate(tag.descendants):
        if n >= _TEXT_NODES or length > limit:
            break
        if type(node) in _STRING_TYPES:
            for word in str(node).split():
                words.append(word)
                length += len(word) + 1
                if length > limit:
                    break
    return " ".join(words)[:limit]


@dataclass(slots=True)
class Scan:
    """The parts of a page that metadata comes from, in document order."""

    #: every tag, in document order (positions below index this list)
    tags: list[Tag] = field(default_factory=list)
    #: ``<meta>`` values by lower-cased name/property/itemprop/http-equiv
    meta: dict[str, list[str]] = field(default_factory=dict)
    #: ``lang`` / ``xml:lang`` of the ``<html>`` element
    html_lang: str = ""
    title: str | None = None
    #: ``(position, text)`` of the first ``_MAX_H1`` ``<h1>`` elements
    h1: list[tuple[int, str]] = field(default_factory=list)
    #: ``<link>`` hrefs by lower-cased ``rel`` value
    links: dict[str, list[str]] = field(default_factory=dict)

    def first_meta(self, *names: str) -> str | None:
        """The first non-empty content among ``names``, in the order given."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value:
                    return value
        return None


def scan_page(soup: BeautifulSoup) -> Scan:
    """Walk ``soup`` once (read-only) and collect a :class:`Scan`."""
    scan = Scan()
    tags = soup.find_all(True)
    scan.tags = tags
    meta = scan.meta
    for pos, tag in enumerate(tags):
        name = tag.name
        attrs = tag.attrs
        if name == "meta":
            content = attrs.get("content")
            if content is None:
                content = attrs.get("value")
            if not isinstance(content, str):
                continue
            content = content.strip()
            for key in ("property", "name", "itemprop", "http-equiv"):
                raw = attrs.get(key)
                if raw:
                    for k in (raw if isinstance(raw, list) else str(raw).split()):
                        meta.setdefault(k.strip().lower(), []).append(content)
            continue
        if name == "link":
            href = attrs.get("href")
            if isinstance(href, str) and href.strip():
                for rel in attr(tag, "rel").lower().split():
                    scan.links.setdefault(rel, []).append(href.strip())
        elif name == "h1" and len(scan.h1) < _MAX_H1:
            scan.h1.append((pos, text_of(tag)))
        elif name == "title":
            if scan.title is None:
                scan.title = " ".join(tag.get_text(" ").split())
        elif name == "html" and not scan.html_lang:
            scan.html_lang = attr(tag, "lang") or attr(tag, "xml:lang")
    return scan
