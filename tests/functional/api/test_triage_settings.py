"""A workspace's triage settings over HTTP: read, lanes file as YAML, settings as JSON."""

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from carelane.workspaces.service import shipped_lanes_text
from tests.functional.api.conftest import assert_error_shape, create_workspace
from tests.helpers import BAGGAGE_LANES, BROKEN_LANES, post_data

YAML = {"content-type": "text/yaml"}
PROBLEM_FIELD = re.compile(r"^lanes\.yaml:(\d+):(\d+): (\S+)$")


@pytest.fixture
def acme(client: TestClient) -> str:
    create_workspace(client, "acme", "Acme Air")
    return "/api/v1/workspaces/acme"


def _settings(client: TestClient, url: str) -> dict[str, Any]:
    response = client.get(f"{url}/triage-settings")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_new_workspace_triages_with_the_shipped_example_lanes(
    client: TestClient, acme: str
) -> None:
    body = _settings(client, acme)

    assert body["workspace"] == "acme"
    assert body["lanes_yaml"] is None
    assert body["lanes"]["shipped_example"] is True
    names = [lane["name"] for lane in body["lanes"]["lanes"]]
    assert body["lanes"]["default_lane"] in names
    assert all(isinstance(lane["categories"], list) for lane in body["lanes"]["lanes"])
    assert body["settings"]["reason_topics"] is False
    assert body["settings"]["brand_handles"] == []
    assert body["settings"]["priority"]["complaint"] == 30


@pytest.mark.parametrize("content_type", ["text/yaml", "text/plain; charset=utf-8"])
def test_lanes_file_is_saved_as_written_and_summarised(
    client: TestClient, acme: str, content_type: str
) -> None:
    airline = shipped_lanes_text("airline")

    response = client.put(f"{acme}/lanes", content=airline, headers={"content-type": content_type})

    assert response.status_code == 200, response.text
    assert response.json() == _settings(client, acme)
    body = response.json()
    assert body["lanes_yaml"] == airline
    assert body["lanes"]["shipped_example"] is False
    lanes = {lane["name"]: lane["categories"] for lane in body["lanes"]["lanes"]}
    assert "Lost Luggage" in lanes["Customer Service"]
    assert "Crisis Communications" in lanes["Marketing/PR"]


def test_a_broken_lanes_file_is_refused_with_every_problem_by_line_and_field(
    client: TestClient, acme: str
) -> None:
    client.put(f"{acme}/lanes", content=BAGGAGE_LANES, headers=YAML)

    response = client.put(f"{acme}/lanes", content=BROKEN_LANES, headers=YAML)

    assert response.status_code == 422
    details = assert_error_shape(response.json(), "invalid_input")
    places = []
    for detail in details:
        match = PROBLEM_FIELD.match(detail["field"])
        assert match, detail
        places.append((int(match[1]), int(match[2]), match[3]))
    assert (2, 15, "default_lane") in places
    assert (8, 11, "lanes[0].categories[0].match.keywordz") in places
    keywordz = next(d for d in details if d["field"].endswith("keywordz"))
    assert "did you mean 'keywords'" in keywordz["message"]
    assert _settings(client, acme)["lanes_yaml"] == BAGGAGE_LANES


def test_lanes_file_that_is_not_yaml_text(client: TestClient, acme: str) -> None:
    as_json = client.put(f"{acme}/lanes", json={"lanes": []})
    not_utf8 = client.put(f"{acme}/lanes", content=b"version: 1\nlanes: \xff\n", headers=YAML)
    empty = client.put(f"{acme}/lanes", content=b"", headers=YAML)

    assert as_json.status_code == 415
    assert_error_shape(as_json.json(), "unsupported_media_type")
    assert not_utf8.status_code == 422
    [detail] = assert_error_shape(not_utf8.json(), "invalid_input")
    assert detail["field"] == "lanes.yaml:2:8: file"
    assert empty.status_code == 422
    assert all(
        PROBLEM_FIELD.match(d["field"]) for d in assert_error_shape(empty.json(), "invalid_input")
    )
    assert _settings(client, acme)["lanes_yaml"] is None


def test_settings_are_replaced_and_validated_field_by_field(client: TestClient, acme: str) -> None:
    chosen = {"brand_handles": ["AcmeHelp"], "reason_topics": True, "priority": {"urgent": 20}}

    saved = client.put(f"{acme}/triage-settings", json=chosen)
    bad_weight = client.put(f"{acme}/triage-settings", json={"priority": {"complaint": 101}})
    unknown = client.put(f"{acme}/triage-settings", json={"colour": "red"})
    broken_promise = client.put(
        f"{acme}/triage-settings", json={"priority": {"not_actionable_cap": 40}}
    )
    not_a_list = client.put(f"{acme}/triage-settings", json={"brand_handles": 7})

    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["settings"]["brand_handles"] == ["AcmeHelp"]
    assert body["settings"]["reason_topics"] is True
    assert body["settings"]["priority"]["urgent"] == 20
    assert body["settings"]["priority"]["complaint"] == 30
    for response, field in (
        (bad_weight, "priority.complaint"),
        (unknown, "colour"),
        (broken_promise, "priority"),
        (not_a_list, "brand_handles"),
    ):
        assert response.status_code == 422, response.text
        details = assert_error_shape(response.json(), "invalid_input")
        assert field in [d["field"] for d in details]
    assert "not_actionable_cap" in broken_promise.json()["error"]["details"][0]["message"]
    assert _settings(client, acme)["settings"] == body["settings"]


def test_unknown_workspace(client: TestClient) -> None:
    url = "/api/v1/workspaces/nobody"
    for response in (
        client.get(f"{url}/triage-settings"),
        client.put(f"{url}/lanes", content=BAGGAGE_LANES, headers=YAML),
        client.put(f"{url}/triage-settings", json={}),
    ):
        assert response.status_code == 404
        assert_error_shape(response.json(), "not_found")


def test_new_lanes_and_settings_triage_the_next_posts(client: TestClient, acme: str) -> None:
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    client.put(f"{acme}/lanes", content=BAGGAGE_LANES, headers=YAML)
    client.put(f"{acme}/triage-settings", json={"brand_handles": ["@AcmeHelp"]})

    posted = client.post(
        "/api/v1/posts",
        json=[
            post_data("1", created_at=at, text="@AcmeHelp my suitcase is lost, please help"),
            post_data("2", created_at=at, author="AcmeHelp", text="@ana so sorry about that!"),
        ],
    )

    assert posted.status_code == 201, posted.text
    ids = [r["post_id"] for r in posted.json()["results"]]
    lost, own = (client.get(f"{acme}/posts/{i}").json() for i in ids)
    assert lost["triage"]["lane"] == "Baggage"
    assert [c["name"] for c in lost["triage_detail"]["categories"]] == ["Lost Bags"]
    assert own["triage"]["actionable"] is False
