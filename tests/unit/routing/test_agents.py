"""Agents, teams and the roster: skills, capacity, duties and how an agent stands
towards a lane."""

from datetime import timedelta

import pytest

from carelane.routing.agents import AgentProfile, AgentSnapshot, RepRole, Skill, SkillKind
from carelane.routing.durations import describe_duration
from carelane.routing.lane_policies import DEFAULT_OVERFLOW_AFTER, LanePolicy
from carelane.routing.roster import Roster, Standing
from tests.unit.routing.builders import FACEBOOK, FORUM, TEAMS, TWITTER, agent, roster


def test_proficiency_is_found_in_any_case_and_zero_when_missing() -> None:
    ana = agent(1, languages={"es": 4}, categories={"Baggage": 3}).profile
    assert ana.proficiency(SkillKind.LANGUAGE, "ES") == 4
    assert ana.proficiency(SkillKind.CATEGORY, "baggage ") == 3
    assert ana.proficiency(SkillKind.LANGUAGE, "fr") == 0
    assert ana.proficiency(SkillKind.CATEGORY, "es") == 0  # kinds are apart


def test_a_skill_listed_twice_counts_at_its_best() -> None:
    profile = AgentProfile(
        "Ana",
        skills=(Skill(SkillKind.LANGUAGE, "es", 2), Skill(SkillKind.LANGUAGE, "es", 4)),
    )
    assert profile.proficiency(SkillKind.LANGUAGE, "es") == 4


@pytest.mark.parametrize("level", [0, 6, -1])
def test_proficiency_outside_1_to_5_is_refused(level: int) -> None:
    with pytest.raises(ValueError, match=f"proficiency {level} of 'es' is not 1 to 5"):
        Skill(SkillKind.LANGUAGE, "es", level)


def test_a_duty_on_one_network_wins_over_one_for_every_network() -> None:
    ben = agent(2, primary=(("Care", None),), backup=(("care", TWITTER),)).profile
    assert ben.duty("Care", TWITTER) is RepRole.BACKUP
    assert ben.duty("CARE", FACEBOOK) is RepRole.PRIMARY
    assert ben.duty("Social", TWITTER) is None


def test_room_counts_slots_per_network() -> None:
    ana = agent(1, capacity={TWITTER: 2, FACEBOOK: 1}, load={TWITTER: 2})
    assert not ana.has_room_on(TWITTER)
    assert ana.has_room_on(FACEBOOK)
    assert not ana.has_room_on(FORUM)  # a network she does not work
    assert ana.describe_load(TWITTER) == "2 of 2 twitter slots used"
    assert ana.occupancy == pytest.approx(2 / 3)


def test_an_agent_without_slots_is_fully_occupied() -> None:
    assert agent(1, capacity={}).occupancy == 1.0


def test_standing_of_team_members_and_reps() -> None:
    member = agent(1)
    primary = agent(2, primary=(("Care", TWITTER),))
    backup = agent(3, backup=(("Care", None),))
    outsider_primary = agent(4, teams=("Social",), primary=(("Care", TWITTER),))
    social = agent(5, teams=("Social",))
    team = roster(member, primary, backup, outsider_primary, social)

    def standing(who: AgentSnapshot, *, overflowing: bool = False) -> Standing | None:
        return team.standing(who, lane="care", network=TWITTER, team=None, overflowing=overflowing)

    assert standing(member) is Standing.MEMBER
    assert standing(primary) is Standing.PRIMARY
    assert standing(backup) is Standing.BACKUP
    assert standing(outsider_primary) is Standing.PRIMARY
    assert standing(social) is None
    assert standing(social, overflowing=True) is Standing.BACKUP_TEAM
    # the primary duty is for twitter only
    assert (
        team.standing(outsider_primary, lane="Care", network=FACEBOOK, team=None, overflowing=False)
        is None
    )


def test_a_conversation_held_for_a_team_is_that_teams_alone_until_it_overflows() -> None:
    care = agent(1, primary=(("Care", TWITTER),))
    senior = agent(2, teams=("Tier 3",), tier=3)
    social = agent(3, teams=("Social",))
    team = roster(care, senior, social)

    def standing(who: AgentSnapshot, *, overflowing: bool = False) -> Standing | None:
        return team.standing(
            who, lane="Care", network=TWITTER, team="tier 3", overflowing=overflowing
        )

    assert standing(care) is None  # a primary rep, but not of the team it was sent to
    assert standing(senior) is Standing.MEMBER
    assert standing(social) is None
    assert standing(social, overflowing=True) is Standing.BACKUP_TEAM


def test_roster_indexes_teams_and_lane_policies() -> None:
    team = roster(agent(1))
    assert [t.name for t in team.owning_teams("CARE")] == ["Care", "Tier 3"]
    assert [t.name for t in team.backup_teams("Care")] == ["Social"]
    assert team.owning_teams("Nowhere") == ()
    assert team.policy("care").overflow_after == timedelta(minutes=15)
    assert team.policy("Social") == LanePolicy("Social", DEFAULT_OVERFLOW_AFTER)
    assert team.team("tier 3") is TEAMS[2]
    assert team.agent(1) is not None
    assert team.agent(2) is None


def test_a_roster_refuses_repeated_agent_ids_and_team_names() -> None:
    with pytest.raises(ValueError, match="agent ids must be unique"):
        Roster((agent(1), agent(1, "Other")), TEAMS)
    with pytest.raises(ValueError, match="team names must be unique"):
        Roster((agent(1),), (*TEAMS, TEAMS[0]))


def test_roster_reads_the_teams_of_a_fresh_snapshot_from_its_profile() -> None:
    team = roster(agent(1))
    moved = agent(1, teams=("Social",))
    assert team.standing(moved, lane="Social", network=TWITTER, team=None, overflowing=False) == (
        Standing.MEMBER
    )


@pytest.mark.parametrize(
    ("span", "said"),
    [
        (timedelta(seconds=59), "under 1 min"),
        (timedelta(minutes=4, seconds=59), "4 min"),
        (timedelta(minutes=60), "1 h"),
        (timedelta(hours=2, minutes=5), "2 h 5 min"),
        (timedelta(days=1), "1 d"),
        (timedelta(days=3, hours=4, minutes=30), "3 d 4 h"),
        (-timedelta(minutes=3), "3 min"),
    ],
)
def test_describe_duration(span: timedelta, said: str) -> None:
    assert describe_duration(span) == said
