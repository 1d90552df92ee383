"""What every reader yields."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from carelane.domain.errors import FieldError


@dataclass(frozen=True, slots=True)
class RawItem:
    """One row of input in the normalised post format, or why the row could not be read.

    `where` names the row for error reports (`airline_tweets.csv:12`); `at` is the post's
    original time, used to replay a data set at its own pace.
    """

    where: str
    data: dict[str, Any] | None
    at: datetime | None = None
    errors: tuple[FieldError, ...] = ()
