"""Inserting many rows of one table at once: the ingest's write path.

`session.execute(table.insert(), rows)` builds each row's parameters anew through the
statement's compiled form, which costs more than the database's own work for a batch of
small rows. `insert_rows` compiles the INSERT once per table, dialect and set of columns,
converts each value with its column type's own bind processor (the very conversion Core
applies, so what is stored is the same) and hands the rows to the driver's executemany.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Table
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Plan:
    """A compiled INSERT and how to turn a row into the driver's parameters."""

    sql: str
    keys: tuple[str, ...]
    processors: tuple[Processor, ...]
    positional: bool

    def parameters(self, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        """The driver's parameters of each row: converted a column at a time."""
        columns = []
        for key, process in zip(self.keys, self.processors, strict=True):
            values = [row[key] for row in rows]
            columns.append(values if process is None else list(map(process, values)))
        if self.positional:
            return list(zip(*columns, strict=True))
        return [dict(zip(self.keys, values, strict=True)) for values in zip(*columns, strict=True)]


_PLANS: dict[tuple[str, str, str, tuple[str, ...]], _Plan | None] = {}


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (column name -> value) into `table` in the session's transaction.

    Rows may name different columns; each set of columns is inserted as one executemany.
    A table whose columns not given have Python-side defaults goes through Core, which
    knows how to compute them."""
    groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    if not groups:
        return
    connection = session.connection()
    for keys, group in groups.items():
        plan = _plan(connection.dialect, table, keys)
        if plan is None:
            session.execute(table.insert(), group)
        else:
            connection.exec_driver_sql(plan.sql, plan.parameters(group))


def _plan(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> _Plan | None:
    cache_key = (dialect.name, str(dialect.paramstyle), table.name, keys)
    if cache_key not in _PLANS:
        _PLANS[cache_key] = _compile(dialect, table, keys)
    return _PLANS[cache_key]


def _compile(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> _Plan | None:
    given = set(keys)
    if any(c.default is not None for c in table.columns if c.key not in given):
        return None
    compiled = table.insert().compile(dialect=dialect, column_keys=list(keys))
    order = tuple(compiled.positiontup or ()) if compiled.positional else keys
    if set(order) != given:  # pragma: no cover - an INSERT binds each given column once
        return None
    return _Plan(
        sql=compiled.string,
        keys=order,
        processors=tuple(
            table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in order
        ),
        positional=compiled.positional,
    )
