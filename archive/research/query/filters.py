"""Search filters given beside the query: source, date range, language — validated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from archive.exceptions import QueryError

MAX_SOURCE_LENGTH = 255
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def as_utc(value: date | datetime | str | None, *, name: str, end_of_day: bool = False
           ) -> datetime | None:
    """``value`` (a date, datetime or ISO 8601 text) as a UTC-aware datetime.

    A naive value is taken as UTC. With ``end_of_day`` a bare date means its last instant,
    so ``until="2026-03-31"`` includes the whole of that day.

    Raises:
        QueryError: the text is not an ISO 8601 date or datetime, or the time is out of
            range in UTC.
    """
    if value is None or value == "":
        return None
    given = value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                value = date.fromisoformat(text)
            else:
                value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise QueryError(
                f"{name} {value!r} is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS."
            ) from None
    if not isinstance(value, datetime):
        # its last instant, not the next day's first one less a microsecond: 9999-12-31
        # has no next day
        value = datetime.combine(value, time.max if end_of_day else time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00-05:00 is in the year 10000 in UTC
        raise QueryError(
            f"{name} {str(given)!r} is out of range: dates run from 0001-01-01 to "
            "9999-12-31 (UTC)."
        ) from None


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions on which articles a query considers (all optional, all combined)."""

    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    lang: str | None = None

    @classmethod
    def build(
        cls,
        *,
        source: str | None = None,
        since: date | datetime | str | None = None,
        until: date | datetime | str | None = None,
        lang: str | None = None,
    ) -> Filters:
        """Validated filters from user values.

        Raises:
            QueryError: a value is malformed or the date range is empty.
        """
        source = (source or "").strip() or None
        if source is not None and len(source) > MAX_SOURCE_LENGTH:
            raise QueryError(f"The source must be at most {MAX_SOURCE_LENGTH} characters.")
        lang = (lang or "").strip() or None
        if lang is not None and not _LANG.match(lang):
            raise QueryError(f"{lang!r} is not a language code; use e.g. en, de or pt-BR.")
        start = as_utc(since, name="since")
        end = as_utc(until, name="until", end_of_day=True)
        if start and end and start > end:
            raise QueryError("since is after until: the date range holds no day.")
        return cls(source=source, since=start, until=end, lang=lang.lower() if lang else None)
