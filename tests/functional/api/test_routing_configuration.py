"""A workspace's teams file and service levels over HTTP: saved as written, applied to the
agents and teams rows, and a bad file refused with every problem by line and field."""

import re
from importlib.resources import files

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carelane.store.models import Agent, Event, Team, TeamLane
from tests.functional.api.conftest import assert_error_shape, create_workspace

YAML = {"content-type": "text/yaml"}
TEAMS = (files("carelane.routing") / "teams_example.yaml").read_text(encoding="utf-8")
SHIPPED_LEVELS = (files("carelane.sla") / "service_levels_default.yaml").read_text(encoding="utf-8")
SMALL_TEAMS = """\
version: 1
teams:
  - name: Care
    lanes: [Customer Service]
agents:
  - name: Ana Ruiz
    email: ana.ruiz@example.com
    teams: [Care]
    languages: {en: 5}
    capacity: {twitter: 2}
  - name: Zoe Quinn
    teams: [Care]
    capacity: {facebook: 1}
"""
BROKEN_TEAMS = """\
version: 1
teams:
  - name: Care
    lanes: [Customer Service]
agents:
  - name: Ana Ruiz
    teams: [Car]
    capacity: {twiter: 2}
"""
BROKEN_LEVELS = """\
version: 1
calendars:
  - name: always
    time_zone: UTC
    hours: 24/7
policies:
  - name: Everything
    calendar: always
    first_response: 30 minutes
"""
PROBLEM = re.compile(r"^(teams|service-levels)\.yaml:(\d+):(\d+): (\S+)$")


@pytest.fixture
def acme(client: TestClient) -> str:
    create_workspace(client, "acme", "Acme")
    return "/api/v1/workspaces/acme"


def _places(details: list[dict[str, str]]) -> list[tuple[int, int, str]]:
    places = []
    for detail in details:
        match = PROBLEM.match(detail["field"])
        assert match, detail
        places.append((int(match[2]), int(match[3]), match[4]))
    return places


def test_a_new_workspace_has_no_teams_and_the_shipped_service_levels(
    client: TestClient, acme: str
) -> None:
    routing = client.get(f"{acme}/routing").json()
    levels = client.get(f"{acme}/service-levels").json()

    assert routing == {"workspace": "acme", "teams_yaml": None, "teams": [], "agents": []}
    assert levels["shipped_default"] is True
    assert levels["service_levels_yaml"] is None
    twitter = next(p for p in levels["policies"] if p["name"] == "X/Twitter")
    assert twitter["first_response"] == "30m"
    assert twitter["networks"] == ["twitter"]


def test_a_teams_file_creates_the_agents_and_teams(
    client: TestClient, acme: str, session: Session
) -> None:
    response = client.put(f"{acme}/routing", content=TEAMS, headers=YAML)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body == client.get(f"{acme}/routing").json()
    assert body["teams_yaml"] == TEAMS
    teams = {team["name"]: team for team in body["teams"]}
    assert teams["Tier 3"]["tier"] == 3
    assert teams["Tier 3"]["lanes"] == ["Customer Service"]
    assert teams["Tier 3"]["backup_lanes"] == ["Marketing/PR"]
    agents = {agent["name"]: agent for agent in body["agents"]}
    assert len(agents) == 8
    assert agents["Ana Ruiz"]["teams"] == ["Customer Service"]
    assert agents["Ana Ruiz"]["capacity"] == {"twitter": 5, "facebook": 3, "instagram": 3}
    assert agents["Ana Ruiz"]["state"] == "offline"
    assert agents["Dev Patel"]["tier"] == 2
    lanes = session.scalar(select(func.count()).select_from(TeamLane))
    assert lanes == 6
    events = session.scalars(
        select(Event.data).where(Event.type == "workspace.routing_configured")
    ).all()
    assert events == [
        {
            "teams_created": 4,
            "teams_updated": 0,
            "teams_removed": 0,
            "agents_created": 8,
            "agents_updated": 0,
            "agents_removed": 0,
        }
    ]


def test_applying_another_teams_file_updates_by_email_and_name_and_retires_the_rest(
    client: TestClient, acme: str, session: Session
) -> None:
    first = client.put(f"{acme}/routing", content=TEAMS, headers=YAML).json()
    ana_id = next(a["id"] for a in first["agents"] if a["name"] == "Ana Ruiz")

    second = client.put(f"{acme}/routing", content=SMALL_TEAMS, headers=YAML).json()
    third = client.put(f"{acme}/routing", content=SMALL_TEAMS, headers=YAML).json()

    assert [team["name"] for team in second["teams"]] == ["Care"]
    agents = {agent["name"]: agent for agent in second["agents"]}
    assert agents["Ana Ruiz"]["id"] == ana_id
    assert agents["Ana Ruiz"]["capacity"] == {"twitter": 2}
    assert agents["Zoe Quinn"]["email"] is None
    assert third["agents"] == second["agents"]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Agent)) == 9  # rows stay
    assert session.scalar(select(func.count()).select_from(Agent).where(Agent.on_roster)) == 2
    assert session.scalar(select(func.count()).select_from(Team).where(Team.on_roster)) == 1


def test_a_broken_teams_file_is_refused_with_every_problem_by_line_and_field(
    client: TestClient, acme: str
) -> None:
    client.put(f"{acme}/routing", content=SMALL_TEAMS, headers=YAML)

    response = client.put(f"{acme}/routing", content=BROKEN_TEAMS, headers=YAML)

    assert response.status_code == 422
    details = assert_error_shape(response.json(), "invalid_input")
    places = _places(details)
    assert (7, 13, "agents[0].teams[0]") in places
    assert (8, 16, "agents[0].capacity.twiter") in places
    assert any("did you mean 'twitter'" in d["message"] for d in details)
    assert client.get(f"{acme}/routing").json()["teams_yaml"] == SMALL_TEAMS


def test_service_levels_are_saved_and_a_broken_file_refused(client: TestClient, acme: str) -> None:
    saved = client.put(f"{acme}/service-levels", content=SHIPPED_LEVELS, headers=YAML)
    broken = client.put(f"{acme}/service-levels", content=BROKEN_LEVELS, headers=YAML)

    assert saved.status_code == 200, saved.text
    assert saved.json()["shipped_default"] is False
    assert saved.json()["service_levels_yaml"] == SHIPPED_LEVELS
    assert broken.status_code == 422
    places = _places(assert_error_shape(broken.json(), "invalid_input"))
    assert (9, 21, "policies[0].first_response") in places
    assert client.get(f"{acme}/service-levels").json() == saved.json()


@pytest.mark.parametrize("path", ["routing", "service-levels"])
def test_configuration_files_must_be_sent_as_yaml_or_text(
    client: TestClient, acme: str, path: str
) -> None:
    response = client.put(f"{acme}/{path}", json={"teams": []})

    assert response.status_code == 415
    assert_error_shape(response.json(), "unsupported_media_type")


@pytest.mark.parametrize("path", ["routing", "service-levels"])
def test_configuration_of_an_unknown_workspace_is_404(client: TestClient, path: str) -> None:
    assert client.get(f"/api/v1/workspaces/nobody/{path}").status_code == 404
    response = client.put(f"/api/v1/workspaces/nobody/{path}", content=SMALL_TEAMS, headers=YAML)
    assert response.status_code in (404, 422)
