"""Replies over HTTP on SQLite and PostgreSQL: drafts, sending through the outbox onto
the timeline and the service-level clocks, per-network length limits, the personal-data
guard, notes with @mentions, and the walls between workspaces and agents."""

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
    signed_in,
    stored_conversation,
)
from tests.functional.api.conftest import assert_error_shape, create_workspace


@pytest.fixture
def care(client: TestClient) -> dict[str, int]:
    return care_workspace(client)


@pytest.fixture
def ana(settings: Settings, care: dict[str, int]) -> Iterator[TestClient]:
    with signed_in(settings, "ana@example.com", Role.AGENT) as client:
        yield client


def test_a_draft_sent_goes_through_the_outbox_onto_the_timeline_and_meets_the_deadline(
    ana: TestClient, care: dict[str, int], session: Session
) -> None:
    conversation = care["conversation"]
    assert stored_conversation(session, conversation).first_response_due_at is not None

    draft = reply(ana, conversation, "Hi Cat, so sorry about your bag! Can you DM us?")
    assert draft["state"] == "draft"
    assert draft["agent_id"] == care["Ana"]
    assert draft["length"] == {
        "count": 47,
        "limit": 280,
        "unit": "weighted characters",
        "remaining": 233,
        "over": False,
        "label": "280 weighted characters for a public post on X/Twitter",
    }
    assert stored_conversation(session, conversation).first_response_due_at is not None

    response = ana.post(f"{URL}/replies/{draft['id']}/send")
    assert response.status_code == 200, response.text
    sent = response.json()
    assert sent["state"] == "sent"
    assert sent["review_state"] is None, "a certified agent's reply drawn at 10% or not"
    assert sent["outbox"]["state"] == "recorded"
    assert sent["outbox"]["recipient_handle"] == "cat"
    assert sent["outbox"]["in_reply_to_external_id"] == "1"

    session.rollback()
    (entry,) = session.scalars(select(OutboxEntry)).all()
    assert (entry.body, entry.visibility, entry.network) == (
        draft["text"],
        "public",
        "twitter",
    )
    stored = stored_conversation(session, conversation)
    assert stored.status == "pending"
    assert stored.first_response_due_at is None, "the first response is met"
    assert stored.message_count == 2

    timeline = ana.get(f"{URL}/conversations/{conversation}").json()["timeline"]
    assert [(e["kind"], e["text"]) for e in timeline][-1] == ("outbound_reply", draft["text"])
    assert timeline[-1]["message_id"] == sent["message_id"]
    kinds = [e.type for e in session.scalars(select(Event).order_by(Event.id))]
    assert kinds[-3:] == ["reply.drafted", "conversation.status_changed", "reply.sent"]

    again = ana.post(f"{URL}/replies/{draft['id']}/send")
    assert again.status_code == 409
    assert_error_shape(again.json(), "wrong_state")


def test_a_private_reply_meets_the_first_response_deadline_too(
    ana: TestClient, care: dict[str, int], session: Session
) -> None:
    sent = reply(
        ana, care["conversation"], "Sorry Cat! Let's sort it.", visibility="private", send=True
    )
    assert (sent["state"], sent["visibility"]) == ("sent", "private")
    assert sent["length"]["limit"] == 10_000
    assert stored_conversation(session, care["conversation"]).first_response_due_at is None


def test_a_public_reply_with_a_phone_number_is_refused_with_the_spans_and_the_private_way(
    ana: TestClient, care: dict[str, int], session: Session
) -> None:
    text = "Hi Cat, call me back on 415-555-0132 and we'll trace the bag."
    response = ana.post(
        f"{URL}/conversations/{care['conversation']}/replies", json={"text": text, "send": True}
    )

    assert response.status_code == 422
    body = response.json()
    details = assert_error_shape(
        {"error": {k: body["error"][k] for k in ("code", "message", "details")}},
        "personal_data_in_public",
    )
    error = body["error"]
    assert error["private_message_allowed"] is True
    (span,) = error["personal_data"]
    assert span["kind"] == "phone"
    assert text[span["start"] : span["end"]] == "415-555-0132"
    assert "private message" in error["message"]
    assert details[0]["field"] == "text"
    assert "phone number at characters 25-36" in details[0]["message"]
    assert ana.get(f"{URL}/conversations/{care['conversation']}/replies").json()["items"] == []
    session.rollback()
    assert session.scalars(select(OutboxEntry)).all() == []

    private = reply(ana, care["conversation"], text, visibility="private", send=True)
    assert private["state"] == "sent"


