"""Checking a text as a reply without sending it: what a composer shows as the agent
types (the count against the limit, personal data, variables left to fill in)."""

from sqlalchemy.orm import Session

from carelane.domain.channels import Visibility
from carelane.domain.errors import InvalidInputError
from carelane.replies.conversation_facts import conversation_facts
from carelane.replies.guards import check_reply_text
from carelane.replies.length_limits import length_limit
from carelane.replies.reads import length_out
from carelane.replies.schemas import PersonalDataSpanOut, ReplyCheckOut
from carelane.responses.variables import unfilled_variables
from carelane.triage.personal_data import find_personal_data


def get_reply_check(
    *,
    session: Session,
    workspace_id: int,
    conversation_id: int,
    text: str,
    visibility: Visibility,
) -> ReplyCheckOut:
    """How `text` would fare as a `visibility` reply in the conversation: what sending it
    would refuse, and why. NotFoundError for a conversation of another workspace."""
    facts = conversation_facts(session, workspace_id=workspace_id, conversation_id=conversation_id)
    problems: list[str] = []
    try:
        check_reply_text(text, network=facts.network, visibility=visibility)
    except InvalidInputError as refusal:
        problems = [error.message for error in refusal.errors]
    finding = find_personal_data(text, public=visibility is Visibility.PUBLIC)
    return ReplyCheckOut(
        sendable=not problems,
        length=length_out(text, facts.network.value, visibility.value),
        personal_data=[
            PersonalDataSpanOut(
                kind=span.kind.value,
                start=span.start,
                end=span.end,
                text=text[span.start : span.end],
                redacted=span.redacted,
            )
            for span in finding.spans
        ],
        private_message_allowed=length_limit(facts.network, Visibility.PRIVATE) is not None,
        unfilled_variables=unfilled_variables(text),
        problems=problems,
    )
