"""Cheap text-level work done before the HTML is parsed.

Parsing with BeautifulSoup costs time per element and per text node, so everything that
can never be article text is cut out of the markup first, in linear scans:

* JSON-LD blocks are kept aside (the metadata lives there), then scripts, styles, SVG,
  ``noscript``, templates, comments and embedded widgets (``iframe``, ``object``,
  ``video``, ``select``, ``button``, ``textarea``...) are removed.
* Page chrome -- ``nav``, ``footer``, ``aside``, ``form``, ``dialog``, ``menu`` -- is
  removed unless the element holds a large share of the page's paragraphs (or, for a
  form, of its markup: some sites wrap the whole page in a ``<form>``); such a wrapper
  is renamed ``div``. What the
  metadata reads from removed chrome (``meta``, ``link``, ``h1``, ``time``, ``abbr``,
  ``rel=author`` links) is kept, in a ``<div hidden>`` so that it is not taken for text.
  ``<header>`` elements stay: the article's header holds its byline and dates.
* In ``<head>``, stylesheet, preload and icon ``<link>`` tags are removed; ``title``,
  ``meta`` and the other ``link`` tags stay for the metadata.
* Whitespace between tags, which only creates empty text nodes, is removed unless it
  may separate two words; so are images and other void elements, and elements left
  empty (ad slots, icons).

Every scan is linear in the size of the page, whatever its markup (unclosed elements run
to the end of the page, as browsers treat them).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

# Linear scans: a start tag is matched up to the next "<" or ">" (``[^<>]*``), so that a
# page of openers without their ">" costs one pass, not one pass per opener; an element's
# content stops at the next element of the same name (``(?:(?!<h1\b).)*?``) for the same
# reason.
_SCRIPT_TAG = re.compile(r"<script\b[^<>]*>", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script\s*>", re.IGNORECASE)
_LD_TYPE = re.compile(r"type\s*=\s*[\"']?application/ld\+json", re.IGNORECASE)

#: Elements whose whole content is never text: cut from the start tag to the end tag.
_OPAQUE = (
    "script|style|svg|noscript|template|iframe|object|embed|video|audio|canvas|select"
    "|button|textarea|picture|map|math"
)
_OPAQUE_START = re.compile(r"<!--|<(" + _OPAQUE + r")(?=[\s>/])", re.IGNORECASE)

#: Page chrome: cut unless it holds many of the page's paragraphs.
_CHROME = "nav|footer|aside|form|dialog|menu"
_CHROME_TAG = re.compile(r"<(/?)(" + _CHROME + r")(?=[\s>/])[^<>]*>", re.IGNORECASE)
_PARAGRAPH = re.compile(r"<p[\s>]", re.IGNORECASE)
#: What the metadata may read inside removed chrome.
_KEEP_IN_CHROME = re.compile(
    r"<meta\b[^<>]*>|<link\b[^<>]*>|<h1\b(?:(?!<h1\b).)*?</h1\s*>"
    r"|<time\b[^<>]*>(?:(?!<time\b).)*?</time\s*>|<abbr\b[^<>]*>(?:(?!<abbr\b).)*?</abbr\s*>"
    r"|<a\b(?=[^<>]*\brel\s*=\s*[\"']?author\b)[^<>]*>(?:(?!<a\b).)*?</a\s*>",
    re.IGNORECASE | re.DOTALL,
)

#: An XHTML page's XML declaration (it would make BeautifulSoup warn that it is XML).
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_HEAD = re.compile(r"<head\b", re.IGNORECASE)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
#: The head is looked for in the page's first characters only.
_HEAD_SCAN = 2_000_000
_USELESS_LINK = re.compile(
    r"<link\b(?=[^<>]*\brel\s*=\s*[\"']?\s*(?:stylesheet|preload|prefetch|preconnect"
    r"|dns-prefetch|modulepreload|icon|shortcut|apple-touch|mask-icon|manifest|search))[^<>]*>",
    re.IGNORECASE,
)

#: Void elements that never hold text.
_VOID = re.compile(r"<(?:img|source|track|input|wbr|param|area)\b[^<>]*>", re.IGNORECASE)
#: Elements left empty (ad slots, placeholders, icons) -- removed innermost first.
_EMPTY = re.compile(
    r"<(div|p|li|ul|section|figure)\b[^<>]*>\s*</\1\s*>|<(span|i|b|a)\b[^<>]*></\2\s*>",
    re.IGNORECASE,
)
_EMPTY_PASSES = 3

#: Whitespace between two tags is dropped unless the second one is inline, where the
#: space may separate two words ("<em>one</em> <a>two</a>").
_INLINE_NAMES = (
    "a|abbr|b|bdi|bdo|big|cite|code|del|dfn|em|font|i|img|ins|kbd|label|mark|q|s|samp|small"
    "|span|strike|strong|sub|sup|time|tt|u|var|wbr"
)
_SPACE_BETWEEN_TAGS = re.compile(r">\s+<(?!/?(?:" + _INLINE_NAMES + r")[\s>/])", re.IGNORECASE)

#: At most this many tags, plus this many per megabyte of page, are parsed (real pages
#: have a few thousand after scripts and styles are cut -- at most 7,100 in the
#: benchmark's 481 pages; machine-made ones may have hundreds of thousands). Parsing and
#: reading a tag costs about 30 µs, so a page of 1 MB stays well within a second.
_MAX_TAGS = 12_000
_MAX_TAGS_PER_MB = 8_000

#: A chrome element is kept when it holds at least this many paragraphs and this share.
_WRAPPER_MIN_PARAGRAPHS = 3
_WRAPPER_SHARE = 0.4
#: ... or, for a <form>, when it spans this share of the page's markup (pages without
#: <p> tags wrapped in a form).
_WRAPPER_MARKUP_SHARE = 0.5


@dataclass(slots=True)
class PreparedPage:
    """The page's markup without never-content elements, and its JSON-LD texts."""

    html: str
    json_ld: list[str] = field(default_factory=list)


