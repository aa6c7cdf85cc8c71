"""Reading JSON-LD blocks the way pages write them: often broken, nested, in graphs."""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from typing import Any

_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_LOOSE_STRING = re.compile(
    r'"(?P<key>headline|name|datePublished|dateCreated|dateModified|uploadDate|inLanguage)"'
    r'\s*:\s*"(?P<value>(?:[^"\\]|\\.){1,500})"'
)
_MAX_OBJECTS = 500

#: Schema.org types describing one article, lower-cased.
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "socialmediaposting",
    "liveblogposting", "techarticle", "scholarlyarticle", "report", "review",
    "askpublicnewsarticle", "satiricalarticle", "advertisercontentarticle", "posting",
    "discussionforumposting", "medicalscholarlyarticle", "videoobject", "podcastepisode",
    "recipe", "howto", "creativework", "pressrelease",
})
#: Schema.org types of a web page as a whole, lower-cased.
PAGE_TYPES = frozenset({
    "webpage", "itempage", "aboutpage", "faqpage", "qapage", "medicalwebpage",
    "realestatelisting", "contactpage", "checkoutpage",
})


def _loads(raw: str) -> Iterator[Any]:
    """Every JSON value in ``raw``, repairing the usual breakage; never raises."""
    text = _WRAPPERS.sub("", raw.strip()).strip()
    if not text:
        return
    try:
        yield json.loads(text, strict=False)
        return
    except (ValueError, RecursionError):
        pass
    text = _TRAILING_COMMA.sub(r"\1", text)
    decoder = json.JSONDecoder(strict=False)
    pos = 0
    parsed_any = False
    while pos < len(text):
        while pos < len(text) and text[pos] in " \t\r\n;,":
            pos += 1
        if pos >= len(text):
            break
        try:
            value, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            break
        parsed_any = True
        yield value
    if not parsed_any:
        # Unparsable: keep at least the plain string fields that matter most.
        loose: dict[str, Any] = {}
        for m in _LOOSE_STRING.finditer(text):
            loose.setdefault(m["key"], m["value"].replace('\\"', '"').replace("\\/", "/"))
        if loose:
            loose["@type"] = "Article" if "headline" in loose else "Thing"
            yield loose


def type_names(obj: dict[str, Any]) -> set[str]:
    """An object's ``@type`` values, lower-cased, without a ``schema:`` or URL prefix."""
    raw = obj.get("@type")
    names: set[str] = set()
    for t in raw if isinstance(raw, list) else [raw]:
        if isinstance(t, str) and t:
            names.add(re.split(r"[/:#]", t.strip())[-1].lower())
    return names


def json_ld_objects(blocks: list[str]) -> list[dict[str, Any]]:
    """All typed objects of the page's JSON-LD blocks, outer ones first.

    ``@graph`` lists, top-level lists and objects nested in properties (``mainEntity``,
    ``author``, ``publisher``...) are all walked; broken JSON is repaired when it can be.
    """
    objects: list[dict[str, Any]] = []
    for raw in blocks:
        for value in _loads(raw):
            queue: deque[Any] = deque([value])
            while queue and len(objects) < _MAX_OBJECTS:
                item = queue.popleft()
                if isinstance(item, list):
                    queue.extend(item[:_MAX_OBJECTS])
                elif isinstance(item, dict):
                    if "@type" in item:
                        objects.append(item)
                    for key, child in item.items():
                        if isinstance(child, dict | list) and key != "@context":
                            queue.append(child)
    return objects


def first_string(value: Any) -> str | None:
    """The first non-empty string in ``value``: a string, a list, or a dict's ``name``,
    ``url``, ``@id`` or ``@value``."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            found = first_string(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        for key in ("name", "url", "@value", "contentUrl", "@id"):
            found = first_string(value.get(key))
            if found:
                return found
    return None


def main_object(objects: list[dict[str, Any]], urls: set[str]) -> dict[str, Any] | None:
    """The object describing this page's article.

    Article-typed objects win over page-typed ones; among several, the one whose
    ``url`` / ``mainEntityOfPage`` / ``@id`` names this page, else the first one with a
    headline or a date.
    """
    def score(obj: dict[str, Any]) -> int:
        types = type_names(obj)
        s = 0
        if types & ARTICLE_TYPES:
            s += 4
        elif types & PAGE_TYPES:
            s += 2
        else:
            return 0
        if "datePublished" in obj or "headline" in obj:
            s += 2
        for key in ("url", "mainEntityOfPage", "@id"):
            ref = first_string(obj.get(key))
            if ref and _norm_url(ref) in urls:
                s += 3
                break
        return s

    best: dict[str, Any] | None = None
    best_score = 0
    for obj in objects:
        s = score(obj)
        if s > best_score:
            best, best_score = obj, s
    return best


def _norm_url(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0].rstrip("/").split("://", 1)[-1].lower()


def url_keys(*urls: str | None) -> set[str]:
    """Normalised forms of the page's URLs, for :func:`main_object`."""
    return {_norm_url(u) for u in urls if u}


def id_index(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Objects by their ``@id``, to resolve references such as ``"author": {"@id": ...}``."""
    index: dict[str, dict[str, Any]] = {}
    for obj in objects:
        ref = obj.get("@id")
        if isinstance(ref, str) and len(obj) > 2:
            index.setdefault(ref, obj)
    return index
