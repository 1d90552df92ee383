"""What a reply must pass before it goes out: pure.

- It says something, and holds no `{variable}` of a canned response left unfilled.
- The network takes a reply of its kind: YouTube and review sites have no private
  messages.
- It fits the network's limit, counted as the network counts (`length_limits`).
- A public reply exposes no personal data (emails, phone numbers, card, account and
  booking numbers, postal addresses, as `triage.personal_data` finds them); the refusal
  lists each span and says whether a private message may carry it instead.
"""

from typing import Any

from carelane.domain.channels import Network, Visibility
from carelane.domain.errors import (
    FieldError,
    InvalidInputError,
    PersonalDataInPublicError,
    ReplyTooLongError,
)
from carelane.replies.length_limits import NETWORK_NAMES, LengthCount, count_reply, length_limit
from carelane.responses.variables import unfilled_variables
from carelane.triage.personal_data import find_personal_data

MAX_DRAFT_CHARS = 65_536
"""Longest text a draft may hold, whatever the network: the longest post carelane takes."""

_KIND_WORDS = {
    "email": "an email address",
    "phone": "a phone number",
    "card": "a card number",
    "account": "an account or loyalty number",
    "booking": "a booking reference",
    "address": "a postal address",
}


def check_draft_text(text: str, field: str = "text") -> None:
    """InvalidInputError for a draft that is empty or longer than any network takes."""
    if not text.strip():
        raise InvalidInputError([FieldError(field, "write something: the text is empty")])
    if len(text) > MAX_DRAFT_CHARS:
        raise InvalidInputError(
            [FieldError(field, f"at most {MAX_DRAFT_CHARS:,} characters, not {len(text):,}")]
        )


def check_reply_text(
    text: str, *, network: Network, visibility: Visibility, field: str = "text"
) -> LengthCount:
    """The reply's length against its limit, when it may go out as it is; else
    InvalidInputError (empty, unfilled variables, no such kind of reply on the network),
    ReplyTooLongError or PersonalDataInPublicError, each saying what to do."""
    check_draft_text(text, field)
    unfilled = unfilled_variables(text)
    if unfilled:
        names = ", ".join(f"{{{name}}}" for name in unfilled)
        raise InvalidInputError(
            [FieldError(field, f"fill in {names} first: no value was found for it here")]
        )
    limit = length_limit(network, visibility)
    if limit is None:
        raise InvalidInputError(
            [
                FieldError(
                    "visibility",
                    f"{NETWORK_NAMES[network]} has no private messages: reply in public "
                    "without personal data, or take the conversation offline",
                )
            ]
        )
    count = count_reply(text, limit)
    if count.over:
        message = (
            f"the reply is {count.length:,} {limit.unit} long, over the limit of {limit.label}"
        )
        raise ReplyTooLongError(
            message,
            [FieldError(field, message)],
            extra={
                "limit": limit.limit,
                "count": count.length,
                "unit": limit.unit,
                "network": network.value,
                "visibility": visibility.value,
            },
        )
    if visibility is Visibility.PUBLIC:
        check_no_personal_data(text, network=network, field=field)
    return count


def check_no_personal_data(text: str, *, network: Network, field: str = "text") -> None:
    """PersonalDataInPublicError listing each span of personal data in `text`, meant
    for a public reply on `network`."""
    finding = find_personal_data(text, public=True)
    if not finding.spans:
        return
    private = length_limit(network, Visibility.PRIVATE) is not None
    kinds = list(dict.fromkeys(_KIND_WORDS[span.kind.value] for span in finding.spans))
    instead = (
        "send it as a private message instead"
        if private
        else f"{NETWORK_NAMES[network]} has no private messages: take it offline instead"
    )
    message = f"a public reply may not show personal data ({', '.join(kinds)}): {instead}"
    spans: list[dict[str, Any]] = [
        {
            "kind": span.kind.value,
            "start": span.start,
            "end": span.end,
            "text": text[span.start : span.end],
            "redacted": span.redacted,
        }
        for span in finding.spans
    ]
    raise PersonalDataInPublicError(
        message,
        [
            FieldError(
                field,
                f"{_KIND_WORDS[span['kind']]} at characters {span['start'] + 1}-{span['end']}: "
                f"{span['redacted']}",
            )
            for span in spans
        ],
        extra={"personal_data": spans, "private_message_allowed": private},
    )
