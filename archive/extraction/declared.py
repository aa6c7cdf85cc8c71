"""The article text a page declares in its JSON-LD (``articleBody``), as a candidate body.

Pages rendered by scripts may hold their article only in JSON-LD, with a teaser or a
cookie notice in the markup. The declared text is compared with the body found in the
markup, and replaces it only when the markup's body is short against it: the markup,
when it holds the article, is the better source (it keeps the paragraphs, and a declared
text is sometimes a summary or truncated).
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from archive.extraction import tuning
from archive.extraction.body import Body
from archive.extraction.jsonld import json_ld_objects

_TAG = re.compile(r"<[^<>]{0,2000}>")
_BLOCK_END = re.compile(r"</?(?:p|div|br|li|h[1-6]|blockquote|tr)\b[^<>]{0,2000}>", re.IGNORECASE)
_LINES = re.compile(r"\s*\n\s*")
_KEY = "articleBody"


def _text_of(value: Any) -> str:
    """A declared body as plain text, one paragraph per line (markup and entities removed)."""
    text = value if isinstance(value, str) else ""
    if "&" in text:
        text = html_lib.unescape(text)
    if "<" in text:
        text = _TAG.sub(" ", _BLOCK_END.sub("\n", text))
        if "&" in text:
            text = html_lib.unescape(text)
    lines = (" ".join(line.split()) for line in _LINES.split(text))
    return "\n\n".join(line for line in lines if line)


def declared_body(json_ld: list[str]) -> str:
    """The longest ``articleBody`` of the page's JSON-LD, as plain text ("" when none)."""
    if not any(_KEY in block for block in json_ld):
        return ""
    texts = [_text_of(obj.get(_KEY)) for obj in json_ld_objects(json_ld) if _KEY in obj]
    return max(texts, key=len, default="")


def prefer_declared(text: str, json_ld: list[str]) -> str | None:
    """The declared body when the markup's ``text`` is short against it, else ``None``.

    Short: fewer than ``tuning.DECLARED_SHARE`` of its characters, the declared body
    holding ``tuning.DECLARED_MIN`` characters at least.
    """
    longest = max((len(block) for block in json_ld if _KEY in block), default=0)
    if longest < tuning.DECLARED_MIN or len(text) >= tuning.DECLARED_SHARE * longest:
        return None  # the raw block bounds the declared body: no need to parse it
    declared = declared_body(json_ld)
    if len(declared) < tuning.DECLARED_MIN or len(text) >= tuning.DECLARED_SHARE * len(declared):
        return None
    return declared


def with_declared(body: Body, json_ld: list[str]) -> Body:
    """``body``, or the declared body in its place when ``body`` is short against it."""
    declared = prefer_declared(body.text, json_ld)
    if declared is None:
        return body
    return Body(text=declared, blocks=declared.count("\n\n") + 1, link_density=0.0)
