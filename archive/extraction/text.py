"""Small text helpers shared by the metadata readers."""

from __future__ import annotations

import html as html_lib
from typing import Any

from archive.extraction.jsonld import first_string


def clean_text(value: Any, limit: int = 1000) -> str | None:
    """Unescape entities, collapse whitespace; ``None`` when empty."""
    if not isinstance(value, str):
        value = first_string(value)
        if value is None:
            return None
    if "&" in value:
        value = html_lib.unescape(value)
    text = " ".join(value.split())[:limit]
    return text or None
