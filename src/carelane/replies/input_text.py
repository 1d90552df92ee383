"""Text people type into replies, notes, comments and canned responses: what no
database stores (NUL, lone surrogates) and what is no text (control characters but tab
and newlines) is refused where it comes in, naming where it is."""

from typing import Annotated

from pydantic import AfterValidator

from carelane.ingest.text_checks import text_problem


def acceptable_text(value: str) -> str:
    """`value` when it is acceptable text; ValueError saying what is wrong and where."""
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


TypedText = Annotated[str, AfterValidator(acceptable_text)]
"""A string field of typed text: refused with its problem when it is not text."""
