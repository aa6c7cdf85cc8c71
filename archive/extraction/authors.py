"""Cleaning bylines into a list of person names."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from archive.extraction.prepare import cut_opaque

_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|reported|text|story|words|photos?|interview|edited)\s+by|by|"
    r"von|vom|text|autor(?:in)?|autoren|author|authors|par|por|di|da|de|door|av|af|"
    r"napisał[a]?|автор|текст|фото|redakteur(?:in)?)\b\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r"\s*(?:,|;|\||/|&|\+|\b(?i:and|und)\b|\s(?:et|y|e|en|och|og|i|u\.|sowie)\s)\s*"
)
_URL_OR_MAIL = re.compile(
    r"https?://|www\.|\S+@\S+\.\w+|^@|^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.IGNORECASE
)
_ROLE = re.compile(
    r"\b(?:writer|correspondent|reporter|editor|staff|contributor|columnist|photographer|"
    r"redakteur\w*|korrespondent\w*|journalist\w*|autor\w*|rédact\w*|"
    r"for\s+\w+|news\s+service|press|associated)\b",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?i)\s*(?:[-–—|,]\s*)?(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}.*|"
    r"(?:published|updated|posted|veröffentlicht|aktualisiert|am|on|le)\s.*\d.*)$"
)
_PARENS = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")
_NOT_A_NAME = re.compile(
    r"^(?:admin|administrator|staff|editor|editors|redaktion|redazione|rédaction|"
    r"redacción|team|webmaster|guest|unknown|anonymous|null|none|undefined|author|"
    r"autor|by|von|the|and|und)$",
    re.IGNORECASE,
)
_MAX_WORDS = 5
#: Bylines are read up to this length (twenty names with roles fit; the cleaning
#: patterns below cost more than linear time on long runs of "on" or "@").
_MAX_BYLINE = 1000
#: At most this many bylines are read.
_MAX_ENTRIES = 100


_HANDLE = re.compile(r"\s@\w+")
_CREDENTIALS = frozenset({"ms", "rd", "md", "phd", "mba", "msc", "bsc", "ma", "ba", "dr", "jr",
                          "sr", "rn", "do", "cpa", "esq"})


def _clean_one(name: str) -> str | None:
    name = _HANDLE.sub("", " ".join(name.split()))
    name = _TRAILING.sub("", name)
    name = _PARENS.sub(" ", name)
    for _ in range(2):
        name = _PREFIX.sub("", name)
    name = name.strip(" \t-–—:|,.;·•*\"'“”„")
    if len(name) < 2 or len(name) > 80:
        return None
    if _URL_OR_MAIL.search(name) or _NOT_A_NAME.match(name) or _ROLE.search(name):
        return None
    if sum(c.isdigit() for c in name) > 0:
        return None
    if len(name.split()) > _MAX_WORDS:
        return None
    if not any(c.isalpha() for c in name):
        return None
    return name


def clean_authors(raw: list[str], site_name: str | None = None) -> list[str]:
    """Split and clean bylines: drop "By"/"Von"... prefixes, dates, URLs, e-mail
    addresses and the site's own name; split "A and B", "A, B"; keep page order, once."""
    site = (site_name or "").strip().lower()
    names: list[str] = []
    seen: set[str] = set()
    for entry in raw[:_MAX_ENTRIES]:
        entry = " ".join(entry[:_MAX_BYLINE].split()) if entry else ""
        if not entry or _URL_OR_MAIL.match(entry):
            continue
        entry = _PREFIX.sub("", entry)
        for part in _SPLIT.split(entry):
            name = _clean_one(part)
            if name is None or (names and name.lower().replace(".", "") in _CREDENTIALS):
                continue
            key = name.lower()
            if key in seen or (site and (key == site or key.replace(" ", "") == site)):
                continue
            seen.add(key)
            names.append(name)
    return names[:20]


