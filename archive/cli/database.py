"""``viral-archive db``: schema revisions (upgrade, current) and copying an archive."""

from __future__ import annotations

import time

import click
from sqlalchemy.exc import IntegrityError

from archive.cli.options import db_option
from db import DatabaseError, NoArchive, open_engine, resolve_db_url
from db.copy import copy_archive
from db.migrate import current_revision, head_revision, upgrade


@click.group("db")
def db_group() -> None:
    """Manage the archive database: schema upgrades and copies between databases.

        viral-archive db current --db postgresql+psycopg://crawler@db1/archive
        viral-archive db upgrade --db sqlite:///archive.db
        viral-archive db upgrade --create --db postgresql+psycopg://db1/archive
        viral-archive db copy --from sqlite:///archive.db --to postgresql+psycopg://db1/archive
    """


@db_group.command("upgrade")
@db_option
@click.option("--create", is_flag=True,
              help="Make a new archive when the file does not exist or the database is empty.")
def upgrade_command(db_url: str | None, create: bool) -> None:
    """Migrate the archive's schema to the revision this version of viral-archive needs.

    A missing SQLite file or an empty database is refused (a typo must not make a new
    archive) unless --create is given; a database holding other tables is always
    refused. Safe to run while nothing else writes; on PostgreSQL each upgrade is one
    transaction.
    """
    try:
        engine = open_engine(db_url, create=False, check_schema=False, write=True)
    except NoArchive:
        if not create:
            raise
        open_engine(db_url, create=True, write=True).dispose()
        click.echo(f"Created a new archive at revision {head_revision()}.")
        return
    try:
        with engine.begin() as connection:
            before, after = upgrade(connection)
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"The archive is at revision {after}, the latest; nothing to do.")
    else:
        click.echo(f"Upgraded the archive from revision {before or '(empty)'} to {after}.")


@db_group.command("current")
@db_option
def current_command(db_url: str | None) -> None:
    """Print the archive's schema revision and the one this version needs."""
    engine = open_engine(db_url, create=False, check_schema=False)
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
    finally:
        engine.dispose()
    head = head_revision()
    state = "up to date" if revision == head else 'behind: run "viral-archive db upgrade"'
    click.echo(f"{revision} (this version needs {head}; {state})")


@db_group.command("copy")
@click.option("--from", "source_url", required=True, metavar="URL",
              help="The archive to copy, e.g. sqlite:///archive.db.")
@click.option("--to", "target_url", required=True, metavar="URL",
              help="Where to copy it: a new archive, or one an earlier copy filled in part.")
@click.option("--batch", default=1000, show_default=True, type=click.IntRange(1, 100_000),
              help="Rows per transaction.")
def copy_command(source_url: str, target_url: str, batch: int) -> None:
    """Copy every row of one archive into another, e.g. SQLite into PostgreSQL.

    Streams each table in batches, keeps ids, and skips rows already copied, so an
    interrupted copy resumes when run again. Both archives must be at the latest schema
    revision (`viral-archive db upgrade`); the target is created if empty. Example:

        viral-archive db copy --from sqlite:///archive.db --to postgresql+psycopg://db1/archive
    """
    if resolve_db_url(source_url) == resolve_db_url(target_url):
        raise click.BadParameter("the source and the target are the same archive",
                                 param_hint="--to")
    source = open_engine(source_url, create=False)
    target = open_engine(target_url, create=True)
    started = time.monotonic()
    last_table = ""

    def progress(table: str, done: int, total: int) -> None:
        nonlocal last_table
        if table != last_table:
            last_table = table
            click.echo(f"{table}: {total} rows", err=True)
        if done == total or done % (batch * 20) == 0:
            click.echo(f"  {done}/{total}", err=True)

    try:
        results = copy_archive(source, target, batch=batch, on_progress=progress)
    except IntegrityError as exc:
        raise DatabaseError(
            "The target archive holds other rows that clash with the copied ones; copy "
            "into a new archive (or the one an earlier run of this copy filled)."
        ) from exc
    finally:
        source.dispose()
        target.dispose()
    copied = sum(r.copied for r in results)
    skipped = sum(r.skipped for r in results)
    click.echo(f"Copied {copied} rows ({skipped} already there) in "
               f"{time.monotonic() - started:.1f}s.")
