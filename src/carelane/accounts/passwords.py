"""Passwords: the length rule, and argon2id hashes through argon2-cffi.

argon2-cffi is the reference binding of the Password Hashing Competition's winner; its
hashes carry their parameters, so a hash made under older parameters is still checked
and can be replaced after the next successful sign-in.
"""

from argon2 import Parameters, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from carelane.domain.errors import FieldError, InvalidInputError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
"""Long enough for any passphrase, short enough that hashing stays cheap to ask for."""


def password_problems(password: str, *, field: str = "password") -> list[FieldError]:
    """What is wrong with `password` as a new password; empty when nothing is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [FieldError(field, f"must be at least {MIN_PASSWORD_LENGTH} characters")]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [FieldError(field, f"must be at most {MAX_PASSWORD_LENGTH} characters")]
    if not password.strip():
        return [FieldError(field, "must not be only spaces")]
    return []


def check_password(password: str, *, field: str = "password") -> None:
    """InvalidInputError naming `field` unless `password` may be used."""
    problems = password_problems(password, field=field)
    if problems:
        raise InvalidInputError(problems)


class Passwords:
    """Hashing and checking passwords under one set of argon2id parameters (argon2-cffi's
    recommended ones by default)."""

    def __init__(self, parameters: Parameters | None = None) -> None:
        self._hasher = (
            PasswordHasher() if parameters is None else PasswordHasher.from_parameters(parameters)
        )
        self._dummy_hash: str | None = None

    def hash(self, password: str) -> str:
        """The PHC string of a fresh salted hash of `password`."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether `password` matches `password_hash`; False also for a damaged hash."""
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether `password_hash` was made under other parameters than these."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def waste_time(self, password: str) -> None:
        """Check `password` against a hash nobody has, as long as a real check takes, so
        that an unknown email answers no faster than a wrong password."""
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash("no account has this password")
        self.verify(self._dummy_hash, password)
