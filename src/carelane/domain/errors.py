"""Errors the services raise; the web layer maps each to one HTTP status."""

from dataclasses import dataclass
from typing import Any


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


class GuardedInputError(InvalidInputError):
    """Input a guard refuses as it stands, with what the client needs to put it right:
    `message` says what and why, `extra` goes in the error beside `details` (e.g. the
    spans of personal data, and that a private message is allowed)."""

    def __init__(self, message: str, errors: list[FieldError], *, extra: dict[str, Any]) -> None:
        super().__init__(errors)
        self.message = message
        self.extra = extra


class ReplyTooLongError(GuardedInputError):
    """A reply longer than its network takes, counted the way the network counts."""

    code = "reply_too_long"


class PersonalDataInPublicError(GuardedInputError):
    """A public reply that would expose personal data; a private message may carry it."""

    code = "personal_data_in_public"


class UnknownVariableError(GuardedInputError):
    """A canned response naming a variable carelane cannot fill in."""

    code = "unknown_variable"


class WrongStateError(ConflictError):
    """The thing is not in a state that allows the change (e.g. approving a reply that
    does not wait for approval)."""

    code = "wrong_state"
