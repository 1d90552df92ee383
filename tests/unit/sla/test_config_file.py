"""Service-levels files: what a valid one becomes, every problem of a broken one with its
line, column and field, and the file carelane ships."""

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from textwrap import dedent, indent

import pytest

from carelane.config_files.problems import ConfigProblem
from carelane.domain.channels import ChannelKind, Network
from carelane.domain.errors import InvalidInputError
from carelane.sla.calendars import OpeningHours, Weekday
from carelane.sla.config_file import (
    ServiceLevelConfigError,
    load_service_levels,
    load_service_levels_file,
    shipped_service_levels,
)
from carelane.sla.policies import BreachActions

VALID = dedent(
    """\
    version: 1
    calendars:
      - name: 24/7
        time_zone: UTC
        hours: 24/7
      - name: London office
        time_zone: Europe/London
        hours:
          mon-fri: 08:00-18:00
          sat: [09:00-12:00, 13:00-17:00]
          sun: 22:00-02:00
        holidays: [2026-12-25, 2026-12-28..2026-12-31]
    policies:
      - name: Everything
        calendar: 24/7
        first_response: 4h
      - name: X/Twitter
        networks: [twitter]
        channel_kinds: [owned_account, keyword_search]
        calendar: london OFFICE
        first_response: 30m
        next_response: 1h 30m
        resolution: 1d 2h
        warning_fraction: 0.5
        breach_actions:
          raise_priority: 10
          reassign: true
          alert_supervisor: yes
      - name: Urgent
        min_priority: 80
        max_priority: 100
        calendar: 24/7
        first_response: 90s
    """
)
HEADER = dedent(
    """\
    version: 1
    calendars:
      - name: always
        time_zone: UTC
        hours: 24/7
    policies:
    """
)
"""The start of a file whose policies a test writes (they begin on line 7)."""


def policies(text: str) -> str:
    """Policies written as a list under `policies:`, two spaces in."""
    return indent(dedent(text), "  ")


def problems(text: str) -> list[str]:
    with pytest.raises(ServiceLevelConfigError) as raised:
        load_service_levels(text, source="levels.yaml")
    return [str(problem) for problem in raised.value.problems]


def test_a_valid_file_becomes_its_calendars_and_policies() -> None:
    levels = load_service_levels(VALID, source="levels.yaml")

    always, office = levels.calendars
    assert (always.name, always.time_zone, always.is_always_open) == ("24/7", "UTC", True)
    assert (office.name, office.time_zone) == ("London office", "Europe/London")
    assert len(office.opening_hours) == 8  # five weekdays, two on Saturday, one on Sunday
    assert office.opening_hours[5:] == (
        OpeningHours(Weekday.SATURDAY, time(9), time(12)),
        OpeningHours(Weekday.SATURDAY, time(13), time(17)),
        OpeningHours(Weekday.SUNDAY, time(22), time(2)),
    )
    assert office.holidays == {date(2026, 12, 25)} | {date(2026, 12, day) for day in range(28, 32)}
    everything, twitter, urgent = levels.policies
    assert (everything.next_response, everything.resolution) == (timedelta(hours=4), None)
    assert everything.warning_fraction == 0.75
    assert everything.breach_actions == BreachActions()
    assert twitter.calendar == "London office"  # named as the calendar is
    assert twitter.networks == {Network.TWITTER}
    assert twitter.channel_kinds == {ChannelKind.OWNED_ACCOUNT, ChannelKind.KEYWORD_SEARCH}
    assert (twitter.first_response, twitter.next_response, twitter.resolution) == (
        timedelta(minutes=30),
        timedelta(minutes=90),
        timedelta(hours=26),
    )
    assert twitter.warning_fraction == 0.5
    assert twitter.breach_actions == BreachActions(10, reassign=True, alert_supervisor=True)
    assert (urgent.min_priority, urgent.max_priority, urgent.first_response) == (
        80,
        100,
        timedelta(seconds=90),
    )


