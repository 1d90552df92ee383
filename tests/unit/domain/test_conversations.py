"""A conversation's status when a post joins it."""

import pytest

from carelane.domain.conversations import ACTIVE_STATUSES, ConversationStatus, status_after_post

S = ConversationStatus


@pytest.mark.parametrize(
    ("current", "inbound", "after"),
    [
        (S.NEW, True, S.NEW),
        (S.OPEN, True, S.OPEN),
        (S.PENDING, True, S.OPEN),
        (S.RESOLVED, True, S.OPEN),
        (S.CLOSED, True, S.CLOSED),
        (S.NEW, False, S.PENDING),
        (S.OPEN, False, S.PENDING),
        (S.PENDING, False, S.PENDING),
        (S.RESOLVED, False, S.RESOLVED),
        (S.CLOSED, False, S.CLOSED),
    ],
)
def test_status_after_post(current: S, inbound: bool, after: S) -> None:
    assert status_after_post(current, inbound=inbound) is after


def test_active_statuses_are_the_ones_a_new_post_joins() -> None:
    assert {S.NEW, S.OPEN, S.PENDING} == ACTIVE_STATUSES
    assert S.RESOLVED not in ACTIVE_STATUSES
    assert S.CLOSED not in ACTIVE_STATUSES


def test_statuses_have_stable_wire_values() -> None:
    assert [s.value for s in S] == ["new", "open", "pending", "resolved", "closed"]