def json_ld_authors(value: Any, refs: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Names in a JSON-LD ``author`` / ``creator`` value: a string, a Person object, or a
    list of them; ``{"@id": ...}`` references are looked up in ``refs``. Organisations
    are skipped when persons are given too."""
    persons: list[str] = []
    orgs: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:20]:
        if isinstance(item, dict) and "name" not in item and refs:
            ref = item.get("@id")
            if isinstance(ref, str) and ref in refs:
                item = refs[ref]
        if isinstance(item, str):
            persons.append(item)
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = next((n for n in name if isinstance(n, str)), None)
            if not isinstance(name, str):
                given, family = item.get("givenName"), item.get("familyName")
                if isinstance(given, str) and isinstance(family, str):
                    name = f"{given} {family}"
            if not isinstance(name, str) or not name.strip():
                continue
            raw_type = item.get("@type")
            types = raw_type if isinstance(raw_type, list) else [raw_type]
            if any(isinstance(t, str) and "organization" in t.lower() for t in types):
                orgs.append(name)
            else:
                persons.append(name)
    return persons or orgs


#: Attribute values marking bylines; found literally first (fast), their context after.
_BYLINE_WORD = re.compile(
    r"author|byline|autor|autorin|author-name|authors|entry-author|post-author|"
    r"article-author|Author|Byline"
)
_BYLINE_CLASSES = frozenset({
    "byline", "author", "author-name", "authors", "entry-author", "post-author",
    "article-author", "autor", "autorin", "article__author", "c-byline",
})
_ATTR_BEFORE = re.compile(r"\b(rel|itemprop|class)\s*=\s*[\"']?([^\"'=<>]*)$", re.IGNORECASE)
_NAME_PROP = re.compile(r"itemprop\s*=\s*[\"']?name[\s\"'>]", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")
#: what a byline's text never holds: comments, scripts and styles
_NOT_TEXT = re.compile(r"<!--|<(script|style)(?=[\s>/])", re.IGNORECASE)

#: A start tag runs to the next "<" or ">": openers without their ">" then cost one scan.
_OPEN_OR_CLOSE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(/?)>")
_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "source"})


def _element_text(html: str, lt: int, limit: int = 1500) -> str:
    """The visible text of the element whose start tag begins at ``lt`` (nested
    elements included), looking no further than ``limit`` characters."""
    chunk = html[lt:lt + limit]
    depth = 0
    end = len(chunk)
    for m in _OPEN_OR_CLOSE.finditer(chunk):
        name = m.group(2).lower()
        if name in _VOID or m.group(3):
            continue
        depth += -1 if m.group(1) else 1
        if depth <= 0:
            end = m.start()
            break
    chunk = cut_opaque(chunk[:end], _NOT_TEXT)
    last_lt, last_gt = chunk.rfind("<"), chunk.rfind(">")
    if last_lt > last_gt:
        chunk = chunk[:last_lt]
    text = html_lib.unescape(_TAGS.sub(" ", chunk))
    return " ".join(text.split())[:200]


def html_bylines(html: str, limit: int = 5) -> list[str]:
    """Bylines marked up in the page: ``rel="author"`` links, ``itemprop="author"``
    (with its nested ``itemprop="name"``) and elements classed ``byline`` / ``author``.

    Works on the page's HTML text, so that bylines in page headers are found even when
    the parsed page no longer holds them.
    """
    found: list[str] = []
    for n, m in enumerate(_BYLINE_WORD.finditer(html)):
        if n > 300:
            break
        if html[m.start() - 1:m.start()] not in ("\"", "'", " ", "=") or html[
            m.end():m.end() + 1
        ] not in ("\"", "'", " ", ">"):
            continue
        lt = html.rfind("<", max(0, m.start() - 1000), m.start())
        if lt < 0 or html.find(">", lt, m.start()) >= 0:
            continue  # not inside a start tag
        context = _ATTR_BEFORE.search(html, max(lt, m.start() - 200), m.start())
        if context is None:
            continue
        attribute, word = context.group(1).lower(), m.group(0).lower()
        if attribute == "class" and word not in _BYLINE_CLASSES:
            continue
        if attribute in ("rel", "itemprop") and word != "author":
            continue
        tag_name = html[lt + 1:lt + 12].split(None, 1)[0].lower() if html[lt + 1:lt + 2] else ""
        if tag_name in ("meta", "link", "body", "html", "article", "main", "section", "script"):
            continue
        if attribute == "itemprop":
            inner = _NAME_PROP.search(html, m.end(), m.end() + 600)
            if inner is not None:
                inner_lt = html.rfind("<", 0, inner.start())
                lt = inner_lt if inner_lt >= 0 else lt
        text = _element_text(html, lt)
        if text:
            found.append(text)
        if len(found) >= limit:
            break
    return found