def test_the_file_decides_each_conversations_policy_and_calendar() -> None:
    levels = load_service_levels(VALID)

    tweet = levels.policy_for(Network.TWITTER, 10, ChannelKind.OWNED_ACCOUNT)
    assert tweet.name == "X/Twitter"
    assert levels.policy_for(Network.TWITTER, 10).name == "Everything"
    assert levels.policy_for(Network.TWITTER, 90, ChannelKind.OWNED_ACCOUNT).name == "Urgent"
    friday = datetime(2026, 12, 18, 17, 50, tzinfo=UTC)
    assert levels.calendar_for(tweet).deadline_after(friday, tweet.first_response) == datetime(
        2026, 12, 19, 9, 20, tzinfo=UTC
    )


def test_every_problem_of_a_calendar_is_named_at_its_place() -> None:
    text = dedent(
        """\
        version: 1
        calendars:
          - name: office
            time_zone: Europe/Londn
            hours:
              mon-fri: 08:00-18:00
              wed: [07:00-08:00, 17:00-19:00]
              mon-fry: 09:00-10:00
              sat: 8-18
            holidays: [2026-02-30, 2026-12-31..2026-12-01]
          - name: Office
            time_zone: UTC
            hours: always
        policies:
          - name: All
            calendar: office
            first_response: 1h
        """
    )

    assert problems(text) == [
        "levels.yaml:4:16: calendars[0].time_zone: 'Europe/Londn' is not a known time zone; "
        "did you mean 'Europe/London'?",
        "levels.yaml:7:26: calendars[0].hours.wed[1]: wed 17:00-19:00 overlaps wed 08:00-18:00 "
        "(line 6)",
        "levels.yaml:8:7: calendars[0].hours.mon-fry: 'mon-fry' is not weekdays; write days as "
        "mon, tue, wed, thu, fri, sat, sun, a range like mon-fri, or several joined by commas",
        "levels.yaml:9:12: calendars[0].hours.sat: '8-18' is not opening hours; write them like "
        "08:00-18:00",
        "levels.yaml:10:16: calendars[0].holidays[0]: '2026-02-30' is not a date; write it like "
        "2026-12-25",
        "levels.yaml:10:28: calendars[0].holidays[1]: '2026-12-31..2026-12-01' ends before it "
        "starts",
        "levels.yaml:11:11: calendars[1].name: calendar 'Office' is already defined on line 3",
        "levels.yaml:13:12: calendars[1].hours: must be 24/7 or a mapping of weekdays to opening "
        "hours, not a text",
    ]


def test_an_overnight_interval_overlapping_the_next_morning_is_a_problem() -> None:
    text = HEADER.replace(
        "    hours: 24/7\n",
        "    hours:\n      sun: 22:00-06:00\n      mon: 05:00-09:00\n",
    ) + ("  - name: All\n    calendar: always\n    first_response: 1h\n")

    assert problems(text) == [
        "levels.yaml:7:12: calendars[0].hours.mon: mon 05:00-09:00 overlaps sun 22:00-06:00 "
        "(line 6)"
    ]


def test_a_calendar_without_opening_hours_is_a_problem() -> None:
    text = HEADER.replace("    hours: 24/7\n", "    hours: {}\n") + (
        "  - name: All\n    calendar: always\n    first_response: 1h\n"
    )

    assert problems(text) == [
        "levels.yaml:5:12: calendars[0].hours: has no opening hours; write 24/7 or at least "
        "one interval"
    ]


