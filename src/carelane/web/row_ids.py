"""Row ids as requests name them: positive and within the 64-bit keys the store uses, so
that an id no row can have is refused (422) before any query, not by the database."""

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

MAX_ROW_ID = 2**63 - 1

PathId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
"""A row id in a URL's path."""
QueryId = Annotated[int, Query(ge=1, le=MAX_ROW_ID)]
"""A row id in a URL's query."""
BodyId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
"""A row id in a request's body."""
