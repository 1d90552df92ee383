"""Reading a posted body into items: one bad item never spoils the rest."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.domain.errors import InvalidInputError
from carelane.posts.batch import BatchTooLargeError, parse_batch


def test_array_and_wrapped_forms_give_the_same_items() -> None:
    items = [{"external_id": "1"}, {"external_id": "2"}]
    plain = parse_batch(json.dumps(items).encode(), max_items=10)
    wrapped = parse_batch(json.dumps({"posts": items}).encode(), max_items=10)
    assert [i.data for i in plain] == [i.data for i in wrapped] == items
    assert [i.where for i in plain] == ["item 0", "item 1"]


def test_non_object_items_carry_their_own_error() -> None:
    items = parse_batch(b'[{"a": 1}, 3, null, [1]]', max_items=10)
    assert items[0].errors == ()
    assert [i.errors[0].message for i in items[1:]] == [
        "must be a JSON object, not int",
        "must be a JSON object, not null",
        "must be a JSON object, not list",
    ]


def test_invalid_utf8_stays_inside_its_string() -> None:
    (item,) = parse_batch(b'[{"text": "caf\xe9"}]', max_items=10)
    assert item.data == {"text": "caf\udce9"}


@pytest.mark.parametrize(
    ("body", "field"),
    [(b"", "body"), (b"{", "body"), (b"{}", "body"), (b"[]", "body"), (b'{"posts": {}}', "posts")],
)
def test_bodies_that_are_not_batches(body: bytes, field: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_batch(body, max_items=10)
    assert [e.field for e in raised.value.errors] == [field]


def test_too_many_items() -> None:
    with pytest.raises(BatchTooLargeError):
        parse_batch(b"[{}, {}, {}]", max_items=2)
    assert len(parse_batch(b"[{}, {}]", max_items=2)) == 2


@given(st.binary(max_size=200))
def test_any_bytes_give_items_or_invalid_input(body: bytes) -> None:
    try:
        items = parse_batch(body, max_items=50)
    except InvalidInputError:
        return
    assert 1 <= len(items) <= 50
