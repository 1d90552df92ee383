"""Service-level policies: which one a conversation gets, and the sets that leave a
conversation with none or with two."""

from datetime import timedelta

import pytest

from carelane.domain.channels import ChannelKind, Network
from carelane.sla.calendars import BusinessCalendar
from carelane.sla.policies import (
    BreachActions,
    DeadlineKind,
    ScopeProblem,
    ServiceLevelPolicy,
    ServiceLevels,
    scope_problems,
    target_problem,
)

ALWAYS = BusinessCalendar.always_open("24/7")
MINUTES = timedelta(minutes=1)


def policy(name: str, first: int = 60, **scope: object) -> ServiceLevelPolicy:
    fields: dict[str, object] = {
        "name": name,
        "calendar": "24/7",
        "first_response": first * MINUTES,
        "next_response": first * MINUTES,
    }
    return ServiceLevelPolicy(**(fields | scope))  # type: ignore[arg-type]


EVERYTHING = policy("Everything", 240)
TWITTER = policy("X/Twitter", 30, networks=frozenset({Network.TWITTER}))
URGENT = policy("Urgent", 15, min_priority=80)
URGENT_TWEETS = policy("Urgent tweets", 5, networks=frozenset({Network.TWITTER}), min_priority=80)
SEARCHES = policy("Keyword searches", 480, channel_kinds=frozenset({ChannelKind.KEYWORD_SEARCH}))


def levels(*policies: ServiceLevelPolicy) -> ServiceLevels:
    return ServiceLevels((ALWAYS,), policies)


def test_the_most_specific_policy_wins() -> None:
    chosen = levels(EVERYTHING, TWITTER, URGENT, URGENT_TWEETS, SEARCHES)

    assert chosen.policy_for(Network.FORUM, 10).name == "Everything"
    assert chosen.policy_for(Network.TWITTER, 79).name == "X/Twitter"
    assert chosen.policy_for(Network.FORUM, 80).name == "Urgent"  # the narrower band
    assert chosen.policy_for(Network.TWITTER, 80).name == "Urgent tweets"
    assert chosen.policy_for(Network.TWITTER, 100).name == "Urgent tweets"


def test_a_policy_naming_a_channel_kind_covers_only_conversations_of_that_kind() -> None:
    chosen = levels(EVERYTHING, SEARCHES)

    assert chosen.policy_for(Network.FORUM, 10, ChannelKind.KEYWORD_SEARCH).name == (
        "Keyword searches"
    )
    assert chosen.policy_for(Network.FORUM, 10, ChannelKind.OWNED_ACCOUNT).name == "Everything"
    assert chosen.policy_for(Network.FORUM, 10).name == "Everything"  # kind unknown


def test_networks_may_be_given_as_their_names() -> None:
    chosen = levels(EVERYTHING, policy("Forums", networks=frozenset({"forum"})))

    assert chosen.policy_for("forum", 0).name == "Forums"  # type: ignore[arg-type]
    assert chosen.policies[1].networks == frozenset({Network.FORUM})


def test_a_priority_outside_0_to_100_is_refused() -> None:
    with pytest.raises(ValueError, match=r"priority 101 is not within 0\.\.100"):
        levels(EVERYTHING).policy_for(Network.TWITTER, 101)


def test_a_gap_is_named_by_network_and_priorities() -> None:
    problems = scope_problems([TWITTER, URGENT])

    assert problems == [
        ScopeProblem(
            None,
            "no policy covers facebook, instagram, youtube, forum, review_site at priority "
            "0-79; add one that names no channel kind, or widen one",
        )
    ]


def test_gaps_of_different_priorities_are_told_apart() -> None:
    middle = policy("Middle", min_priority=30, max_priority=60)

    assert [problem.message.split(";")[0] for problem in scope_problems([TWITTER, middle])] == [
        "no policy covers facebook, instagram, youtube, forum, review_site at priority 0-29, 61-100"
    ]


def test_a_kind_only_policy_leaves_a_gap_for_conversations_of_unknown_kind() -> None:
    assert [problem.message.split(";")[0] for problem in scope_problems([SEARCHES])] == [
        "no policy covers twitter, facebook, instagram, youtube, forum, review_site at "
        "priority 0-100"
    ]


def test_two_policies_with_the_same_scope_are_a_problem_at_the_later() -> None:
    again = policy("Tweets again", 20, networks=frozenset({Network.TWITTER}))

    assert scope_problems([EVERYTHING, TWITTER, again]) == [
        ScopeProblem(2, "has the same scope as policy 'X/Twitter'")
    ]


