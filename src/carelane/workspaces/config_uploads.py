"""Configuration files sent to carelane (over HTTP or from the CLI): their text, and their
problems as invalid input whose fields name the file's place (`teams.yaml:12:5: agents[2]`)."""

from carelane.config_files.decoding import config_text
from carelane.config_files.problems import ConfigFileError
from carelane.domain.errors import FieldError, InvalidInputError

MAX_CONFIG_BYTES = 1_000_000


def uploaded_text(data: bytes, source: str, *, max_bytes: int = MAX_CONFIG_BYTES) -> str:
    """A configuration file's UTF-8 text (a byte-order mark dropped); InvalidInputError if it
    is too large or not UTF-8, naming the line and column of the first bad byte."""
    if len(data) > max_bytes:
        raise InvalidInputError([FieldError(source, f"is larger than {max_bytes:,} bytes")])
    try:
        return config_text(data, source)
    except ConfigFileError as error:
        raise file_problems(error, source) from None


def file_problems(error: ConfigFileError, source: str) -> InvalidInputError:
    """A configuration file's problems as invalid input, each field `SOURCE:LINE:COL: path`."""
    return InvalidInputError(
        [FieldError(f"{source}:{p.line}:{p.column}: {p.field}", p.message) for p in error.problems]
    )
