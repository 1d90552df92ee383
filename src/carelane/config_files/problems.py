"""What is wrong with a configuration file, and where."""

from dataclasses import dataclass

from carelane.domain.errors import FieldError, InvalidInputError


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One problem in a configuration file: where (1-based line and column), which field,
    what."""

    source: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.column}: {self.field}: {self.message}"


class ConfigFileError(InvalidInputError):
    """A configuration file with problems; `problems` holds every one, in file order."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        super().__init__(
            [
                FieldError(p.field, f"{p.message} (at {p.source}:{p.line}:{p.column})")
                for p in problems
            ]
        )
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(map(str, self.problems))