def test_overlapping_policies_equally_specific_are_a_problem() -> None:
    social = policy("Social", networks=frozenset({Network.TWITTER, Network.FACEBOOK}))
    video = policy("Video", networks=frozenset({Network.TWITTER, Network.YOUTUBE}))

    assert scope_problems([EVERYTHING, social, video]) == [
        ScopeProblem(
            2, "covers twitter at priority 0 as specifically as policy 'Social'; narrow one of them"
        )
    ]


def test_ties_of_channel_kinds_name_the_kind() -> None:
    broad = policy("Broad", channel_kinds=frozenset({ChannelKind.OWNED_ACCOUNT, ChannelKind.FORUM}))
    other = policy(
        "Other", channel_kinds=frozenset({ChannelKind.OWNED_ACCOUNT, ChannelKind.REVIEW_SITE})
    )

    assert scope_problems([EVERYTHING, broad, other]) == [
        ScopeProblem(
            2,
            "covers twitter (owned_account) at priority 0 as specifically as policy 'Broad'; "
            "narrow one of them",
        )
    ]


def test_a_set_with_a_problem_is_refused_naming_it() -> None:
    with pytest.raises(
        ValueError,
        match="no policy covers twitter, facebook, instagram, youtube, forum, review_site at",
    ):
        levels(URGENT)
    with pytest.raises(ValueError, match="names calendar 'office', which is not one of 24/7"):
        ServiceLevels((ALWAYS,), (policy("Office", calendar="office"),))
    with pytest.raises(ValueError, match="two calendars have the same name"):
        ServiceLevels((ALWAYS, ALWAYS), (EVERYTHING,))
    with pytest.raises(ValueError, match="two service-level policies have the same name"):
        levels(EVERYTHING, EVERYTHING)


def test_calendars_are_found_by_name_and_by_policy() -> None:
    chosen = levels(EVERYTHING)

    assert chosen.calendar("24/7") is ALWAYS
    assert chosen.calendar_for(EVERYTHING) is ALWAYS
    with pytest.raises(KeyError):
        chosen.calendar("office")


def test_targets_by_kind_and_the_warning_share() -> None:
    with_resolution = policy("All", resolution=timedelta(days=2), warning_fraction=0.5)

    assert with_resolution.target(DeadlineKind.FIRST_RESPONSE) == 60 * MINUTES
    assert with_resolution.target(DeadlineKind.NEXT_RESPONSE) == 60 * MINUTES
    assert with_resolution.target(DeadlineKind.RESOLUTION) == timedelta(days=2)
    assert EVERYTHING.target(DeadlineKind.RESOLUTION) is None
    assert with_resolution.warning_after(60 * MINUTES) == 30 * MINUTES
    assert EVERYTHING.warning_after(60 * MINUTES) == 45 * MINUTES  # 0.75 by default


def test_scope_in_words() -> None:
    assert URGENT_TWEETS.describe_scope() == "twitter at priority 80-100"
    assert SEARCHES.describe_scope() == "every network (keyword_search) at priority 0-100"
    assert URGENT_TWEETS.specificity == (20, 1, len(ChannelKind))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "needs a name"),
        ({"first_response": timedelta()}, "first_response must be more than 0"),
        ({"next_response": -MINUTES}, "next_response must be more than 0"),
        ({"resolution": timedelta(days=367)}, "resolution is longer than the longest target"),
        ({"warning_fraction": 1.0}, "warning_fraction 1.0 is not between 0 and 1"),
        ({"warning_fraction": 0.0}, "warning_fraction 0.0 is not between 0 and 1"),
        ({"min_priority": 90, "max_priority": 80}, "priorities 90..80 are not a band"),
        ({"max_priority": 101}, "priorities 0..101 are not a band"),
        ({"networks": frozenset({"myspace"})}, "'myspace' is not a valid Network"),
    ],
)
def test_a_policy_with_a_mistake_is_refused(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "name": "P",
        "calendar": "24/7",
        "first_response": MINUTES,
        "next_response": MINUTES,
    }
    with pytest.raises(ValueError, match=message):
        ServiceLevelPolicy(**(fields | changes))  # type: ignore[arg-type]


def test_target_problems() -> None:
    assert target_problem(MINUTES) is None
    assert target_problem(timedelta(days=366)) is None
    assert target_problem(timedelta()) == "must be more than 0"


def test_breach_actions_raise_priority_up_to_100() -> None:
    actions = BreachActions(raise_priority=15, reassign=True, alert_supervisor=True)

    assert actions.priority_after_breach(50) == 65
    assert actions.priority_after_breach(95) == 100
    assert BreachActions().priority_after_breach(50) == 50
    with pytest.raises(ValueError, match=r"raise_priority 101 is not within 0\.\.100"):
        BreachActions(raise_priority=101)
