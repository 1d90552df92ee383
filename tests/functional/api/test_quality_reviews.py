"""Reviews after sending, scorecards, certification levels, promotions and the quality
settings, over HTTP on SQLite and PostgreSQL."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.accounts.roles import Role
from carelane.config import Settings
from carelane.store.models import Event
from tests.functional.api.care_setup import (
    URL,
    WORKSPACE,
    care_workspace,
    open_conversation,
    reply,
    set_level,
    signed_in,
)
from tests.functional.api.conftest import assert_error_shape

GOOD = {"accuracy": 5, "tone": 4, "brand_voice": 4, "resolution": 3}


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


def _settings(client: TestClient, **changes: Any) -> dict[str, Any]:
    settings: dict[str, Any] = client.get(f"{URL}/quality-settings").json()
    settings.update(changes)
    response = client.put(f"{URL}/quality-settings", json=settings)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _score(client: TestClient, reply_id: int, scores: dict[str, int], **extra: Any) -> Any:
    return client.post(f"{URL}/replies/{reply_id}/scorecards", json={"scores": scores, **extra})


def test_a_reply_on_probation_is_sent_at_once_and_queued_for_review(
    client: TestClient,
    ana: TestClient,
    supervisor: TestClient,
    care: dict[str, int],
    session: Session,
) -> None:
    set_level(supervisor, care["Ana"], "probation")
    _settings(supervisor, reviewers_per_reply=2)

    sent = reply(ana, care["conversation"], "Hi Cat, we're tracing your bag now.", send=True)

    assert (sent["state"], sent["review_state"]) == ("sent", "pending")
    assert sent["review_reason"] == "probation: every reply is reviewed after sending"
    assert sent["outbox"]["state"] == "recorded"
    queue = supervisor.get(f"{URL}/reviews").json()["items"]
    assert [item["reply"]["id"] for item in queue] == [sent["id"]]

    first = _score(supervisor, sent["id"], GOOD, comment="Warm and clear.")
    assert first.status_code == 201, first.text
    card = first.json()
    assert (card["passed"], card["mean_score"], card["reviewer_name"]) == (True, 4.0, "Sam")
    assert supervisor.get(f"{URL}/reviews").json()["items"] == [], "scored by Sam already"
    assert client.get(f"{URL}/reviews").json()["items"][0]["reply"]["id"] == sent["id"]
    again = _score(supervisor, sent["id"], GOOD)
    assert again.status_code == 409

    second = _score(client, sent["id"], {**GOOD, "resolution": 2})
    assert second.status_code == 201, second.text
    assert second.json()["passed"] is False, "below the pass mark of 3"
    assert client.get(f"{URL}/replies/{sent['id']}").json()["review_state"] == "reviewed"
    cards = ana.get(f"{URL}/replies/{sent['id']}/scorecards").json()
    assert [c["reviewer_name"] for c in cards["items"]] == ["Sam", "Admin"]
    assert [c["name"] for c in cards["criteria"]] == [
        "accuracy",
        "tone",
        "brand_voice",
        "resolution",
    ]
    session.rollback()
    reviewed = session.scalars(
        select(Event.data).where(Event.type == "reply.reviewed").order_by(Event.id)
    ).all()
    assert [(d["level"], d["passed"]) for d in reviewed] == [
        ("probation", True),
        ("probation", False),
    ]


def test_a_scorecard_names_each_missing_unknown_or_out_of_range_score(
    ana: TestClient, supervisor: TestClient, care: dict[str, int]
) -> None:
    sent = reply(ana, care["conversation"], "Hi Cat!", send=True)

    response = _score(supervisor, sent["id"], {"accuracy": 6, "tone": 4, "speed": 5})

    assert response.status_code == 422
    details = assert_error_shape(response.json(), "invalid_input")
    assert {d["field"]: d["message"] for d in details} == {
        "scores.accuracy": "from 1 to 5, not 6",
        "scores.brand_voice": "score this criterion",
        "scores.resolution": "score this criterion",
        "scores.speed": "no such criterion here; the criteria are accuracy, tone, "
        "brand_voice, resolution",
    }


def test_a_team_scores_on_its_own_criteria_and_unknown_teams_are_refused(
    ana: TestClient, supervisor: TestClient, care: dict[str, int]
) -> None:
    own = [{"name": "empathy", "max_score": 3}, {"name": "accuracy", "max_score": 3}]
    unknown = supervisor.put(f"{URL}/quality-settings", json={"team_criteria": {"Nobody": own}})
    assert unknown.status_code == 422
    assert assert_error_shape(unknown.json(), "invalid_input")[0]["field"] == (
        "team_criteria.Nobody"
    )
    doubled = supervisor.put(
        f"{URL}/quality-settings", json={"criteria": [{"name": "tone"}, {"name": "tone"}]}
    )
    assert doubled.status_code == 422
    assert "criteria named twice: tone" in doubled.text
    _settings(supervisor, team_criteria={"Care": own}, certified_review_share=1.0)

    sent = reply(ana, care["conversation"], "Hi Cat!", send=True)
    page = supervisor.get(f"/w/{WORKSPACE}/review")
    assert page.status_code == 200, page.text
    assert f'id="score-{sent["id"]}-empathy"' in page.text, "the team's own criteria"
    assert f'id="score-{sent["id"]}-tone"' not in page.text
    card = _score(supervisor, sent["id"], {"empathy": 3, "accuracy": 2})
    assert card.status_code == 201, card.text
    assert card.json()["scores"] == {"empathy": 3, "accuracy": 2}


def test_a_certified_agents_replies_are_drawn_for_review_at_the_set_share(
    ana: TestClient, supervisor: TestClient, care: dict[str, int]
) -> None:
    _settings(supervisor, certified_review_share=1.0)
    drawn = reply(ana, care["conversation"], "Hi Cat!", send=True)
    assert drawn["review_state"] == "pending"
    assert drawn["review_reason"] == "certified: drawn for review (100% of replies)"

    _settings(supervisor, certified_review_share=0.0)
    assert reply(ana, care["conversation"], "Anything else?", send=True)["review_state"] is None


def test_nobody_scores_their_own_reply_nor_a_reply_not_sent(
    settings: Settings, supervisor: TestClient, care: dict[str, int]
) -> None:
    set_level(supervisor, care["Ben"], "probation")
    with signed_in(settings, "ben@example.com", Role.SUPERVISOR) as ben:
        own = reply(ben, care["conversation"], "Hi Cat!", send=True)
        draft = reply(ben, care["conversation"], "A draft")
        assert own["review_state"] == "pending"
        assert ben.get(f"{URL}/reviews").json()["items"] == [], "not his own"
        assert [i["reply"]["id"] for i in supervisor.get(f"{URL}/reviews").json()["items"]] == [
            own["id"]
        ]
        assert _score(ben, own["id"], GOOD).status_code == 403
        assert _score(supervisor, draft["id"], GOOD).status_code == 409
    with signed_in(settings, "dee@example.com", Role.AGENT) as agent:
        assert _score(agent, own["id"], GOOD).status_code == 403
        assert agent.get(f"{URL}/reviews").status_code == 403


def test_promotion_is_suggested_after_enough_approved_replies_and_acted_on(
    client: TestClient,
    ana: TestClient,
    supervisor: TestClient,
    care: dict[str, int],
    session: Session,
) -> None:
    _settings(supervisor, promotion={"min_replies": 2, "min_approval_rate": 0.5, "min_days": 0})
    set_level(supervisor, care["Ana"], "trainee")
    before = supervisor.get(f"{URL}/promotions").json()["items"]
    assert [(p["agent_id"], p["ready"], p["decided"]) for p in before] == [(care["Ana"], False, 0)]
    assert (
        before[0]["why"]
        == "no decided replies yet in 0 day(s) as trainee; needs 2 more decided replies"
    )

    for number in range(3):
        conversation = open_conversation(client, author=f"c{number}", external_id=f"p{number}")
        waiting = reply(ana, conversation, f"Hi! We're on it ({number}).", send=True)
        if number == 0:
            decision = supervisor.post(
                f"{URL}/replies/{waiting['id']}/reject", json={"comment": "Warmer, please."}
            )
        else:
            decision = supervisor.post(f"{URL}/replies/{waiting['id']}/approve", json={})
        assert decision.status_code == 200, decision.text

    (suggestion,) = supervisor.get(f"{URL}/promotions?ready=true").json()["items"]
    assert suggestion["agent_id"] == care["Ana"]
    assert (suggestion["level"], suggestion["next_level"]) == ("trainee", "probation")
    assert (suggestion["decided"], suggestion["approved"]) == (3, 2)
    assert (
        suggestion["why"]
        == "2 of 3 replies approved (67%) in 0 day(s) as trainee: ready for probation"
    )
    assert ana.get(f"{URL}/promotions").status_code == 403

    set_level(supervisor, care["Ana"], "probation")
    assert supervisor.get(f"{URL}/promotions?ready=true").json()["items"] == []
    mine = ana.get(f"{URL}/agents/{care['Ana']}/certification").json()
    assert mine["level"] == "probation"
    assert ana.get(f"{URL}/agents/{care['Ben']}/certification").status_code == 403
    levels = supervisor.get(f"{URL}/certification").json()["items"]
    assert [(a["agent_name"], a["level"]) for a in levels] == [
        ("Ana", "probation"),
        ("Ben", "certified"),
    ]
    session.rollback()
    changes = session.scalars(
        select(Event.data).where(Event.type == "agent.certification_changed").order_by(Event.id)
    ).all()
    assert [(c["from"], c["to"]) for c in changes] == [
        ("certified", "trainee"),
        ("trainee", "probation"),
    ]


def test_another_workspace_reads_none_of_it(
    settings: Settings, ana: TestClient, care: dict[str, int], client: TestClient
) -> None:
    sent = reply(ana, care["conversation"], "Hi Cat!", send=True)
    client.post("/api/v1/workspaces", json={"slug": "other", "name": "Other"})
    other = "/api/v1/workspaces/other"
    assert client.get(f"{other}/replies/{sent['id']}/scorecards").status_code == 404
    assert _score(client, sent["id"], GOOD).status_code == 201
    assert (
        client.post(f"{other}/replies/{sent['id']}/scorecards", json={"scores": GOOD}).status_code
        == 404
    )
    assert (
        client.put(
            f"{other}/agents/{care['Ana']}/certification", json={"level": "trainee"}
        ).status_code
        == 404
    )
    with signed_in(settings, "sam@example.com", Role.SUPERVISOR, workspaces=("other",)) as sam:
        assert sam.get(f"{URL}/reviews").status_code == 404
