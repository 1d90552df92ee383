"""Reading CSV files row by row without letting one bad row stop the file."""

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from carelane.domain.errors import FieldError

csv.field_size_limit(sys.maxsize)


def read_csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str], list[FieldError]]]:
    """(first line number, row, problems) for each data row of a CSV file with a header.

    Bytes that are not UTF-8 are kept as lone surrogates, so the row is still read and
    validation reports the field they are in; rows wider or narrower than the header
    come with a problem.
    """
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        reader = csv.DictReader(handle)
        width = len(reader.fieldnames or [])
        start = reader.line_num + 1
        for row in reader:
            problems: list[FieldError] = []
            extra = row.pop(None, None)
            if extra is not None:
                problems.append(FieldError("row", f"has more fields than the header's {width}"))
            if any(value is None for value in row.values()):
                problems.append(FieldError("row", f"has fewer fields than the header's {width}"))
            yield start, {key: value or "" for key, value in row.items()}, problems
            start = reader.line_num + 1
