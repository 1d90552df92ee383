"""A Marketing/PR member's agent works the marketing lanes only, on SQLite and
PostgreSQL: a dispatch, a push when they become available, a pull, an assignment by hand
and a takeover give them nothing of another lane, though their team owns it; once their
role changes, routing gives them every lane of their teams at its next decision."""

from datetime import datetime

import pytest
from argon2 import profiles
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from carelane.accounts.administration import do_change_role
from carelane.accounts.passwords import Passwords
from carelane.accounts.roles import Role
from carelane.accounts.service import do_add_user
from carelane.assignments.dispatch import do_dispatch_waiting
from carelane.assignments.next_conversation import do_next_conversation
from carelane.assignments.rehearsal import REHEARSAL_WORKSPACE, stage_rehearsal
from carelane.assignments.service import do_assign, do_set_agent_state, do_take_over
from carelane.routing.agents import AgentState
from carelane.routing.assignment import OutsideLanesError
from carelane.store.models import Conversation

MARKETING_LANE = "Marketing/PR"  # `audience: marketing` in the shipped example lanes


def _holders(session: Session) -> dict[int, int | None]:
    session.rollback()
    return dict(session.execute(select(Conversation.id, Conversation.assignee_id)).all())


def test_a_marketing_member_is_given_the_marketing_lanes_only(
    session: Session, now: datetime
) -> None:
    # Both agents are in the one team, which owns Customer Service and Marketing/PR.
    staged = stage_rehearsal(
        session=session, agents=2, waiting=4, capacity=5, now=now, push_to_free_agents=True
    )
    grace, cara = staged.agent_ids
    service_1, service_2, campaign, service_3 = staged.conversation_ids
    session.execute(
        update(Conversation).where(Conversation.id == campaign).values(lane=MARKETING_LANE)
    )
    session.commit()
    user = do_add_user(
        session=session,
        email="agent0@example.com",  # Grace's agent row
        display_name="Grace",
        role=Role.MARKETING,
        password="a long enough password",
        passwords=Passwords(profiles.CHEAPEST),
        now=now,
        workspaces=[REHEARSAL_WORKSPACE],
    )
    do_set_agent_state(
        session=session,
        workspace_id=staged.workspace_id,
        agent_id=cara,
        state=AgentState.AWAY,
        now=now,
    )

    dispatched = do_dispatch_waiting(session=session, workspace_id=staged.workspace_id, now=now)
    pulled = do_next_conversation(
        session=session, workspace_id=staged.workspace_id, agent_id=grace, now=now
    )

    assert [(d.conversation_id, d.agent_id) for d in dispatched.decisions] == [
        (service_1, None),
        (service_2, None),
        (campaign, grace),
        (service_3, None),
    ]
    assert "works only the Marketing/PR lane" in dispatched.decisions[0].explanation
    assert not pulled.assigned
    with pytest.raises(OutsideLanesError):
        do_assign(
            session=session,
            workspace_id=staged.workspace_id,
            conversation_id=service_1,
            agent_id=grace,
            now=now,
        )
    do_assign(
        session=session,
        workspace_id=staged.workspace_id,
        conversation_id=service_1,
        agent_id=cara,
        now=now,
    )
    with pytest.raises(OutsideLanesError):
        do_take_over(
            session=session,
            workspace_id=staged.workspace_id,
            conversation_id=service_1,
            agent_id=grace,
            reason="covering the break",
            now=now,
        )
    assert _holders(session) == {
        service_1: cara,
        service_2: None,
        campaign: grace,
        service_3: None,
    }

    # Made an agent: the next decision reads the roster anew.
    do_change_role(
        session=session,
        workspace_id=staged.workspace_id,
        user_id=user.id,
        role=Role.AGENT,
        by_user_id=0,
        by_all_workspaces=True,
    )
    made_available = do_set_agent_state(
        session=session,
        workspace_id=staged.workspace_id,
        agent_id=grace,
        state=AgentState.AVAILABLE,
        now=now,
    )

    assert made_available.assigned_conversation_ids == [service_2, service_3]