def test_a_draft_may_hold_personal_data_but_sending_it_in_public_is_refused(
    ana: TestClient, care: dict[str, int]
) -> None:
    draft = reply(ana, care["conversation"], "Your booking ABC123 is rebooked.")
    refused = ana.post(f"{URL}/replies/{draft['id']}/send")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "personal_data_in_public"
    kept = ana.get(f"{URL}/replies/{draft['id']}").json()
    assert kept["state"] == "draft", "a refused send changes nothing"

    edited = ana.put(
        f"{URL}/replies/{draft['id']}", json={"text": draft["text"], "visibility": "private"}
    )
    assert edited.status_code == 200, edited.text
    assert ana.post(f"{URL}/replies/{draft['id']}/send").json()["state"] == "sent"


def test_over_the_network_limit_is_refused_with_the_limit_and_the_count(
    ana: TestClient, care: dict[str, int]
) -> None:
    too_long = "Sorry! " + "x" * 274  # 281 characters
    response = ana.post(
        f"{URL}/conversations/{care['conversation']}/replies",
        json={"text": too_long, "send": True},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "reply_too_long"
    assert (error["limit"], error["count"], error["unit"]) == (280, 281, "weighted characters")
    assert "281 weighted characters long, over the limit of 280" in error["message"]
    assert error["details"][0]["field"] == "text"

    # X counts a link as 23 and most CJK characters as 2.
    link = "https://www.example.com/" + "a" * 300
    assert reply(ana, care["conversation"], f"Details: {link}", send=True)["length"]["count"] == 32
    wide = "您好" * 141  # 282 code points, 564 as X counts
    refused = ana.post(
        f"{URL}/conversations/{care['conversation']}/replies", json={"text": wide, "send": True}
    )
    assert refused.json()["error"]["count"] == 564


def test_a_reply_still_holding_a_variable_is_not_sent(
    ana: TestClient, care: dict[str, int]
) -> None:
    response = ana.post(
        f"{URL}/conversations/{care['conversation']}/replies",
        json={
            "text": "Your booking {booking_reference} is rebooked.",
            "send": True,
            "visibility": "private",
        },
    )
    assert response.status_code == 422
    (detail,) = assert_error_shape(response.json(), "invalid_input")
    assert detail == {
        "field": "text",
        "message": "fill in {booking_reference} first: no value was found for it here",
    }


def test_the_reply_check_reports_what_a_send_would_refuse_without_sending(
    ana: TestClient, care: dict[str, int]
) -> None:
    response = ana.post(
        f"{URL}/conversations/{care['conversation']}/reply-check",
        json={"text": "Mail me at cat.jones@gmail.com"},
    )
    assert response.status_code == 200, response.text
    check = response.json()
    assert check["sendable"] is False
    assert [s["kind"] for s in check["personal_data"]] == ["email"]
    assert check["length"]["count"] == 30
    assert check["private_message_allowed"] is True
    assert ana.get(f"{URL}/conversations/{care['conversation']}/replies").json()["items"] == []


def test_notes_resolve_mentions_and_tell_the_agents_mentioned(
    settings: Settings, ana: TestClient, care: dict[str, int], session: Session
) -> None:
    response = ana.post(
        f"{URL}/conversations/{care['conversation']}/notes",
        json={"text": "@ben can you check the bag tag? cc @Ana"},
    )
    assert response.status_code == 201, response.text
    note = response.json()
    assert [(m["handle"], m["agent_id"]) for m in note["mentions"]] == [
        ("ben", care["Ben"]),
        ("Ana", care["Ana"]),
    ]
    timeline = ana.get(f"{URL}/conversations/{care['conversation']}").json()["timeline"]
    assert timeline[-1]["kind"] == "note"
    session.rollback()
    mentioned = session.scalars(
        select(Event.agent_id).where(Event.type == "agent.mentioned").order_by(Event.agent_id)
    ).all()
    assert sorted(mentioned) == sorted([care["Ben"], care["Ana"]])

    with signed_in(settings, "ben@example.com", Role.AGENT) as ben:
        mentions = ben.get(f"{URL}/agents/{care['Ben']}/mentions").json()["items"]
        assert [m["conversation_id"] for m in mentions] == [care["conversation"]]
        assert mentions[0]["by_name"] == "Ana"
        assert ben.get(f"{URL}/agents/{care['Ana']}/mentions").status_code == 403

    unknown = ana.post(
        f"{URL}/conversations/{care['conversation']}/notes", json={"text": "ask @nobody.here"}
    )
    assert unknown.status_code == 422
    (detail,) = assert_error_shape(unknown.json(), "invalid_input")
    assert detail["message"] == "@nobody.here at character 5 names no agent of this workspace"


def test_another_workspace_sees_nothing_and_an_agent_edits_only_their_own_replies(
    settings: Settings, client: TestClient, ana: TestClient, care: dict[str, int]
) -> None:
    create_workspace(client, "other")
    theirs = open_conversation(client, workspace="other", external_id="9")
    assert (
        ana.post(
            f"/api/v1/workspaces/other/conversations/{theirs}/replies", json={"text": "hi"}
        ).status_code
        == 404
    )
    assert ana.post(f"{URL}/conversations/{theirs}/replies", json={"text": "hi"}).status_code == 404

    draft = reply(ana, care["conversation"], "Hi Cat")
    assert client.get(f"/api/v1/workspaces/other/replies/{draft['id']}").status_code == 404
    with signed_in(settings, "ben@example.com", Role.AGENT) as ben:
        refused = ben.post(f"{URL}/replies/{draft['id']}/send")
        assert refused.status_code == 403
        assert_error_shape(refused.json(), "forbidden")
        as_ana = ben.post(
            f"{URL}/conversations/{care['conversation']}/replies",
            json={"text": "hi", "agent_id": care["Ana"]},
        )
        assert as_ana.status_code == 403


def test_nothing_is_sent_in_a_closed_conversation_and_an_admin_names_the_agent(
    client: TestClient, care: dict[str, int]
) -> None:
    nobody = client.post(f"{URL}/conversations/{care['conversation']}/replies", json={"text": "hi"})
    assert nobody.status_code == 422
    assert assert_error_shape(nobody.json(), "invalid_input")[0]["field"] == "agent_id"

    sent = reply(client, care["conversation"], "Hi Cat", agent_id=care["Ben"], send=True)
    assert sent["agent_name"] == "Ben"
    closed = client.post(
        f"{URL}/conversations/{care['conversation']}/status", json={"status": "closed"}
    )
    assert closed.status_code == 200, closed.text
    late = client.post(
        f"{URL}/conversations/{care['conversation']}/replies",
        json={"text": "anything else?", "agent_id": care["Ben"]},
    )
    assert late.status_code == 409
    assert_error_shape(late.json(), "conversation_archived")


def test_text_that_is_no_text_is_refused_naming_where(
    ana: TestClient, care: dict[str, int]
) -> None:
    conversation = care["conversation"]
    nul = ana.post(
        f"{URL}/conversations/{conversation}/replies",
        content='{"text": "Hi\\u0000Cat", "send": true}',
        headers={"content-type": "application/json"},
    )
    assert nul.status_code == 422
    (detail,) = assert_error_shape(nul.json(), "invalid_input")
    assert detail["field"] == "text"
    assert "control character U+0000 at position 2" in detail["message"]
    lone = ana.post(
        f"{URL}/conversations/{conversation}/notes",
        content='{"text": "broken \\ud800 half"}',
        headers={"content-type": "application/json"},
    )
    assert lone.status_code == 422
    assert "unpaired surrogate U+D800" in lone.json()["error"]["details"][0]["message"]
    assert ana.get(f"{URL}/conversations/{conversation}/replies").json()["items"] == []


def test_an_id_no_row_can_have_is_refused_before_any_query(
    ana: TestClient, care: dict[str, int]
) -> None:
    huge = 2**63
    for response in (
        ana.get(f"{URL}/replies/{huge}"),
        ana.post(f"{URL}/replies/0/send"),
        ana.post(
            f"{URL}/conversations/{care['conversation']}/replies",
            json={"text": "hi", "canned_response_id": huge},
        ),
    ):
        assert response.status_code == 422, response.text
        assert_error_shape(response.json(), "invalid_input")
