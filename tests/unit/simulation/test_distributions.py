"""Distributions as written on the command line, and the draws they give."""

import math
from datetime import timedelta

import numpy as np
import pytest

from carelane.domain.channels import Network
from carelane.simulation.distributions import (
    ByNetwork,
    Distribution,
    Family,
    draw_seconds,
    parse_by_network,
    parse_distribution,
)

SIX_MINUTES = Distribution(Family.LOGNORMAL, timedelta(minutes=6))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6m", Distribution(Family.LOGNORMAL, timedelta(minutes=6), 0.75)),
        ("lognormal:6m:0.5", Distribution(Family.LOGNORMAL, timedelta(minutes=6), 0.5)),
        ("Exponential:2h", Distribution(Family.EXPONENTIAL, timedelta(hours=2))),
        ("fixed:1h30m", Distribution(Family.FIXED, timedelta(minutes=90))),
        ("none", Distribution(Family.NEVER)),
    ],
)
def test_parses_what_users_write(text: str, expected: Distribution) -> None:
    assert parse_distribution(text, default_family=Family.LOGNORMAL) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("gamma:6m", "not a distribution"),
        ("6 minutes", "not a duration"),
        ("fixed:5m:0.5", "only lognormal takes a spread"),
        ("lognormal:6m:x", "not a number"),
        ("lognormal:6m:0", "spread"),
    ],
)
def test_refuses_what_it_cannot_read(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_distribution(text, default_family=Family.LOGNORMAL)


def test_a_network_may_have_its_own() -> None:
    parsed = parse_by_network(
        ["forum=fixed:20m", "8m"], default=SIX_MINUTES, default_family=Family.LOGNORMAL
    )
    assert parsed.of(Network.FORUM) == Distribution(Family.FIXED, timedelta(minutes=20))
    assert parsed.of(Network.TWITTER).mean == timedelta(minutes=8)
    assert parsed.describe() == "lognormal, mean 8m, spread 0.75; forum: fixed 20m"
    with pytest.raises(ValueError, match="'myspace' is not a network"):
        parse_by_network(["myspace=5m"], default=SIX_MINUTES, default_family=Family.LOGNORMAL)


def test_draws_have_the_stated_means() -> None:
    networks = [Network.TWITTER] * 40_000
    lognormal = draw_seconds(ByNetwork(SIX_MINUTES), networks, seed=1, stream=1)
    assert lognormal.mean() == pytest.approx(360, rel=0.02)
    assert np.log(lognormal).std() == pytest.approx(0.75, rel=0.02)
    exponential = ByNetwork(Distribution(Family.EXPONENTIAL, timedelta(hours=2)))
    assert draw_seconds(exponential, networks, seed=1, stream=2).mean() == pytest.approx(
        7200, rel=0.02
    )
    never = draw_seconds(ByNetwork(Distribution(Family.NEVER)), networks[:3], seed=1, stream=2)
    assert list(never) == [math.inf] * 3


def test_a_contacts_draw_does_not_depend_on_other_networks() -> None:
    networks = [Network.TWITTER, Network.FORUM, Network.TWITTER]
    alone = draw_seconds(ByNetwork(SIX_MINUTES), networks, seed=3, stream=1)
    forum_fixed = ByNetwork(SIX_MINUTES, {Network.FORUM: Distribution(Family.FIXED, timedelta(0))})
    mixed = draw_seconds(forum_fixed, networks, seed=3, stream=1)
    assert (mixed[0], mixed[2]) == (alone[0], alone[2])
    assert mixed[1] == 0
    assert list(draw_seconds(ByNetwork(SIX_MINUTES), networks, seed=4, stream=1)) != list(alone)
