"""Cheap text-level work done before the HTML is parsed.

Scripts, styles, SVG and comments are most of a modern page's bytes and never content;
cutting them out before BeautifulSoup builds its tree saves most of the parsing time.
JSON-LD blocks are kept aside first, since the metadata lives there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_JSON_LD = re.compile(
    r"<script\b[^>]*type\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)
_NEVER_CONTENT = re.compile(
    r"<(script|style|svg|noscript|template)\b.*?</\1\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(slots=True)
class PreparedPage:
    """The page's markup without never-content elements, and its JSON-LD texts."""

    html: str
    json_ld: list[str] = field(default_factory=list)


def prepare_html(text: str) -> PreparedPage:
    """Collect JSON-LD blocks, then remove scripts, styles, SVG, templates and comments."""
    json_ld = [m.group(1) for m in _JSON_LD.finditer(text)]
    return PreparedPage(html=_NEVER_CONTENT.sub(" ", text), json_ld=json_ld)
