"""Turning the bytes of a page into text: BOM, valid UTF-8, declarations, then a guess.

Order of evidence:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) — always right;
2. bytes that are valid UTF-8 and hold non-ASCII sequences are UTF-8, whatever the
   page or the server declares: legacy single-byte text is practically never valid
   UTF-8 by chance, while pages declaring "iso-8859-1" but served as UTF-8 are common;
3. the ``Content-Type`` header, then a ``<meta charset>`` / ``http-equiv`` / XML
   declaration (w3lib), unless it says UTF-8 and the bytes are mostly not UTF-8;
4. a statistical guess (charset-normalizer), preferring windows-1252 among guesses that
   read about as well, as browsers do for undeclared Western pages.

Undecodable bytes become U+FFFD; nothing raises.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    resolve_encoding,
)

#: Declared encodings that are ASCII-only on the wire yet not UTF-8.
_SEVEN_BIT = ("iso2022", "iso-2022", "utf-7", "utf_7", "hz")
_GUESS_BYTES = 100_000
#: How much worse (charset-normalizer "chaos") windows-1252 may read than the best guess
#: and still be preferred.
_CP1252_MARGIN = 0.1
_SINGLE_BYTE_LATIN = re.compile(r"^(cp125\d|iso8859_\d+|latin_1|mac_\w+|cp8\d\d|cp437)$")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _bom(body: bytes) -> str | None:
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return name
    return None


def _mostly_utf8(body: bytes) -> bool:
    """True when the bytes are UTF-8 but for a few stray bytes (at most 1 in 10 of the
    non-ASCII characters undecodable)."""
    text = body[:_GUESS_BYTES].decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(_NON_ASCII.findall(text)) - bad
    return bad <= 0.1 * (good + bad)


def guess_encoding(body: bytes) -> str:
    """The likeliest encoding of undeclared, non-UTF-8 bytes."""
    try:
        results = list(from_bytes(body[:_GUESS_BYTES]))
    except Exception:  # noqa: BLE001 - a guess must never break decoding
        results = []
    if not results:
        return "cp1252"
    best = results[0]
    name = (resolve_encoding(best.encoding) or best.encoding).lower()
    if not _SINGLE_BYTE_LATIN.match(best.encoding) or name == "cp1252":
        return best.encoding
    for match in results:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + _CP1252_MARGIN:
            return "cp1252"
    sample = body[:_GUESS_BYTES]
    try:
        if sample.decode("cp1252") == sample.decode(best.encoding):
            return "cp1252"
    except (UnicodeDecodeError, LookupError):
        pass
    return best.encoding


def _decode(body: bytes, encoding: str) -> str:
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        return body.decode("cp1252", errors="replace")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Return ``body`` as text, by the order of evidence of the module doc.

    ``content_type`` is the HTTP ``Content-Type`` header, when known.
    """
    if not body:
        return ""
    bom = _bom(body)
    if bom is not None:
        return _decode(body, bom).lstrip("\ufeff")
    declared = (content_type and http_content_type_encoding(content_type)) or (
        html_body_declared_encoding(body)
    )
    declared_norm = (declared or "").lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and not declared_norm.startswith(_SEVEN_BIT):
        return text
    if declared and not declared_norm.replace("-", "").startswith("utf8"):
        _, text = html_to_unicode(content_type, body, auto_detect_fun=guess_encoding)
        return text
    if _mostly_utf8(body):
        return _decode(body, "utf-8")
    return _decode(body, guess_encoding(body))


def looks_binary(body: bytes) -> bool:
    """True when ``body`` is evidently not text (NUL bytes early on, no BOM for UTF-16/32)."""
    head = body[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head
