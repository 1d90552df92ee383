"""Inserting or updating many rows of one table at once: the ingest's write path.

`session.execute(table.insert(), rows)` builds each row's parameters anew through the
statement's compiled form, which costs more than the database's own work for a batch of
small rows. `insert_rows` compiles the INSERT once per table, dialect and set of columns,
converts each value with its column type's own bind processor (the very conversion Core
applies, so what is stored is the same) and hands the rows to the driver's executemany.
`update_rows` does the same for an UPDATE of many rows by primary key.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Table, bindparam
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Plan:
    """A compiled INSERT and how to turn a row into the driver's parameters."""

    sql: str
    keys: tuple[str, ...]
    """The row's keys whose values are bound, in the statement's order."""
    binds: tuple[str, ...]
    """The statement's names for them."""
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
        return [dict(zip(self.binds, values, strict=True)) for values in zip(*columns, strict=True)]


_PLANS: dict[tuple[str, str, Table, str, tuple[str, ...]], _Plan | None] = {}
"""Compiled statements by dialect, paramstyle, table, statement and columns."""


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
    cache_key = (dialect.name, str(dialect.paramstyle), table, "insert", keys)
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
        binds=order,
        processors=tuple(
            table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in order
        ),
        positional=compiled.positional,
    )


def update_rows(
    session: Session, table: Table, key: str, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Set the given columns of each row whose `key` column equals the row's `key` value,
    in the session's transaction; every row names the same columns."""
    if not rows:
        return
    columns = tuple(name for name in rows[0] if name != key)
    connection = session.connection()
    dialect = connection.dialect
    cache_key = (dialect.name, str(dialect.paramstyle), table, f"update by {key}", columns)
    if cache_key not in _PLANS:
        _PLANS[cache_key] = _compile_update(dialect, table, key, columns)
    plan = _PLANS[cache_key]
    if plan is None:  # pragma: no cover - an UPDATE binds each given column once
        raise ValueError(f"cannot update {table.name} by {key}: {columns}")
    connection.exec_driver_sql(plan.sql, plan.parameters(rows))


def _compile_update(
    dialect: Dialect, table: Table, key: str, columns: tuple[str, ...]
) -> _Plan | None:
    statement = (
        table.update()
        .where(table.c[key] == bindparam(f"where_{key}"))
        .values({name: bindparam(name) for name in columns})
    )
    compiled = statement.compile(dialect=dialect)
    binds = (*columns, f"where_{key}")
    order = tuple(compiled.positiontup or ()) if compiled.positional else binds
    if set(order) != set(binds):  # pragma: no cover - see above
        return None
    column_of = {name: name for name in columns} | {f"where_{key}": key}
    return _Plan(
        sql=compiled.string,
        keys=tuple(column_of[name] for name in order),
        binds=order,
        processors=tuple(
            table.c[column_of[name]].type.dialect_impl(dialect).bind_processor(dialect)
            for name in order
        ),
        positional=compiled.positional,
    )
