"""A configuration file's bytes as text: UTF-8, a byte-order mark dropped, and the place of
the first byte that is not UTF-8 when there is one."""

from carelane.config_files.problems import ConfigFileError, ConfigProblem


def config_text(data: bytes, source: str, *, error: type[ConfigFileError] = ConfigFileError) -> str:
    """The text of a file named `source`; raises `error` naming the line and column of the
    first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as undecodable:
        start = undecodable.start
        line = data[:start].count(b"\n") + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise error([ConfigProblem(source, line, column, "file", "is not valid UTF-8")]) from None
