"""Approvals over HTTP on SQLite and PostgreSQL: a trainee's reply waits for a
supervisor, who approves it as written or edited (then it is sent and in the outbox) or
rejects it with a comment; the workspace's rules hold anyone's reply; agents may not
approve."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.accounts.roles import Role
from carelane.config import Settings
from carelane.store.models import Event, OutboxEntry
from tests.functional.api.care_setup import (
    URL,
    care_workspace,
    open_conversation,
    reply,
    set_level,
    signed_in,
    stored_conversation,
)
from tests.functional.api.conftest import assert_error_shape


@pytest.fixture
def care(client: TestClient) -> dict[str, int]:
    return care_workspace(client)


@pytest.fixture
def ana(settings: Settings, care: dict[str, int]) -> Iterator[TestClient]:
    with signed_in(settings, "ana@example.com", Role.AGENT) as client:
        yield client


@pytest.fixture
def supervisor(settings: Settings, care: dict[str, int]) -> Iterator[TestClient]:
    with signed_in(settings, "sam@example.com", Role.SUPERVISOR) as client:
        yield client


def _outbox(session: Session) -> list[OutboxEntry]:
    session.rollback()
    return list(session.scalars(select(OutboxEntry)))


def test_a_trainees_reply_waits_for_a_supervisor_who_approves_it_then_it_is_sent(
    ana: TestClient, supervisor: TestClient, care: dict[str, int], session: Session
) -> None:
    set_level(supervisor, care["Ana"], "trainee")
    conversation = care["conversation"]

    waiting = reply(ana, conversation, "Hi Cat! So sorry, we're on it.", send=True)

    assert waiting["state"] == "awaiting_approval"
    assert waiting["certification_level"] == "trainee"
    assert waiting["approval_reasons"] == ["trainee: every reply is approved before it is sent"]
    assert waiting["outbox"] is None
    assert _outbox(session) == []
    assert stored_conversation(session, conversation).first_response_due_at is not None
    edit = ana.put(f"{URL}/replies/{waiting['id']}", json={"text": "changed my mind"})
    assert edit.status_code == 409

    queue = supervisor.get(f"{URL}/approvals").json()["items"]
    assert [item["reply"]["id"] for item in queue] == [waiting["id"]]
    assert queue[0]["customer_text"] == "@AcmeHelp my bag never arrived in Denver"
    assert queue[0]["author_handle"] == "cat"

    response = supervisor.post(f"{URL}/replies/{waiting['id']}/approve", json={})
    assert response.status_code == 200, response.text
    approved = response.json()
    assert (approved["state"], approved["decision"]) == ("sent", "approved")
    assert approved["decided_by"] == "Sam"
    assert approved["review_state"] is None, "approved before sending: reviewed already"
    (entry,) = _outbox(session)
    assert (entry.reply_id, entry.body, entry.state) == (waiting["id"], waiting["text"], "recorded")
    assert stored_conversation(session, conversation).first_response_due_at is None
    assert supervisor.get(f"{URL}/approvals").json()["items"] == []
    timeline = ana.get(f"{URL}/conversations/{conversation}").json()["timeline"]
    assert timeline[-1]["kind"] == "outbound_reply"
    assert timeline[-1]["agent_id"] == care["Ana"]

    twice = supervisor.post(f"{URL}/replies/{waiting['id']}/approve", json={})
    assert twice.status_code == 409
    assert_error_shape(twice.json(), "wrong_state")


def test_a_supervisor_edits_and_approves_and_the_agents_text_is_kept(
    ana: TestClient, supervisor: TestClient, care: dict[str, int], session: Session
) -> None:
    set_level(supervisor, care["Ana"], "trainee")
    waiting = reply(ana, care["conversation"], "u will get ur bag soon", send=True)

    better = "Hi Cat, so sorry! Your bag is on its way to Denver and due tonight."
    response = supervisor.post(
        f"{URL}/replies/{waiting['id']}/approve",
        json={"text": better, "comment": "Full words and a warmer tone, please."},
    )

    assert response.status_code == 200, response.text
    sent = response.json()
    assert (sent["state"], sent["decision"], sent["text"]) == ("sent", "edited", better)
    assert sent["submitted_text"] == "u will get ur bag soon"
    assert sent["decision_comment"] == "Full words and a warmer tone, please."
    (entry,) = _outbox(session)
    assert entry.body == better


def test_an_edit_with_personal_data_is_refused_and_the_reply_still_waits(
    ana: TestClient, supervisor: TestClient, care: dict[str, int], session: Session
) -> None:
    set_level(supervisor, care["Ana"], "trainee")
    waiting = reply(ana, care["conversation"], "We're on it!", send=True)

    response = supervisor.post(
        f"{URL}/replies/{waiting['id']}/approve",
        json={"text": "Call us on 415-555-0132, Cat"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "personal_data_in_public"
    assert supervisor.get(f"{URL}/replies/{waiting['id']}").json()["state"] == "awaiting_approval"
    assert _outbox(session) == []


def test_a_rejected_reply_goes_back_to_its_agent_who_changes_and_sends_it_again(
    ana: TestClient, supervisor: TestClient, care: dict[str, int], session: Session
) -> None:
    set_level(supervisor, care["Ana"], "trainee")
    waiting = reply(ana, care["conversation"], "not our fault lol", send=True)

    no_comment = supervisor.post(f"{URL}/replies/{waiting['id']}/reject", json={"comment": " "})
    assert no_comment.status_code == 422
    assert assert_error_shape(no_comment.json(), "invalid_input")[0]["field"] == "comment"
    response = supervisor.post(
        f"{URL}/replies/{waiting['id']}/reject",
        json={"comment": "Apologise and offer to trace the bag."},
    )
    assert response.status_code == 200, response.text
    rejected = response.json()
    assert (rejected["state"], rejected["decision"]) == ("rejected", "rejected")
    assert rejected["decision_comment"] == "Apologise and offer to trace the bag."

    mine = ana.get(f"{URL}/conversations/{care['conversation']}/replies").json()["items"]
    assert [(r["state"], r["decision_comment"]) for r in mine] == [
        ("rejected", "Apologise and offer to trace the bag.")
    ]
    edited = ana.put(
        f"{URL}/replies/{waiting['id']}",
        json={"text": "So sorry, Cat! We'll trace your bag right away."},
    )
    assert edited.json()["state"] == "draft"
    again = ana.post(f"{URL}/replies/{waiting['id']}/send").json()
    assert again["state"] == "awaiting_approval"
    assert again["decision"] is None
    session.rollback()
    kinds = session.scalars(
        select(Event.type).where(Event.type.like("reply.%")).order_by(Event.id)
    ).all()
    assert kinds == [
        "reply.awaiting_approval",
        "reply.rejected",
        "reply.drafted",
        "reply.awaiting_approval",
    ]


def test_an_agent_may_not_approve_nor_reject(
    settings: Settings,
    ana: TestClient,
    supervisor: TestClient,
    care: dict[str, int],
) -> None:
    set_level(supervisor, care["Ana"], "trainee")
    waiting = reply(ana, care["conversation"], "On it!", send=True)
    with signed_in(settings, "ben@example.com", Role.AGENT) as ben:
        for action, body in (("approve", {}), ("reject", {"comment": "no"})):
            response = ben.post(f"{URL}/replies/{waiting['id']}/{action}", json=body)
            assert response.status_code == 403
            assert_error_shape(response.json(), "forbidden")
        assert ben.get(f"{URL}/approvals").status_code == 403
        assert (
            ben.put(
                f"{URL}/agents/{care['Ben']}/certification", json={"level": "certified"}
            ).status_code
            == 403
        )
    assert ana.get(f"{URL}/replies/{waiting['id']}").json()["state"] == "awaiting_approval"


def test_the_workspaces_rules_hold_a_certified_agents_reply(
    client: TestClient, ana: TestClient, care: dict[str, int]
) -> None:
    influencer = open_conversation(
        client, author="bigvoice", followers=250_000, external_id="2", text="@AcmeHelp meh"
    )
    legal = open_conversation(
        client,
        author="dan",
        external_id="3",
        text="@AcmeHelp my lawyer will hear about this lost bag",
    )

    held = reply(ana, influencer, "Hi! Sorry to hear that.", send=True)
    assert held["state"] == "awaiting_approval"
    assert held["approval_reasons"] == ["the author has 250,000 followers (above 10,000)"]
    words = reply(ana, legal, "Sorry Dan, we'll find it.", send=True)
    assert words["approval_reasons"] == ["legal or safety words in the customer's posts: 'lawyer'"]

    settings = client.get(f"{URL}/quality-settings").json()
    settings["approval"]["followers_above"] = None
    put = client.put(f"{URL}/quality-settings", json=settings)
    assert put.status_code == 200, put.text
    assert reply(ana, influencer, "Hi again!", send=True)["state"] == "sent"
