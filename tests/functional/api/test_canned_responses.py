"""Canned responses over HTTP on SQLite and PostgreSQL: written by supervisors, read and
searched by agents, variables checked when saved and filled in for a conversation,
suggestions for a customer's post, the shipped airline set the demo gives."""

from collections.abc import Iterator
from importlib.resources import files
from typing import Any

import pytest
from fastapi.testclient import TestClient

from carelane.accounts.roles import Role
from carelane.cli.admin import add_demo_quality
from carelane.config import Settings
from tests.functional.api.care_setup import (
    URL,
    care_workspace,
    open_conversation,
    signed_in,
)
from tests.functional.api.conftest import assert_error_shape, create_workspace

BAG = {
    "title": "Lost bag - start a trace",
    "text": "Hi {customer_first_name}, so sorry about your bag! DM us the bag tag "
    "number and we'll trace it. ^{agent_initials}",
    "lanes": ["Customer Service"],
    "categories": ["Lost Luggage"],
    "intents": ["complaint"],
}
THANKS = {
    "title": "Thanks for the kind words",
    "text": "Thank you, {customer_first_name}! We'll tell the crew.",
    "intents": ["compliment"],
}
DM = {
    "title": "Move to DM",
    "text": "Please DM us your booking reference so we can look at your bag privately.",
    "networks": ["twitter"],
}


@pytest.fixture
def care(client: TestClient) -> dict[str, int]:
    return care_workspace(client)


@pytest.fixture
def supervisor(settings: Settings, care: dict[str, int]) -> Iterator[TestClient]:
    with signed_in(settings, "sam@example.com", Role.SUPERVISOR) as client:
        yield client


@pytest.fixture
def ana(settings: Settings, care: dict[str, int]) -> Iterator[TestClient]:
    with signed_in(settings, "ana@example.com", Role.AGENT) as client:
        yield client


