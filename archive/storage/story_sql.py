"""Bulk statements placing stories needs: many keys looked up at once, many rows inserted.

An import batch of 10,000 articles looks up 420,000 band keys and inserts as many rows:
through SQLAlchemy's per-parameter bookkeeping that costs more than the database's own
work. Keys go as one JSON array (SQLite's ``json_each``) or one array parameter
(PostgreSQL's ``= ANY``); rows of plain values go through one DB-API ``executemany``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Table,
    bindparam,
    column,
    func,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

#: values per IN (...) list where a list is bound value by value
CHUNK = 900


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """``values`` in consecutive slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def among(dialect: str, target: ColumnElement[int]) -> ColumnElement[bool]:
    """The condition ``target IN (the values of among_values())``: the values are one
    parameter however many they are."""
    if dialect == "postgresql":
        return target == func.any(bindparam("among_values", type_=ARRAY(BigInteger())))
    values_table = func.json_each(bindparam("among_values"))
    listed: Select[Any] = select(column("value")).select_from(values_table)
    return target.in_(listed.scalar_subquery())


def among_values(session: Session, values: Sequence[int]) -> dict[str, Any]:
    """The parameters of an :func:`among` condition for ``values`` (64-bit integers):
    a JSON array on SQLite, an array on PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        return {"among_values": list(values)}
    return {"among_values": json.dumps(list(values))}


@functools.cache
def _insert_sql(table: Table, names: tuple[str, ...], dialect: Dialect
                ) -> tuple[str, list[int]]:
    compiled = insert(table).compile(dialect=dialect, column_keys=list(names))
    return str(compiled), [names.index(name) for name in compiled.positiontup or ()]


def insert_many(session: Session, table: Table, names: Sequence[str],
                rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples of plain values: numbers, text, bytes, in the order of
    ``names``) into ``table``: one DB-API ``executemany`` on SQLite, batched multi-row
    inserts elsewhere."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        sql, order = _insert_sql(table, tuple(names), connection.dialect)
        if order != list(range(len(names))):
            rows = [tuple(row[i] for i in order) for row in rows]
        connection.exec_driver_sql(sql, list(rows))
        return
    connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
