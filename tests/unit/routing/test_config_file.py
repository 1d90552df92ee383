"""Teams files: what a valid one becomes, and every problem of a broken one with its
line, column and field."""

from datetime import timedelta
from pathlib import Path
from textwrap import dedent

import pytest

from carelane.config_files.problems import ConfigProblem
from carelane.domain.errors import InvalidInputError
from carelane.routing.agents import AgentSnapshot, LaneDuty, RepRole, SkillKind, Team
from carelane.routing.config_file import (
    example_team_config,
    load_team_config,
    load_team_config_file,
)
from carelane.routing.lane_policies import DEFAULT_OVERFLOW_AFTER, LanePolicy, Need
from carelane.routing.team_config import RoutingConfigError
from carelane.triage.lanes import shipped_lane_config
from tests.unit.routing.builders import FACEBOOK, FORUM, TWITTER

VALID = dedent(
    """\
    version: 1
    teams:
      - name: Customer Service
        description: First line.
        lanes: [Customer Service]
      - name: Tier 3
        tier: 3
        lanes: [customer service]
        backup_lanes: [Marketing/PR]
      - name: Marketing/PR
        lanes: [Marketing/PR]
    lanes:
      - name: customer service
        overflow_after_minutes: 10
        category_skill: required
        push_to_free_agents: true
    agents:
      - name: Ana Ruiz
        email: ana@example.com
        teams: [customer service]
        languages: {EN: 5, es: 4}
        categories: {Baggage: 3}
        capacity: {twitter: 5, facebook: 0}
        primary:
          - {lane: Customer Service, networks: [twitter, facebook]}
        backup:
          - Marketing/PR
      - name: Erin Walsh
        teams: [Tier 3, Customer Service]
        capacity: {forum: 4}
    """
)


def problems(text: str) -> list[str]:
    with pytest.raises(RoutingConfigError) as refused:
        load_team_config(dedent(text), source="teams.yaml")
    return [str(problem) for problem in refused.value.problems]


def test_a_valid_file() -> None:
    config = load_team_config(VALID, source="teams.yaml")
    assert config.source == "teams.yaml"
    assert config.teams == (
        Team("Customer Service", ("Customer Service",), 1, description="First line."),
        Team("Tier 3", ("customer service",), 3, ("Marketing/PR",)),
        Team("Marketing/PR", ("Marketing/PR",), 1),
    )
    assert config.lane_names == ("Customer Service", "Marketing/PR")
    assert config.lanes == (
        LanePolicy("Customer Service", timedelta(minutes=10), Need.REQUIRED, Need.REQUIRED, True),
    )
    ana, erin = config.agents
    assert (ana.name, ana.email, ana.teams, ana.tier) == (
        "Ana Ruiz",
        "ana@example.com",
        ("Customer Service",),
        1,
    )
    assert ana.proficiency(SkillKind.LANGUAGE, "en") == 5
    assert ana.proficiency(SkillKind.LANGUAGE, "es") == 4
    assert ana.proficiency(SkillKind.CATEGORY, "baggage") == 3
    assert ana.capacity == {TWITTER: 5, FACEBOOK: 0}
    assert ana.duties == (
        LaneDuty("Customer Service", RepRole.PRIMARY, TWITTER),
        LaneDuty("Customer Service", RepRole.PRIMARY, FACEBOOK),
        LaneDuty("Marketing/PR", RepRole.BACKUP, None),
    )
    assert erin.tier == 3  # the highest of her teams'
    assert erin.capacity == {FORUM: 4}
    assert erin.email is None
    assert config.agent("erin walsh") is erin
    assert config.agent("Nobody") is None


def test_a_config_makes_a_roster_of_snapshots() -> None:
    config = load_team_config(VALID)
    roster = config.roster([AgentSnapshot(7, config.agents[0])])
    assert roster.agent(7) is not None
    assert roster.policy("Customer Service").overflow_after == timedelta(minutes=10)
    assert roster.policy("Marketing/PR").overflow_after == DEFAULT_OVERFLOW_AFTER
    assert [team.name for team in roster.backup_teams("marketing/pr")] == ["Tier 3"]