_NESTING = ("svg", "math", "object", "map")
_END_TAG = {
    name: re.compile(("<(/?)" if name in _NESTING else "(</)") + name + r"(?=[\s>/])", re.I)
    for name in _OPAQUE.split("|")
}


def _matching_end(text: str, name: str, start: int) -> int:
    """Offset of the end tag closing the ``name`` element opened before ``start``, or -1.

    ``svg``, ``math``, ``object`` and ``map`` may nest; the others end at their first
    end tag, as in browsers.
    """
    pattern = _END_TAG[name]
    depth = 1
    pos = start
    while True:
        m = pattern.search(text, pos)
        if m is None:
            return -1
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.start()
        pos = m.end()


def cut_opaque(text: str, start: re.Pattern[str] = _OPAQUE_START) -> str:
    """Remove comments and opaque elements (those ``start`` finds: by default every
    element whose content is never text), each from its start to its end tag; one
    without its end tag runs to the end of ``text``."""
    out: list[str] = []
    pos = 0
    while True:
        m = start.search(text, pos)
        if m is None:
            break
        out.append(text[pos : m.start()])
        if m.group(1) is None:  # a comment
            end = text.find("-->", m.end())
            pos = len(text) if end < 0 else end + 3
            continue
        end = _matching_end(text, m.group(1).lower(), m.end())
        if end < 0:
            pos = len(text)
            break
        gt = text.find(">", end)
        pos = len(text) if gt < 0 else gt + 1
        out.append(" ")
    out.append(text[pos:])
    return "".join(out)


