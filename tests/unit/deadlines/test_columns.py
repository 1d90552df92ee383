"""The columns of a conversation opened by customer messages only, computed without
replaying its timeline, are those the general path reads from the timeline."""

from datetime import UTC, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from carelane.deadlines.columns import deadline_columns, opening_columns
from carelane.sla.calendars import BusinessCalendar, weekly_hours
from carelane.sla.clocks import conversation_deadlines
from carelane.sla.policies import ServiceLevelPolicy
from carelane.sla.timeline import CustomerMessage

CALENDARS = [
    BusinessCalendar.always_open("24/7"),
    BusinessCalendar("office", "Europe/London", weekly_hours(range(5), time(8), time(18))),
    BusinessCalendar("nights", "America/New_York", weekly_hours(range(7), time(22), time(6))),
]
POLICIES = [
    ServiceLevelPolicy(
        name="With resolution",
        calendar="any",
        first_response=timedelta(minutes=30),
        next_response=timedelta(hours=1),
        resolution=timedelta(hours=8),
        warning_fraction=0.8,
    ),
    ServiceLevelPolicy(
        name="Responses only",
        calendar="any",
        first_response=timedelta(hours=2),
        next_response=timedelta(hours=4),
        warning_fraction=0.5,
    ),
]
START = datetime(2025, 3, 7, 16, tzinfo=UTC)  # a Friday before the clocks change in the US


@given(
    st.sampled_from(CALENDARS),
    st.sampled_from(POLICIES),
    st.lists(st.timedeltas(min_value=timedelta(), max_value=timedelta(hours=30)), min_size=1),
    st.timedeltas(min_value=timedelta(), max_value=timedelta(days=4)),
)
def test_opening_columns_are_the_general_path_s(
    calendar: BusinessCalendar,
    policy: ServiceLevelPolicy,
    gaps: list[timedelta],
    wait: timedelta,
) -> None:
    facts, moment = [], START
    for gap in gaps:
        moment += gap
        facts.append(CustomerMessage(moment))
    general = deadline_columns(
        conversation_deadlines(facts, policy=policy, calendar=calendar, now=moment + wait),
        policy=policy.name,
    )

    assert opening_columns(facts[0].at, policy=policy, calendar=calendar) == general
    assert general["first_response_due_at"] is not None  # the case is not vacuous