def test_every_problem_at_once_with_line_column_and_field() -> None:
    found = problems(
        """\
        version: 1
        teams:
          - name: Care
            tier: 1
            lanes: [Care, Care]
          - name: care
            lanes: [Other]
          - name: Social
            lanes: [Social]
            backup_lanes: [Cares, Social]
          - name: Tier 3
            tier: 12
            lanes: [Care]
        lanes:
          - name: Billing
            overflow_after_minutes: 0
          - name: Care
            language_skill: mandatory
        agents:
          - name: Ana
            teams: [Care, Socail]
            languages: {es: 6, english: 3, und: 2}
            categories: {Baggage: 0}
            capacity: {twiter: 5, facebook: 101, forum: -1}
            primary:
              - {lane: Cars, networks: [twitter, myspace]}
            backup:
              - Care
          - name: ana
            teams: [Care]
            capacity: {}
            langauges: {en: 5}
          - name: Ben
            teams: [Tier 3]
            capacity: {twitter: 3}
            primary: [{lane: Care, networks: [twitter]}]
            backup: [{lane: Care, networks: [twitter]}]
            email: ben
        """
    )
    networks = "twitter, facebook, instagram, youtube, forum, review_site"
    language_code = "is not a language code; give an ISO 639-1 code such as en or es"
    assert found == [
        "teams.yaml:5:19: teams[0].lanes[1]: 'Care' is listed twice",
        "teams.yaml:6:11: teams[1].name: team 'care' is already defined on line 3",
        "teams.yaml:10:20: teams[2].backup_lanes[0]: 'Cares' is not a lane any team owns; "
        "did you mean 'Care'?",
        "teams.yaml:10:27: teams[2].backup_lanes[1]: Social owns 'Social'; it cannot back it up",
        "teams.yaml:12:11: teams[3].tier: 12 is out of range; give 1 to 9",
        "teams.yaml:15:11: lanes[0].name: 'Billing' is not a lane any team owns; "
        "there are Care, Other, Social",
        "teams.yaml:16:29: lanes[0].overflow_after_minutes: 0 is out of range; give 1 to 10,080",
        "teams.yaml:18:21: lanes[1].language_skill: 'mandatory' is not one of required, preferred",
        "teams.yaml:21:19: agents[0].teams[1]: 'Socail' is not a team; did you mean 'Social'?",
        "teams.yaml:22:21: agents[0].languages.es: 6 is out of range; give 1 to 5",
        f"teams.yaml:22:24: agents[0].languages.english: 'english' {language_code}",
        f"teams.yaml:22:36: agents[0].languages.und: 'und' {language_code}",
        "teams.yaml:23:27: agents[0].categories.Baggage: 0 is out of range; give 1 to 5",
        "teams.yaml:24:16: agents[0].capacity.twiter: 'twiter' is not a network; "
        "did you mean 'twitter'?",
        "teams.yaml:24:37: agents[0].capacity.facebook: 101 is out of range; give 0 to 100",
        "teams.yaml:24:49: agents[0].capacity.forum: -1 is out of range; give 0 to 100",
        "teams.yaml:26:16: agents[0].primary[0].lane: 'Cars' is not a lane any team owns; "
        "did you mean 'Care'?",
        f"teams.yaml:26:42: agents[0].primary[0].networks[1]: 'myspace' is not one of {networks}",
        "teams.yaml:29:11: agents[1].name: agent 'ana' is already defined on line 20",
        f"teams.yaml:31:15: agents[1].capacity: must give at least one network: {networks}",
        "teams.yaml:32:5: agents[1].langauges: unknown field; did you mean 'languages'?",
        "teams.yaml:37:21: agents[2].backup[0].lane: Care on twitter already has a duty on line 36",
        "teams.yaml:38:12: agents[2].email: 'ben' is not an email address",
    ]


def test_pushing_to_free_agents_is_off_unless_a_lane_says_true() -> None:
    found = problems(
        """\
        version: 1
        teams:
          - {name: Care, lanes: [Care, Social]}
        lanes:
          - {name: Care, push_to_free_agents: sometimes}
        agents:
          - {name: Ana, teams: [Care], capacity: {twitter: 5}}
        """
    )
    assert found == [
        "teams.yaml:5:39: lanes[0].push_to_free_agents: 'sometimes' is not one of true, false"
    ]
    config = load_team_config(
        dedent(
            """\
            version: 1
            teams:
              - {name: Care, lanes: [Care, Social]}
            lanes:
              - {name: Care, push_to_free_agents: false}
              - {name: Social}
            agents:
              - {name: Ana, teams: [Care], capacity: {twitter: 5}}
            """
        )
    )
    assert [policy.push_to_free_agents for policy in config.lanes] == [False, False]


