"""`column IN (values)` for lists as long as a batch, on either database.

On PostgreSQL the list is one array parameter (`column = ANY(%(values)s)`): the
statement's text is the same whatever the number of values, so neither SQLAlchemy nor the
driver renders and parses it anew for each batch, and the server sees one parameter
instead of a thousand. SQLite has no arrays and takes the plain IN list.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.types import ARRAY


def is_one_of(
    session: Session, column: ColumnElement[Any] | QueryableAttribute[Any], values: Iterable[Any]
) -> ColumnElement[bool]:
    """True where `column` holds one of `values` (given in sorted order, so that rows are
    read, and locked, in one order)."""
    ordered = sorted(set(values))
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, ordered, type_=ARRAY(column.type)))
    return column.in_(ordered)
