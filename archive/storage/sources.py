"""Sources: the sites articles come from, and the one way a user names them.

A ``Source`` row stands for one host (``www.`` removed, a non-default port kept). A user
names sources in any of three ways, and every command (``search``, ``count``,
``export``, ``reextract``, ``export-warc``), the query language's ``source:`` field and
the web API read the name the same way:

- a host: ``bbc.co.uk`` selects bbc.co.uk and its subdomains (``news.bbc.co.uk``), on any
  port;
- a site name: the name a site gives itself (``og:site_name``) or an import gave it,
  case ignored;
- a source of a sources file: ``daily-ledger`` selects the articles crawled as
  ``[sources.daily-ledger]``.

A prefix (``bbc*``, in the query language) matches the start of a host or a site name.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Insert, exists, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from archive.core.urls import site_of
from archive.exceptions import UnknownSource
from db import models


def _host_of(name: str) -> str:
    # a value that is no host at all ("[", "a]b") cannot name a host: compare it as typed
    try:
        return site_of(name if "//" in name else f"//{name}")
    except ValueError:
        return name.lower()


def _matching_sources(name: str, *, prefix: bool) -> ColumnElement[bool]:
    """A condition on ``Source`` rows matching ``name`` as a host or a site name."""
    site_name = func.lower(models.Source.name)
    if prefix:
        return or_(
            models.Source.domain.startswith(_host_of(name) if name else name, autoescape=True),
            site_name.startswith(name.lower(), autoescape=True),
        )
    host = _host_of(name)
    return or_(
        models.Source.domain == host,
        models.Source.domain.startswith(host + ":", autoescape=True),
        models.Source.domain.endswith("." + host, autoescape=True),
        models.Source.domain.contains(f".{host}:", autoescape=True),  # a subdomain, a port
        site_name == name.lower(),
    )


def source_condition(name: str, *, prefix: bool = False) -> ColumnElement[bool]:
    """A condition on ``articles`` selecting the articles of the sources ``name`` names
    (see the module docstring); ``prefix`` matches hosts and site names by their start."""
    name = name.strip()
    by_site = models.Article.source_id.in_(
        select(models.Source.id).where(_matching_sources(name, prefix=prefix))
    )
    if prefix:
        return by_site
    by_crawl = models.Article.id.in_(
        select(models.UrlState.article_id).where(
            models.UrlState.source_name == name, models.UrlState.article_id.is_not(None)
        )
    )
    return or_(by_site, by_crawl)


def check_source_exists(session: Session, name: str) -> None:
    """Make sure ``name`` names at least one source of the archive.

    Raises:
        UnknownSource: no host, site name or sources-file name matches ``name``.
    """
    name = name.strip()
    known = session.scalar(select(
        exists().where(_matching_sources(name, prefix=False))
        | exists().where(models.UrlState.source_name == name)
    ))
    if not known:
        raise UnknownSource(
            f"No source of this archive is called {name!r}: give a host (example.com, "
            f"subdomains included), a site name or a sources-file name "
            f"(viral-archive stats lists the hosts and names)."
        )


def _insert_source_if_missing(session: Session, domain: str, name: str | None) -> None:
    # several crawler processes may meet a new site at once: the database decides who
    # inserts it, the others' inserts do nothing (ON CONFLICT DO NOTHING on both backends)
    values = {"domain": domain, "name": name, "created_at": models.utcnow()}
    stmt: Insert
    if session.get_bind().dialect.name == "postgresql":
        stmt = postgresql.insert(models.Source).values(values)
    else:
        stmt = sqlite.insert(models.Source).values(values)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["domain"]))


def source_id(session: Session, domain: str, name: str | None) -> int:
    """The id of the ``Source`` row for ``domain``, created when missing; its name filled
    in once known. Safe when other processes create the same source at the same time."""
    row = session.execute(
        select(models.Source.id, models.Source.name).where(models.Source.domain == domain)
    ).first()
    if row is None:
        _insert_source_if_missing(session, domain, name)
        row = session.execute(
            select(models.Source.id, models.Source.name).where(models.Source.domain == domain)
        ).one()
    if row.name is None and name:
        session.get_one(models.Source, row.id).name = name
    return int(row.id)
