"""Counting every article per period by walking the publication-date index in ranges.

Grouping a million dates by month makes the database sort them all; counting the index
entries of each month's range is a tight loop instead. The engine uses this for counts
with no query and no filter other than dates — "the archive over time" — when the
archive is large enough for the per-range statements to pay off.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import Session

from archive.research.query.backend import Period
from archive.research.query.filters import Filters
from archive.research.results import CountRow
from db import models
from db.types import UTCDateTime

#: one statement per period costs about as much as grouping this many articles
ROWS_PER_STATEMENT = 2_000


def period_start(day: date, by: Period) -> date:
    """The first day of the period holding ``day`` (weeks start on Monday)."""
    if by == "month":
        return day.replace(day=1)
    if by == "week":
        return day - timedelta(days=day.weekday())
    return day


def next_period(start: date, by: Period) -> date | None:
    """The first day of the period after the one starting on ``start``; ``None`` after
    the last period of the calendar (9999-12-31 has no next day)."""
    try:
        if by == "month":
            return date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start + timedelta(days=7 if by == "week" else 1)
    except (ValueError, OverflowError):
        return None


def periods_between(first: date, last: date, by: Period, *,
                    at_most: int | None = None) -> list[date] | None:
    """The first days of the periods from the one holding ``first`` to the one holding
    ``last``; ``None`` when they are more than ``at_most``."""
    starts = [period_start(first, by)]
    while at_most is None or len(starts) <= at_most:
        following = next_period(starts[-1], by)
        if following is None or following > last:
            return starts
        starts.append(following)
    return None


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _after(moment: datetime) -> datetime:
    """The first instant after ``moment`` (itself at the end of the calendar, which no
    stored date passes)."""
    return moment if moment == datetime.max.replace(tzinfo=UTC) else (
        moment + timedelta(microseconds=1))


def count_by_ranges(session: Session, filters: Filters, by: Period) -> list[CountRow] | None:
    """Every dated article (within the filters' dates) per period, or ``None`` when
    grouping would be cheaper (a small archive or many short periods)."""
    published = models.Article.published
    bounds: list[ColumnElement[bool]] = [published.is_not(None)]
    if filters.since is not None:
        bounds.append(published >= filters.since)
    if filters.until is not None:
        bounds.append(published <= filters.until)
    first, last = session.execute(select(func.min(published), func.max(published))
                                  .where(*bounds)).one()
    if first is None or last is None:
        return []
    articles = session.scalar(select(func.max(models.Article.id))) or 0
    # worth it while there are at least ROWS_PER_STATEMENT articles per period
    at_most = articles // ROWS_PER_STATEMENT if ROWS_PER_STATEMENT else None
    starts = periods_between(first.date(), last.date(), by, at_most=at_most)
    if not starts:
        return None
    # only the two bounds below: given since/until as well, SQLite may walk the index by
    # those (the whole range) and test these on every row
    in_range = select(func.count()).select_from(models.Article).where(
        published >= bindparam("start", type_=UTCDateTime()),
        published < bindparam("end", type_=UTCDateTime()),
    )
    lowest = filters.since
    beyond = _after(filters.until) if filters.until else None
    connection = session.connection()  # Core: a statement per period must be cheap
    rows = []
    for start in starts:
        following = next_period(start, by)
        low = _midnight(start)
        high = _midnight(following) if following else _after(datetime.max.replace(tzinfo=UTC))
        count = connection.execute(in_range, {
            "start": max(low, lowest) if lowest else low,
            "end": min(high, beyond) if beyond else high,
        }).scalar()
        if count:
            rows.append(CountRow(period=start.isoformat(), source=None, count=int(count)))
    return rows
