"""Which reply states the agent may still change."""

from carelane.replies.states import EDITABLE, ReplyState, edit_refusal


def test_drafts_rejected_and_failed_replies_are_the_agents_to_change() -> None:
    assert {ReplyState.DRAFT, ReplyState.REJECTED, ReplyState.FAILED} == EDITABLE
    for state in EDITABLE:
        assert edit_refusal(state) is None


def test_awaiting_approval_and_sent_are_not() -> None:
    assert "supervisor's approval" in str(edit_refusal(ReplyState.AWAITING_APPROVAL))
    assert "never changes" in str(edit_refusal(ReplyState.SENT))
