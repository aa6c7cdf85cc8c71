"""Source health: is each source still yielding articles, or did it break silently?

A site redesign, a moved sitemap or a new bot wall rarely makes a crawl fail: it makes
it find nothing. :func:`source_health` reads the recent ``Crawl`` rows of each source
and flags the signs: no links found at all, no new articles for several runs after
earlier runs had some, and an error rate that jumped (or, on a first run, a high one). A
run whose every request failed is never its source's "last success".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models

#: runs read per source
RECENT_RUNS = 5
#: this many runs in a row without a new article (after runs with some) raise a flag
ZERO_YIELD_RUNS = 2
#: an error rate (errors per page tried) at least this high, and twice the earlier mean
ERROR_RATE_ALARM = 0.25


@dataclass(slots=True)
class SourceHealth:
    """What the recent runs of one source say about it."""

    name: str
    runs: int = 0
    last_run: datetime | None = None
    last_status: str | None = None
    last_success: datetime | None = None
    #: new articles per recent run, oldest first
    yields: list[int] = field(default_factory=list)
    #: errors per page tried of each recent run, oldest first
    error_rates: list[float] = field(default_factory=list)
    #: the most frequent error reasons of the last run
    last_errors: dict[str, int] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.flags


def _rate(crawl: models.Crawl) -> float:
    """Errors per page the run tried (fetched or failed); retries do not dilute it."""
    return crawl.errors / max(crawl.pages_fetched + crawl.errors, 1)


def _flags(runs: list[models.Crawl]) -> list[str]:
    """Flags from ``runs`` (oldest first, finished ones)."""
    flags: list[str] = []
    latest, earlier = runs[-1], runs[:-1]
    if latest.discovered == 0 and latest.articles_new == 0:
        flags.append("yield fell to zero: the last run found no links in sitemaps, feeds or pages")
    else:
        zero_streak = 0
        for crawl in reversed(runs):
            if crawl.articles_new:
                break
            zero_streak += 1
        if zero_streak >= ZERO_YIELD_RUNS and zero_streak < len(runs):
            flags.append(f"yield fell to zero: no new articles in the last {zero_streak} runs")
    rate = _rate(latest)
    if rate < ERROR_RATE_ALARM:
        return flags
    if not earlier:  # nothing to have jumped from
        flags.append(f"many errors: {rate:.0%} of pages failed in its first run")
        return flags
    earlier_mean = sum(map(_rate, earlier)) / len(earlier)
    if rate >= 2 * earlier_mean:
        flags.append(f"errors jumped: {rate:.0%} of pages failed in the last run "
                     f"(before: {earlier_mean:.0%})")
    return flags


def _reached_something(crawl: models.Crawl) -> bool:
    """The run fetched a page, or had nothing to fetch (no page due, none failed); a run
    whose every request failed is no success, however it ended."""
    return crawl.pages_fetched > 0 or crawl.errors == 0


def source_health(
    session: Session, names: Sequence[str], *, recent: int = RECENT_RUNS
) -> list[SourceHealth]:
    """The health of the sources called ``names``, from their last ``recent`` runs."""
    report = []
    for name in names:
        health = SourceHealth(name=name)
        crawls = list(session.scalars(
            select(models.Crawl).where(models.Crawl.source_name == name)
            .order_by(models.Crawl.started_at.desc(), models.Crawl.id.desc()).limit(recent)
        ))
        crawls.reverse()
        finished_runs = session.scalars(
            select(models.Crawl).where(models.Crawl.source_name == name,
                                       models.Crawl.status == "finished")
            .order_by(models.Crawl.started_at.desc(), models.Crawl.id.desc())
            .execution_options(yield_per=recent)
        )
        success = next((c for c in finished_runs if _reached_something(c)), None)
        health.last_success = success.finished_at if success else None
        if not crawls:
            health.flags.append("never crawled")
            report.append(health)
            continue
        latest = crawls[-1]
        health.runs = len(crawls)
        health.last_run, health.last_status = latest.started_at, latest.status
        finished = [c for c in crawls if c.status == "finished"]
        health.yields = [c.articles_new for c in finished]
        health.error_rates = [_rate(c) for c in finished]
        health.last_errors = dict(latest.error_reasons or {})
        if latest.status not in ("finished", "running"):
            health.flags.append(f"last run did not finish ({latest.status})")
        if finished:
            health.flags.extend(_flags(finished))
        report.append(health)
    return report


def crawled_source_names(session: Session) -> list[str]:
    """The names of every source the archive has a crawl of, sorted."""
    names = session.scalars(
        select(models.Crawl.source_name).where(models.Crawl.source_name.is_not(None)).distinct()
    )
    return sorted(n for n in names if n)
