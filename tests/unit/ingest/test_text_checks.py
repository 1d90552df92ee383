"""Text from outside: what is refused, what passes, and how the refusal reads."""

import math

import pytest

from carelane.ingest.text_checks import stored_json_problem, text_problem


@pytest.mark.parametrize(
    "text",
    ["", "plain", "tab\tnew\nline\r\n", "😡😡 #nothappy", "عربى", "中文", "&amp;", "\u00a0nbsp"],
)
def test_acceptable_text(text: str) -> None:
    assert text_problem(text) is None


def test_undecodable_byte_is_reported_as_invalid_utf8() -> None:
    text = b"ok \xff\xfe".decode("utf-8", errors="surrogateescape")
    assert text_problem(text) == "is not valid UTF-8 (byte 0xff at position 3)"


def test_lone_surrogate_from_a_json_escape() -> None:
    assert text_problem("a\ud83d") == "contains an unpaired surrogate U+D83D at position 1"


@pytest.mark.parametrize("code", [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x80])
def test_every_control_character_is_refused(code: int) -> None:
    assert text_problem(f"x{chr(code)}") == f"contains control character U+{code:04X} at position 1"


def test_the_first_problem_wins_and_surrogates_before_controls() -> None:
    assert text_problem("\x01\ud800") == "contains an unpaired surrogate U+D800 at position 1"


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"a": [1, 2.5, None, True, "x\x07y", {"b": "\t\n"}]},
        {"big": 10**30, "neg": -1, "emoji": "👍🏽"},
    ],
)
def test_storable_json(value: object) -> None:
    assert stored_json_problem(value) is None


@pytest.mark.parametrize(
    ("value", "path", "words"),
    [
        ({"a": "x\x00"}, "a", "U+0000 at position 1"),
        ({"a": {"b": ["ok", "\udcff"]}}, "a.b.1", "byte 0xff"),
        ({"a": math.nan}, "a", "is nan"),
        ({"a": [math.inf]}, "a.0", "is inf"),
        ({"a": {"k\x00": 1}}, "a", "has a key"),
        ({"a": {1: 1}}, "a", "key that is not text"),
        ({"a": b"bytes"}, "a", "is a bytes, not a JSON value"),
        ({"first": "\x00", "second": "\x00"}, "first", "U+0000"),
    ],
)
def test_unstorable_json_names_the_path(value: object, path: str, words: str) -> None:
    problem = stored_json_problem(value)
    assert problem is not None
    assert problem[0] == path
    assert words in problem[1]


def test_deeply_nested_json_does_not_exhaust_the_stack() -> None:
    value: object = "x\x00"
    for _ in range(10_000):
        value = [value]
    problem = stored_json_problem(value)
    assert problem is not None
    assert problem[0] == ".".join(["0"] * 10_000)
