"""Primary keys handed out before rows are inserted.

Knowing ids up front lets a batch insert its rows with a plain executemany (the driver's
fastest path) instead of an INSERT ... RETURNING per page, and link rows to each other
before any is written.
"""

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` unused ids for `table`, valid for the rest of the session's transaction.

    PostgreSQL draws them from the table's sequence, so concurrent transactions never
    share one. SQLite takes the next ids after the largest stored: the write transaction
    (BEGIN IMMEDIATE, see store.database) holds the whole database until it commits, so no
    one else can take them meanwhile.
    """
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table.name, "n": count},
        )
        return [row[0] for row in rows]
    largest = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
    return list(range(largest + 1, largest + 1 + count))
