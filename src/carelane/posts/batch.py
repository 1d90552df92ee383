"""Reading the body of `POST /api/v1/posts` so that one bad item never fails the batch."""

import json
from typing import Any

from carelane.domain.errors import FieldError, InvalidInputError
from carelane.ingest.readers.base import RawItem


class BatchTooLargeError(InvalidInputError):
    """A batch with more items than one request may carry."""

    code = "batch_too_large"


def parse_batch(body: bytes, *, max_items: int) -> list[RawItem]:
    """The items of a JSON array, or of `{"posts": [...]}`, one `RawItem` each.

    Bytes that are not UTF-8 are kept as lone surrogates, so that validation rejects just
    the item whose field holds them. Raises InvalidInputError when the body as a whole is
    not a batch (not JSON, not a list, empty) and BatchTooLargeError past `max_items`.
    """
    try:
        document: Any = json.loads(body.decode("utf-8", errors="surrogateescape"))
    except (ValueError, RecursionError) as error:
        raise InvalidInputError([FieldError("body", f"is not JSON: {error}")]) from None
    field = "body"
    if isinstance(document, dict) and set(document) == {"posts"}:
        document = document["posts"]
        field = "posts"
    if not isinstance(document, list):
        raise InvalidInputError(
            [FieldError(field, 'must be a JSON array of posts or {"posts": [...]}')]
        )
    if not document:
        raise InvalidInputError([FieldError(field, "holds no posts")])
    if len(document) > max_items:
        raise BatchTooLargeError(
            [FieldError(field, f"holds {len(document):,} posts; the limit is {max_items:,}")]
        )
    return [_item(index, value) for index, value in enumerate(document)]


def _item(index: int, value: Any) -> RawItem:
    where = f"item {index}"
    if isinstance(value, dict):
        return RawItem(where, value)
    kind = "null" if value is None else type(value).__name__
    return RawItem(where, None, errors=(FieldError("item", f"must be a JSON object, not {kind}"),))