def test_every_problem_of_a_policy_is_named_at_its_place() -> None:
    text = HEADER + policies(
        """\
          - name: A
            calendar: alwys
            first_respons: 30m
          - name: B
            calendar: always
            first_response: 30 minutes
            next_response: 0m
            resolution: 400d
            warning_fraction: 1.5
            min_priority: 90
            max_priority: 80
            networks: [myspace]
            channel_kinds: twitter
            breach_actions: {raise_priority: 200, reassign: sometimes}
          - name: a
            calendar: always
            first_response: 1h
        """
    )

    assert problems(text) == [
        "levels.yaml:7:5: policies[0].first_response: is required",
        "levels.yaml:8:15: policies[0].calendar: 'alwys' is not a calendar; did you mean 'always'?",
        "levels.yaml:9:5: policies[0].first_respons: unknown field; did you mean 'first_response'?",
        "levels.yaml:12:21: policies[1].first_response: '30 minutes' is not a duration; write "
        "it like 30m, 4h, 1d 2h or 90s",
        "levels.yaml:13:20: policies[1].next_response: 0m must be more than 0",
        "levels.yaml:14:17: policies[1].resolution: 400d is longer than the longest target, "
        "366 days",
        "levels.yaml:15:23: policies[1].warning_fraction: 1.5 is out of range; give more than 0 "
        "and less than 1",
        "levels.yaml:17:19: policies[1].max_priority: 80 is less than min_priority 90",
        "levels.yaml:18:16: policies[1].networks[0]: 'myspace' is not one of twitter, facebook, "
        "instagram, youtube, forum, review_site",
        "levels.yaml:19:20: policies[1].channel_kinds: must be a list of owned_account, "
        "keyword_search, forum, review_site, not a text",
        "levels.yaml:20:38: policies[1].breach_actions.raise_priority: 200 is out of range; "
        "give 0 to 100",
        "levels.yaml:20:53: policies[1].breach_actions.reassign: must be true or false, not a text",
        "levels.yaml:21:11: policies[2].name: policy 'a' is already defined on line 7",
    ]


def test_values_of_the_wrong_shape_are_problems() -> None:
    text = dedent(
        """\
        calendars:
          - just a name
          - name: [office]
            time_zone: [UTC]
            hours:
              ~: 08:00-09:00
              mon: [[08:00-09:00]]
              mon-fri: 08:00-18:00
              tue-thu: 09:00-10:00
            holidays: [[2026-12-25]]
          - time_zone: UTC
            hours: 24/7
        policies:
          - all of them
          - name: A
            calendar: []
            first_response: ~
            breach_actions: []
          - name: B
            calendar: nowhere
            first_response: 30
            breach_actions: {reassign: true}
        """
    )

    assert problems(text) == [
        "levels.yaml:1:1: version: is required",
        "levels.yaml:2:5: calendars[0]: must be a calendar (a mapping with a name), not a text",
        "levels.yaml:3:11: calendars[1].name: must be a text, not a list",
        "levels.yaml:4:16: calendars[1].time_zone: must be a text, not a list",
        "levels.yaml:6:7: calendars[1].hours: a key must be weekdays, not empty",
        "levels.yaml:7:13: calendars[1].hours.mon[0]: must be a text, not a list",
        # once for the two intervals, though they share Tuesday, Wednesday and Thursday
        "levels.yaml:9:16: calendars[1].hours.tue-thu: tue 09:00-10:00 overlaps tue 08:00-18:00 "
        "(line 8)",
        "levels.yaml:10:16: calendars[1].holidays[0]: must be a text, not a list",
        "levels.yaml:11:5: calendars[2].name: is required",
        "levels.yaml:14:5: policies[0]: must be a policy (a mapping with a name), not a text",
        "levels.yaml:16:15: policies[1].calendar: must be a text, not a list",
        "levels.yaml:17:21: policies[1].first_response: must be a text, not empty",
        "levels.yaml:18:21: policies[1].breach_actions: must be a mapping of breach actions, not "
        "a list",
        "levels.yaml:20:15: policies[2].calendar: 'nowhere' is not a calendar; no calendar has a "
        "name",
        "levels.yaml:21:21: policies[2].first_response: '30' is not a duration; write it like "
        "30m, 4h, 1d 2h or 90s",
    ]


def test_an_unknown_calendar_lists_the_calendars_when_none_is_close() -> None:
    text = HEADER + "  - name: All\n    calendar: office\n    first_response: 1h\n"

    assert problems(text) == [
        "levels.yaml:8:15: policies[0].calendar: 'office' is not a calendar; the calendars are "
        "always"
    ]