def test_the_problems_are_an_invalid_input_error_naming_each_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        load_team_config("version: 2\nteams: []\nagents: []\n", source="t.yaml")
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("version", "2 is not supported; this carelane reads version 1 (at t.yaml:1:10)"),
        ("teams", "must list at least one of teams (at t.yaml:2:8)"),
        ("agents", "must list at least one of agents (at t.yaml:3:9)"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["teams.yaml:1:1: document: is empty; expected version, teams, agents"]),
        (
            "- a list\n",
            ["teams.yaml:1:1: document: must be a mapping of version, teams, agents, not a list"],
        ),
        (
            "version: 1\nteams: [{name: A, lanes: [L]}]\n",
            ["teams.yaml:1:1: agents: is required"],
        ),
        (
            "version: 1\nteams: {name: A}\nagents: []\n",
            [
                "teams.yaml:2:8: teams: must be a list of teams, not a mapping",
                "teams.yaml:3:9: agents: must list at least one of agents",
            ],
        ),
        (
            "version: 1\nteams: [{name: A, lanes: [L]}]\nagents:\n  - name: X\n    teams: [A]\n"
            "    capacity: [twitter]\n    tier: two\n",
            [
                "teams.yaml:6:15: agents[0].capacity: must be a mapping of networks to "
                "conversations held at once, not a list",
                "teams.yaml:7:11: agents[0].tier: must be a whole number, not a text",
            ],
        ),
        (
            "version: 1\nteams: [{name: A, lanes: [L]}]\nagents:\n  - name: X\n    teams: [A]\n"
            "    capacity: {twitter: 1, Twitter: 2}\n    languages: {en: 1, EN: 2}\n",
            [
                "teams.yaml:6:28: agents[0].capacity.Twitter: appears twice; it is first on line 6",
                "teams.yaml:7:24: agents[0].languages.EN: appears twice; it is first on line 7",
            ],
        ),
        (
            "version: 1\nteams: [{name: A, lanes: [L]}]\nagents: [{name: X, teams: [A, a], "
            "capacity: {forum: 1}, primary: [{networks: [forum]}]}]\n",
            [
                "teams.yaml:3:31: agents[0].teams[1]: 'a' is listed twice",
                "teams.yaml:3:67: agents[0].primary[0].lane: is required",
            ],
        ),
        (
            "version: 1\nteams: [{name: A, lanes: [L]}]\nagents: [{name: X, teams: [A]\n",
            [
                "teams.yaml:4:1: yaml: expected ',' or '}', but got '<stream end>' "
                "(while parsing a flow mapping)"
            ],
        ),
    ],
)
def test_shapes_and_syntax(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "teams.yaml"
    path.write_bytes(b"version: 1\nteams:\n  - name: Caf\xe9\n")
    with pytest.raises(RoutingConfigError) as refused:
        load_team_config_file(path)
    assert refused.value.problems == [ConfigProblem(str(path), 3, 14, "file", "is not valid UTF-8")]


def test_a_file_read_from_disk_names_its_path(tmp_path: Path) -> None:
    path = tmp_path / "teams.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert load_team_config_file(path).source == str(path)


def test_the_shipped_example_fits_the_shipped_lanes() -> None:
    config = example_team_config()
    lanes = shipped_lane_config("example")
    assert {name.casefold() for name in config.lane_names} == {
        lane.name.casefold() for lane in lanes.lanes
    }
    categories = {category.name for category in lanes.categories}
    skills = {
        skill.name
        for agent in config.agents
        for skill in agent.skills
        if skill.kind is SkillKind.CATEGORY
    }
    assert skills <= categories
    assert [team.name for team in config.teams] == [
        "Customer Service",
        "Tier 2",
        "Tier 3",
        "Marketing/PR",
    ]
    assert any(duty.role is RepRole.PRIMARY for agent in config.agents for duty in agent.duties)
    assert any(duty.role is RepRole.BACKUP for agent in config.agents for duty in agent.duties)
    assert len(config.agents) == 8
