"""The article's title: the headline the page's title sources agree on, bare.

A page names its article in several places: ``<title>`` (often with the site's name
around it), ``og:title``/``twitter:title`` and the JSON-LD ``headline`` (declared
headlines), and ``<h1>`` elements (one may be the site's logo). The title is the
headline these sources agree on, without the site's name where another source shows the
headline without it, and without a teaser's tail ("… See more", "Weiterlesen →").
"""

from __future__ import annotations

import re
from typing import Any

from archive.extraction.hints import TITLE_TAIL
from archive.extraction.scan import Scan
from archive.extraction.text import clean_text

_MAX_TITLE_PARTS = 12
_MAX_TITLE = 500
_STRONG = frozenset({"|", "||", "::", "·", "•", "»", "«", "‹", "›"})
_SEPARATORS = re.compile(r"\s+(?:[|\-–—·•»«‹›:/~]|::|\|\|)\s+")
_TOKEN = re.compile(r"\w+")
#: A title shares this share of its words with ``<title>`` to agree with it.
_AGREEMENT = 0.5


def same_name(a: str, b: str) -> bool:
    """Two names are the same when they match ignoring case, spaces and punctuation."""
    norm_a = re.sub(r"[\W_]+", "", a.lower())
    norm_b = re.sub(r"[\W_]+", "", b.lower())
    return bool(norm_a) and (norm_a == norm_b or (
        len(norm_b) >= 4 and norm_a.startswith(norm_b)) or (
        len(norm_a) >= 4 and norm_b.startswith(norm_a)))


def _same_exact(a: str, b: str) -> bool:
    norm_a = re.sub(r"[\W_]+", "", a.lower())
    return bool(norm_a) and norm_a == re.sub(r"[\W_]+", "", b.lower())


def _join(parts: list[str], seps: list[str]) -> str:
    return "".join(p + (seps[k] if k < len(seps) else "") for k, p in enumerate(parts)).strip()


def strip_teaser_tail(title: str) -> str:
    """``title`` without a teaser's tail ("…see more", "... Weiterlesen", "→")."""
    stripped = TITLE_TAIL.sub("", title).strip()
    return stripped or title


def _headline_run(parts: list[str], seps: list[str], headlines: list[str]) -> str | None:
    """The run of title segments that is one of ``headlines`` (the page's ``<h1>``\\s).

    A run at the start of the title wins over one elsewhere: a site's logo in an
    ``<h1>`` names the end of "Headline | Site".
    """
    found: str | None = None
    for i in range(len(parts)):
        for j in range(len(parts), i, -1):
            if (i, j) == (0, len(parts)):
                continue
            candidate = _join(parts[i:j], seps[i:j - 1])
            if any(_same_exact(candidate, h) for h in headlines):
                if i == 0:
                    return candidate
                found = found or candidate
    return found


def strip_site_name(
    title: str, site_names: list[str], headline: str | list[str] | None = None
) -> str:
    """Remove " | Site" suffixes and "Site - " prefixes from a title.

    In order: the separated segments that make up ``headline`` (the page's ``<h1>``, or
    one of several) are kept when there are such; else the segments at either end
    naming the site (its name or domain) are removed; then, of segments split by a
    strong separator ("|", "·", "»"...), the longest is kept; a last short segment after
    a dash is removed when the rest is much longer.
    """
    parts = _SEPARATORS.split(title)
    if len(parts) < 2 or len(parts) > _MAX_TITLE_PARTS:
        return title
    seps = _SEPARATORS.findall(title)
    headlines = [headline] if isinstance(headline, str) else list(headline or [])
    if headlines:
        run = _headline_run(parts, seps, headlines)
        if run is not None:
            return run
    names = [n for n in site_names if n]
    changed = True
    while changed and len(parts) > 1:
        changed = False
        if any(same_name(parts[-1], n) for n in names):
            parts, seps, changed = parts[:-1], seps[:-1], True
        elif any(same_name(parts[0], n) for n in names):
            parts, seps, changed = parts[1:], seps[1:], True
    if len(parts) > 1 and any(sep.strip() in _STRONG for sep in seps):
        # Keep the longest run of segments between strong separators.
        runs: list[tuple[list[str], list[str]]] = [([parts[0]], [])]
        for sep, part in zip(seps, parts[1:], strict=True):
            if sep.strip() in _STRONG:
                runs.append(([part], []))
            else:
                runs[-1][0].append(part)
                runs[-1][1].append(sep)
        parts, seps = max(runs, key=lambda r: len(_join(*r)))
    if len(parts) > 1 and len(parts[-1].split()) <= 3 and (
        len(_join(parts[:-1], seps[:-1]).split()) >= 2 * len(parts[-1].split()) + 2
    ):
        parts, seps = parts[:-1], seps[:-1]
    return _join(parts, seps)


def _agree(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` share half the words of the shorter one, two at least
    (one when it has one): one shared word in two is no agreement."""
    wa, wb = set(_TOKEN.findall(a.lower())), set(_TOKEN.findall(b.lower()))
    if not wa or not wb:
        return False
    shared = len(wa & wb)
    shorter = min(len(wa), len(wb))
    return shared >= _AGREEMENT * shorter and shared >= min(2, shorter)


def _source(value: Any) -> str | None:
    text = clean_text(value, _MAX_TITLE)
    return strip_teaser_tail(text) if text else None


def choose_title(scan: Scan, article: dict[str, Any] | None, site_names: list[str]) -> str | None:
    """The headline, without the site's name or a teaser's tail.

    ``<title>`` is stripped of the site's name (see :func:`strip_site_name`). A declared
    headline (JSON-LD ``headline``, ``og:title``, ``twitter:title``) agreeing with it
    (half their words or more in common) is the title; else an ``<h1>`` agreeing with
    it; else the declared headline, and without one ``<title>``.
    """
    names = [n for n in site_names if n]
    raw_title = _source(scan.title)
    h1s = [t for t in (_source(h) for _, h in scan.h1[:5]) if t]
    h1s = [t for t in h1s if not any(_same_exact(t, n) for n in names)] or h1s
    declared = [
        c for c in (
            _source(article.get("headline") if article else None),
            _source(scan.first_meta("og:title")),
            _source(scan.first_meta("twitter:title")),
        ) if c and not any(_same_exact(c, n) for n in names)
    ]
    page_title = strip_site_name(raw_title, site_names, h1s) if raw_title else None
    if page_title and any(_same_exact(page_title, n) for n in names):
        page_title = None
    if not page_title:
        if declared:
            return strip_site_name(declared[0], site_names, h1s)
        return h1s[0] if h1s else None
    for candidate in declared:
        if _agree(candidate, page_title):
            return strip_site_name(candidate, site_names, h1s)
    for candidate in h1s:
        if _agree(candidate, page_title):
            return candidate
    if declared:
        return strip_site_name(declared[0], site_names, h1s)
    return page_title
