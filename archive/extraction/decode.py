"""Turning the bytes of a page into text: BOM, HTTP header, meta charset, then a guess."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode


def _guess_encoding(body: bytes) -> str | None:
    best = from_bytes(body[:200_000]).best()
    return best.encoding if best is not None else None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Return ``body`` as text.

    The encoding is taken, in order, from a byte-order mark, the ``Content-Type`` header
    (when given), a ``<meta charset>`` or ``http-equiv`` declaration, and finally a
    statistical guess (charset-normalizer). Undecodable bytes become U+FFFD.
    """
    if not body:
        return ""
    _, text = html_to_unicode(content_type, body, auto_detect_fun=_guess_encoding)
    return text


def looks_binary(body: bytes) -> bool:
    """True when ``body`` is evidently not text (NUL bytes early on, no BOM for UTF-16/32)."""
    head = body[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head
