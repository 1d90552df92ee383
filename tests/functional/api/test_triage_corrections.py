"""A post's triage over HTTP, and agents correcting it: 201 with the correction, the
stored triage with its corrections, and errors in the stable shape naming the field."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.functional.api.conftest import assert_error_shape, create_workspace
from tests.helpers import post_data

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def post_ids(client: TestClient) -> list[int]:
    create_workspace(client, "acme", "Acme")
    create_workspace(client, "globex", "Globex")
    response = client.post(
        "/api/v1/posts",
        json=[
            post_data("1", created_at=T0, text="@AcmeHelp my order never arrived, 3 weeks now"),
            post_data("2", created_at=T0, workspace="globex", channel="GlobexCare"),
        ],
    )
    assert response.status_code == 201, response.text
    return [r["post_id"] for r in response.json()["results"]]


def _correct(client: TestClient, post_id: int, **body: Any) -> Any:
    return client.post(f"/api/v1/workspaces/acme/posts/{post_id}/triage/corrections", json=body)


def test_a_correction_is_answered_and_shown_with_the_triage(
    client: TestClient, post_ids: list[int]
) -> None:
    url = f"/api/v1/workspaces/acme/posts/{post_ids[0]}/triage"
    before = client.get(url)
    assert before.status_code == 200, before.text
    triage = before.json()
    assert triage["corrections"] == []
    assert "model_version" not in triage["detail"]  # the columns say it, once
    assert triage["detail"]["priority_why"]

    response = _correct(client, post_ids[0], field="sentiment", value="neutral")

    assert response.status_code == 201, response.text
    correction = response.json()
    assert correction["field"] == "sentiment"
    assert correction["old_value"] == triage["sentiment"]
    assert correction["new_value"] == "neutral"
    assert correction["agent_id"] is None
    assert correction["model_version"] == triage["model_version"]
    after = client.get(url).json()
    assert after["sentiment"] == "neutral"
    assert after["detail"]["corrected_by"]["sentiment"]["old_value"] == triage["sentiment"]
    assert after["corrections"] == [correction]


def test_a_lane_correction_moves_the_conversation(client: TestClient, post_ids: list[int]) -> None:
    response = _correct(client, post_ids[0], field="lane", value="Marketing/PR")
    assert response.status_code == 201, response.text
    conversations = client.get("/api/v1/workspaces/acme/conversations").json()["items"]
    assert [c.get("lane") for c in conversations] == ["Marketing/PR"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"field": "mood", "value": "angry"}, "field"),
        ({"field": "intent", "value": "rant"}, "value"),
        ({"field": "lane", "value": "Accounts Payable"}, "value"),
        ({"field": "category", "value": "Nope"}, "value"),
        ({"field": "intent", "value": "question", "agent_id": 4242}, "agent_id"),
        ({"field": "intent"}, "value"),
        ({"field": "intent", "value": ""}, "value"),
        ({"field": "intent", "value": "question", "extra": 1}, "extra"),
    ],
)
def test_bad_corrections_are_422_naming_the_field(
    client: TestClient, post_ids: list[int], body: dict[str, Any], field: str
) -> None:
    response = _correct(client, post_ids[0], **body)
    assert response.status_code == 422, response.text
    details = assert_error_shape(response.json(), "invalid_input")
    assert [d["field"] for d in details] == [field]
    assert (
        client.get(f"/api/v1/workspaces/acme/posts/{post_ids[0]}/triage").json()["corrections"]
        == []
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/workspaces/acme/posts/{other}/triage",
        "/api/v1/workspaces/acme/posts/99999/triage",
        "/api/v1/workspaces/nowhere/posts/{own}/triage",
    ],
)
def test_unknown_posts_are_404_in_either_direction(
    client: TestClient, post_ids: list[int], path: str
) -> None:
    own, other = post_ids
    url = path.format(own=own, other=other)
    for response in (
        client.get(url),
        client.post(f"{url}/corrections", json={"field": "intent", "value": "question"}),
    ):
        assert response.status_code == 404, response.text
        assert_error_shape(response.json(), "not_found")