def _chrome_spans(text: str) -> list[tuple[int, int, int, int]]:
    """The outermost closed chrome elements of ``text``.

    Each is given as (start of the start tag, end of the end tag, end of the tag name in
    the start tag, start of the end tag).
    """
    spans: list[tuple[int, int, int, int]] = []
    depth = 0
    counts: dict[str, int] = {}
    start = name_end = 0
    for m in _CHROME_TAG.finditer(text):
        name = m.group(2).lower()
        if m.group(1):  # an end tag
            if counts.get(name, 0) == 0:
                continue  # stray end tag
            counts[name] -= 1
            depth -= 1
            if depth == 0:
                spans.append((start, m.end(), name_end, m.start()))
        else:
            if m.group(0).endswith("/>"):
                continue
            if depth == 0:
                start, name_end = m.start(), m.end(2)
            counts[name] = counts.get(name, 0) + 1
            depth += 1
    return spans


def _cut_chrome(text: str) -> str:
    """Remove page chrome that does not wrap a large part of the page's paragraphs.

    A chrome element that does wrap them is renamed ``div``, so that the body extractor,
    which skips chrome elements, reads it.
    """
    spans = _chrome_spans(text)
    if not spans:
        return text
    paragraphs = [m.start() for m in _PARAGRAPH.finditer(text)]
    total = len(paragraphs)
    out: list[str] = []
    pos = 0
    for start, end, name_end, close_start in spans:
        inside = bisect_left(paragraphs, end) - bisect_left(paragraphs, start)
        out.append(text[pos:start])
        if (inside >= _WRAPPER_MIN_PARAGRAPHS and inside >= _WRAPPER_SHARE * total) or (
            end - start >= _WRAPPER_MARKUP_SHARE * len(text)
            and text[name_end - 4 : name_end].lower() == "form"
        ):
            out.append("<div")
            out.append(text[name_end:close_start])
            out.append("</div>")
        else:
            kept = [m.group(0) for m in _KEEP_IN_CHROME.finditer(text, start, end)]
            out.append("<div hidden>" + "".join(kept) + "</div>" if kept else " ")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _trim_head(text: str) -> str:
    """Remove ``<link>`` tags that only load resources from the page's ``<head>``."""
    start = _HEAD.search(text, 0, _HEAD_SCAN)
    if start is None:
        return text
    end = _HEAD_END.search(text, start.end(), _HEAD_SCAN)
    if end is None:
        return text
    head = _USELESS_LINK.sub("", text[start.start() : end.end()])
    return text[: start.start()] + head + text[end.end() :]


def _json_ld_blocks(text: str) -> list[str]:
    """The contents of the page's ``<script type="application/ld+json">`` elements.

    Other scripts are skipped whole (their content is not markup); a script without an
    end tag ends the search, as it runs to the end of the page.
    """
    blocks: list[str] = []
    pos = 0
    while True:
        start = _SCRIPT_TAG.search(text, pos)
        if start is None:
            return blocks
        end = _SCRIPT_END.search(text, start.end())
        if end is None:
            return blocks
        if _LD_TYPE.search(start.group(0)):
            blocks.append(text[start.end() : end.start()])
        pos = end.end()


def _cap_tags(html: str, limit: int) -> str:
    """``html`` cut before its ``limit``-th tag, when it has more."""
    if html.count("<") <= limit:
        return html
    pos = -1
    for _ in range(limit):
        pos = html.find("<", pos + 1)
    return html[:pos]


def prepare_html(text: str) -> PreparedPage:
    """Collect JSON-LD blocks, then remove what is never article text (see module doc).

    Markup with more tags than any real page (``_MAX_TAGS`` plus ``_MAX_TAGS_PER_MB`` per
    megabyte of ``text``) is cut short, so that parsing time stays proportional to size.
    """
    json_ld = _json_ld_blocks(text)
    html = cut_opaque(_XML_DECLARATION.sub("", text, count=1))
    html = _cap_tags(html, _MAX_TAGS + _MAX_TAGS_PER_MB * len(text) // 1_000_000)
    html = _cut_chrome(html)
    html = _trim_head(html)
    html = _VOID.sub("", html)
    html = _SPACE_BETWEEN_TAGS.sub("><", html)
    for _ in range(_EMPTY_PASSES):
        html, count = _EMPTY.subn("", html)
        if not count:
            break
    return PreparedPage(html=html, json_ld=json_ld)