def test_policies_that_leave_a_gap_or_tie_are_problems() -> None:
    text = HEADER + policies(
        """\
          - name: Tweets
            networks: [twitter]
            calendar: always
            first_response: 30m
          - name: Tweets again
            networks: [twitter]
            calendar: ALWAYS
            first_response: 20m
          - name: Social
            networks: [facebook, instagram]
            calendar: always
            first_response: 1h
          - name: Video
            networks: [instagram, youtube]
            calendar: always
            first_response: 4h
        """
    )

    assert problems(text) == [
        "levels.yaml:7:3: policies: no policy covers forum, review_site at priority 0-100; add "
        "one that names no channel kind, or widen one",
        "levels.yaml:11:5: policies[1]: has the same scope as policy 'Tweets'",
        "levels.yaml:19:5: policies[3]: covers instagram at priority 0 as specifically as "
        "policy 'Social'; narrow one of them",
    ]


def test_a_broken_policy_hides_the_gaps_it_would_leave() -> None:
    text = HEADER + "  - name: All\n    calendar: always\n    first_response: soon\n"

    assert problems(text) == [
        "levels.yaml:9:21: policies[0].first_response: 'soon' is not a duration; write it like "
        "30m, 4h, 1d 2h or 90s"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "levels.yaml:1:1: document: is empty; expected version, calendars, policies"),
        (
            "- 1\n",
            "levels.yaml:1:1: document: must be a mapping of version, calendars, policies, not a "
            "list",
        ),
        (
            "version: 1\ncalendars: [\n",
            "levels.yaml:3:1: yaml: expected the node content, but found '<stream end>' (while "
            "parsing a flow node)",
        ),
    ],
)
def test_a_file_that_is_not_a_service_levels_mapping(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_the_version_must_be_supported_and_the_lists_not_empty() -> None:
    assert problems("version: 2\ncalendars: []\npolicies: []\n") == [
        "levels.yaml:1:10: version: 2 is not supported; this carelane reads version 1",
        "levels.yaml:2:12: calendars: must list at least one of calendars",
        "levels.yaml:3:11: policies: must list at least one of policies",
    ]


def test_a_problem_is_an_invalid_input_naming_its_field() -> None:
    with pytest.raises(InvalidInputError) as raised:
        load_service_levels(HEADER + "  - name: All\n", source="levels.yaml")

    assert raised.value.errors[0].field == "policies[0].calendar"
    assert raised.value.errors[0].message == "is required (at levels.yaml:7:5)"


def test_a_file_is_read_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "levels.yaml"
    path.write_text(VALID, encoding="utf-8")

    assert len(load_service_levels_file(path).policies) == 3


def test_a_file_that_is_not_utf8_is_a_problem_at_its_byte(tmp_path: Path) -> None:
    path = tmp_path / "levels.yaml"
    path.write_bytes(b"version: 1\ncalendars: \xff\n")

    with pytest.raises(ServiceLevelConfigError) as raised:
        load_service_levels_file(path)

    assert raised.value.problems == [ConfigProblem(str(path), 2, 12, "file", "is not valid UTF-8")]


# -- the shipped file ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("network", "target"),
    [
        (Network.TWITTER, timedelta(minutes=30)),
        (Network.FACEBOOK, timedelta(minutes=60)),
        (Network.INSTAGRAM, timedelta(minutes=60)),
        (Network.YOUTUBE, timedelta(hours=4)),
        (Network.FORUM, timedelta(hours=4)),
        (Network.REVIEW_SITE, timedelta(hours=24)),
    ],
)
def test_the_shipped_targets_are_the_seeds(network: Network, target: timedelta) -> None:
    levels = shipped_service_levels()

    policy = levels.policy_for(network, 50)
    assert (policy.first_response, policy.next_response) == (target, target)
    assert levels.calendar_for(policy).is_always_open
    urgent = levels.policy_for(network, 80)
    assert (urgent.name, urgent.first_response) == ("Urgent", timedelta(minutes=15))
    assert urgent.breach_actions.reassign


def test_the_shipped_example_office_is_london_weekdays() -> None:
    office = shipped_service_levels().calendar("London office")

    friday = datetime(2026, 12, 24, 17, 50, tzinfo=UTC)  # Christmas and Boxing Day follow
    assert office.deadline_after(friday, timedelta(minutes=30)) == datetime(
        2026, 12, 29, 8, 20, tzinfo=UTC
    )
