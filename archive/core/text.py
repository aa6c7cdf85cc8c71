"""Text as the archive keeps it: without control characters.

Tab and line breaks are text; the other C0 control characters and DEL are not. A page or
an import line holding them would otherwise store them, and the search engine marks
matches in snippets with two of them (``\\x02`` and ``\\x03``): an article could forge its
own highlighting. Queries refuse them for the same reason.
"""

from __future__ import annotations

import re
from typing import Any

#: control characters but tab, line feed and carriage return
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with :data:`CONTROL_CHARACTERS` removed from every text and every list
    of texts among them (other values, such as an ``extra`` mapping, as they are)."""
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = CONTROL_CHARACTERS.sub("", value)
        elif isinstance(value, list):
            value = [CONTROL_CHARACTERS.sub("", v) if isinstance(v, str) else v for v in value]
        cleaned[name] = value
    return cleaned
