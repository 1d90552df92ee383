"""Passwords: the length rule, argon2id hashing and checking, and rehashing."""

import pytest
from argon2 import profiles

from carelane.accounts.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    Passwords,
    check_password,
    password_problems,
)
from carelane.domain.errors import InvalidInputError

CHEAP = Passwords(profiles.CHEAPEST)


def test_too_short_a_password_is_refused_naming_the_rule() -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_password("x" * (MIN_PASSWORD_LENGTH - 1))
    [problem] = caught.value.errors
    assert problem.field == "password"
    assert f"at least {MIN_PASSWORD_LENGTH} characters" in problem.message


def test_passwords_of_the_allowed_lengths_pass() -> None:
    assert password_problems("x" * MIN_PASSWORD_LENGTH) == []
    assert password_problems("x" * MAX_PASSWORD_LENGTH) == []
    assert password_problems("x" * (MAX_PASSWORD_LENGTH + 1))[0].field == "password"
    assert password_problems(" " * MIN_PASSWORD_LENGTH)[0].message == "must not be only spaces"


def test_a_hash_verifies_its_password_only() -> None:
    password_hash = CHEAP.hash("correct horse battery")
    assert password_hash.startswith("$argon2id$")
    assert "correct horse" not in password_hash
    assert CHEAP.verify(password_hash, "correct horse battery")
    assert not CHEAP.verify(password_hash, "correct horse battery!")
    assert CHEAP.hash("correct horse battery") != password_hash  # salted


def test_a_damaged_hash_verifies_nothing_and_needs_rehashing() -> None:
    assert not CHEAP.verify("not a hash", "anything at all")
    assert CHEAP.needs_rehash("not a hash")


def test_a_hash_under_other_parameters_needs_rehashing() -> None:
    old = CHEAP.hash("correct horse battery")
    current = Passwords()
    assert current.verify(old, "correct horse battery")
    assert current.needs_rehash(old)
    assert not current.needs_rehash(current.hash("correct horse battery"))