def _create(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"{URL}/canned-responses", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_supervisors_write_them_agents_read_them_and_may_not_write(
    supervisor: TestClient, ana: TestClient
) -> None:
    created = _create(supervisor, BAG)
    assert created["variables"] == ["customer_first_name", "agent_initials"]
    assert created["networks"] == []

    refused = ana.post(f"{URL}/canned-responses", json=THANKS)
    assert refused.status_code == 403
    assert_error_shape(refused.json(), "forbidden")
    assert ana.delete(f"{URL}/canned-responses/{created['id']}").status_code == 403
    assert ana.get(f"{URL}/canned-responses/{created['id']}").json()["title"] == BAG["title"]

    changed = supervisor.put(
        f"{URL}/canned-responses/{created['id']}", json={**BAG, "title": "Lost bag"}
    )
    assert changed.status_code == 200, changed.text
    taken = supervisor.post(f"{URL}/canned-responses", json={**THANKS, "title": "LOST BAG"})
    assert taken.status_code == 409
    assert supervisor.delete(f"{URL}/canned-responses/{created['id']}").status_code == 204
    assert ana.get(f"{URL}/canned-responses/{created['id']}").status_code == 404
    assert ana.get(f"{URL}/canned-responses").json()["items"] == []
    _create(supervisor, {**THANKS, "title": "Lost bag"})  # the title is free again


def test_an_unknown_variable_is_refused_when_saved_naming_it(supervisor: TestClient) -> None:
    response = supervisor.post(
        f"{URL}/canned-responses",
        json={**BAG, "text": "Hi {customer_firstname}, your flight {flight} is on time {"},
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unknown_variable"
    assert error["unknown_variables"] == ["customer_firstname", "flight"]
    assert "customer_first_name" in error["known_variables"]
    messages = [d["message"] for d in error["details"]]
    assert messages[0].startswith("unknown variable {customer_firstname} at character 4; known:")
    assert messages[1].startswith("unknown variable {flight} at character 38")
    assert messages[2] == "a lone '{' at character 58: write {{ for a literal brace"
    assert all(d["field"] == "text" for d in error["details"])
    assert supervisor.get(f"{URL}/canned-responses").json()["items"] == []


def test_search_finds_title_and_text_with_title_hits_first(
    supervisor: TestClient, ana: TestClient
) -> None:
    for body in (BAG, THANKS, DM):
        _create(supervisor, body)

    found = ana.get(f"{URL}/canned-responses", params={"q": "BAG"}).json()["items"]
    assert [r["title"] for r in found] == ["Lost bag - start a trace", "Move to DM"]
    found = ana.get(f"{URL}/canned-responses", params={"q": "dm"}).json()["items"]
    assert [r["title"] for r in found] == ["Move to DM", "Lost bag - start a trace"]
    every = ana.get(f"{URL}/canned-responses").json()["items"]
    assert [r["title"] for r in every] == [
        "Lost bag - start a trace",
        "Move to DM",
        "Thanks for the kind words",
    ]
    tagged = ana.get(f"{URL}/canned-responses", params={"intent": "compliment"}).json()
    assert [r["title"] for r in tagged["items"]] == ["Move to DM", "Thanks for the kind words"]
    forum = ana.get(f"{URL}/canned-responses", params={"network": "forum"}).json()
    assert "Move to DM" not in [r["title"] for r in forum["items"]]


def test_a_response_is_filled_in_for_the_conversation_and_the_agent(
    client: TestClient, supervisor: TestClient, ana: TestClient, care: dict[str, int]
) -> None:
    body = "Hi {customer_first_name} ({author_handle}), {agent_first_name} at {brand} here. "
    body += "Booking {booking_reference}? {{ok}}"
    created = _create(supervisor, {**BAG, "text": body})

    response = ana.get(
        f"{URL}/conversations/{care['conversation']}/canned-responses/{created['id']}"
    )

    assert response.status_code == 200, response.text
    rendered = response.json()
    assert rendered["text"] == (
        "Hi Cat (@cat), Ana at Acme here. Booking {booking_reference}? {ok}"
    )
    assert rendered["missing"] == ["booking_reference"]
    with_booking = open_conversation(
        client,
        author="eve",
        display_name=None,
        external_id="7",
        text="@AcmeHelp my booking ref is QX7T2P and the bag is gone",
    )
    filled = ana.get(f"{URL}/conversations/{with_booking}/canned-responses/{created['id']}")
    assert filled.json()["text"] == ("Hi eve (@eve), Ana at Acme here. Booking QX7T2P? {ok}")
    assert filled.json()["missing"] == []


def test_the_suggestion_is_the_response_that_fits_the_customers_post(
    supervisor: TestClient, ana: TestClient, care: dict[str, int]
) -> None:
    for body in (THANKS, DM, BAG):
        _create(supervisor, body)

    response = ana.get(f"{URL}/conversations/{care['conversation']}/suggested-responses")

    assert response.status_code == 200, response.text
    suggestions = response.json()
    assert suggestions["post_id"] is not None
    titles = [s["response"]["title"] for s in suggestions["items"]]
    assert titles[0] == "Lost bag - start a trace"
    assert "Thanks for the kind words" not in titles
    best = suggestions["items"][0]
    assert best["rendered"]["text"].startswith("Hi Cat, so sorry about your bag!")
    assert best["rendered"]["text"].endswith("^A")
    assert any(reason.startswith("words in common") for reason in best["reasons"])


def test_another_workspace_sees_none_of_them(
    settings: Settings, client: TestClient, supervisor: TestClient, care: dict[str, int]
) -> None:
    created = _create(supervisor, BAG)
    create_workspace(client, "other")
    other = "/api/v1/workspaces/other"
    assert client.get(f"{other}/canned-responses/{created['id']}").status_code == 404
    assert client.get(f"{other}/canned-responses").json()["items"] == []
    assert client.put(f"{other}/canned-responses/{created['id']}", json=BAG).status_code == 404
    with signed_in(settings, "oz@example.com", Role.SUPERVISOR, workspaces=("other",)) as oz:
        assert oz.get(f"{URL}/canned-responses").status_code == 404


def test_the_demo_gives_airline_workspaces_the_shipped_responses_and_two_trainee_levels(
    settings: Settings, client: TestClient
) -> None:
    create_workspace(client, "americanair", "AmericanAir")
    teams = (files("carelane.routing") / "teams_example.yaml").read_text(encoding="utf-8")
    routing = client.put(
        "/api/v1/workspaces/americanair/routing",
        content=teams,
        headers={"content-type": "text/yaml"},
    )
    assert routing.status_code == 200, routing.text

    add_demo_quality(settings)
    add_demo_quality(settings)

    listed = client.get("/api/v1/workspaces/americanair/canned-responses").json()["items"]
    assert len(listed) == 23
    assert len({r["title"] for r in listed}) == 23
    levels = client.get("/api/v1/workspaces/americanair/certification").json()["items"]
    by_name = {a["agent_name"]: a["level"] for a in levels}
    assert by_name["Chloé Martin"] == "trainee"
    assert by_name["Ben Okafor"] == "probation"
    assert by_name["Ana Ruiz"] == "certified"


def test_a_title_or_tag_that_is_no_text_is_refused_naming_it(supervisor: TestClient) -> None:
    response = supervisor.post(
        f"{URL}/canned-responses",
        content='{"title": "Bag\\u0007", "text": "Hi", "lanes": ["Care\\u0000"]}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    details = assert_error_shape(response.json(), "invalid_input")
    assert [d["field"] for d in details] == ["title", "lanes.0"]
    assert "control character U+0007" in details[0]["message"]
