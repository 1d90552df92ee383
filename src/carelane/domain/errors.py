"""Errors the services raise; the web layer maps each to one HTTP status."""

from dataclasses import dataclass


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code = "error"


class NotFoundError(DomainError):
    """The thing asked for does not exist in this workspace."""

    code = "not_found"


class ConflictError(DomainError):
    """The change clashes with the current state (e.g. a name already taken)."""

    code = "conflict"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field of one input item."""

    field: str
    message: str


class InvalidInputError(DomainError):
    """Input that breaks a rule; carries every problem found, each naming its field."""

    code = "invalid_input"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors
