"""Cleaning bylines into a list of person names."""

from __future__ import annotations

import re
from typing import Any

_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|reported|text|story|words|photos?|interview|edited)\s+by|by|"
    r"von|vom|text|autor(?:in)?|autoren|author|authors|par|por|di|da|de|door|av|af|"
    r"napisał[a]?|автор|redakteur(?:in)?)\b\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r"\s*(?:,|;|\||/|&|\+|\band\b|\bund\b|\bet\b|\by\b|\be\b|\ben\b|\boch\b|\bog\b|\bi\b|"
    r"\bu\.\b|\bsowie\b)\s*",
    re.IGNORECASE,
)
_URL_OR_MAIL = re.compile(r"https?://|www\.|\S+@\S+\.\w+|^@")
_TRAILING = re.compile(
    r"\s*(?:[-–—|,]\s*)?(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}.*|"
    r"(?:published|updated|posted|veröffentlicht|aktualisiert|am|on|le)\s.*\d.*)$",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")
_NOT_A_NAME = re.compile(
    r"^(?:admin|administrator|staff|editor|editors|redaktion|redazione|rédaction|"
    r"redacción|team|webmaster|guest|unknown|anonymous|null|none|undefined|author|"
    r"autor|by|von|the|and|und)$",
    re.IGNORECASE,
)
_MAX_WORDS = 5


def _clean_one(name: str) -> str | None:
    name = " ".join(name.split())
    name = _TRAILING.sub("", name)
    name = _PARENS.sub(" ", name)
    for _ in range(2):
        name = _PREFIX.sub("", name)
    name = name.strip(" \t-–—:|,.;·•*\"'“”„")
    if len(name) < 2 or len(name) > 80:
        return None
    if _URL_OR_MAIL.search(name) or _NOT_A_NAME.match(name):
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
    for entry in raw:
        if not entry or _URL_OR_MAIL.match(entry.strip()):
            continue
        entry = _PREFIX.sub("", " ".join(entry.split()))
        for part in _SPLIT.split(entry):
            name = _clean_one(part)
            if name is None:
                continue
            key = name.lower()
            if key in seen or (site and (key == site or key.replace(" ", "") == site)):
                continue
            seen.add(key)
            names.append(name)
    return names[:20]


def json_ld_authors(value: Any) -> list[str]:
    """Names in a JSON-LD ``author`` / ``creator`` value: a string, a Person object, or a
    list of them. Organisations are skipped when persons are given too."""
    persons: list[str] = []
    orgs: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:20]:
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
