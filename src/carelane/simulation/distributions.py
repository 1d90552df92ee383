"""How long an agent takes over a contact, and how long a customer waits before giving up:
the distributions the simulation draws from, written as a user types them.

    6m                     the option's own family with this mean (handle times:
                           lognormal, spread 0.75; patience: exponential)
    lognormal:6m           lognormal with mean 6 min and the default spread, 0.75
    lognormal:6m:0.5       lognormal with mean 6 min and spread (sigma of the log) 0.5
    exponential:2h         exponential with mean 2 h
    fixed:5m               always exactly 5 min
    none                   never (patience only: the customer waits for ever)

Any of them may be given for one network only, as `twitter=exponential:2h`; a network
without its own takes the default. A lognormal with mean m and spread s has a log with
mean ln(m) - s²/2 and standard deviation s; its coefficient of variation is
sqrt(exp(s²) - 1), 0.87 for 0.75.

Draws are reproducible: `draw_seconds` takes one standard normal and one standard
exponential variate per contact, in contact order, from a generator seeded with the run's
seed and the stream's number, and turns the variate into the contact's network's
distribution. So contact i gets the same draw whatever the number of agents, and the
same relative draw whatever the mean: runs compared with each other differ only by what
they change.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from carelane.domain.channels import Network
from carelane.sla.durations import format_duration, parse_duration

DEFAULT_SPREAD = 0.75
"""Sigma of the log of a lognormal when none is given: handle times of contact centres
are right-skewed with a coefficient of variation near 1."""
MAX_SPREAD = 3.0

Seconds = npt.NDArray[np.float64]


class Family(StrEnum):
    LOGNORMAL = "lognormal"
    EXPONENTIAL = "exponential"
    FIXED = "fixed"
    NEVER = "none"


@dataclass(frozen=True, slots=True)
class Distribution:
    """A distribution of durations; `mean` is None only for `none` (never)."""

    family: Family
    mean: timedelta | None = None
    spread: float = DEFAULT_SPREAD

    def __post_init__(self) -> None:
        if self.family is Family.NEVER:
            return
        if self.mean is None or self.mean < timedelta(0):
            raise ValueError(f"a {self.family} distribution needs a mean of at least 0s")
        if self.family is Family.LOGNORMAL and not 0 < self.spread <= MAX_SPREAD:
            raise ValueError(f"spread {self.spread} is not more than 0 and at most {MAX_SPREAD}")

    def describe(self) -> str:
        """`lognormal, mean 6m, spread 0.75`, `exponential, mean 2h`, `fixed 5m`, `never`."""
        if self.family is Family.NEVER or self.mean is None:
            return "never"
        mean = format_duration(self.mean)
        if self.family is Family.FIXED:
            return f"fixed {mean}"
        if self.family is Family.EXPONENTIAL:
            return f"exponential, mean {mean}"
        return f"lognormal, mean {mean}, spread {self.spread:g}"

    def seconds(self, normal: Seconds, exponential: Seconds) -> Seconds:
        """Durations in seconds from standard variates, one of each per draw."""
        if self.family is Family.NEVER or self.mean is None:
            return np.full(normal.shape, math.inf)
        mean = self.mean.total_seconds()
        if self.family is Family.FIXED or mean == 0:
            return np.full(normal.shape, mean)
        if self.family is Family.EXPONENTIAL:
            return mean * exponential
        mu = math.log(mean) - self.spread**2 / 2
        return np.exp(mu + self.spread * normal)


def parse_distribution(text: str, *, default_family: Family) -> Distribution:
    """A distribution as written (see the module's notes); ValueError saying what is wrong."""
    written = text.strip().lower()
    if written in {"none", "never"}:
        return Distribution(Family.NEVER)
    family_name, _, rest = written.partition(":")
    if not rest:
        family, rest = default_family, written
    else:
        try:
            family = Family(family_name)
        except ValueError:
            known = ", ".join(f.value for f in Family)
            raise ValueError(f"{family_name!r} is not a distribution; use one of {known}") from None
    mean_text, _, spread_text = rest.partition(":")
    if family is Family.NEVER:
        raise ValueError("none takes no mean")
    if spread_text and family is not Family.LOGNORMAL:
        raise ValueError(f"only lognormal takes a spread, not {family}")
    try:
        spread = float(spread_text) if spread_text else DEFAULT_SPREAD
    except ValueError:
        raise ValueError(f"spread {spread_text!r} is not a number") from None
    return Distribution(family, parse_duration(mean_text), spread)


@dataclass(frozen=True, slots=True)
class ByNetwork:
    """A default distribution and, for some networks, their own."""

    default: Distribution
    networks: Mapping[Network, Distribution] = field(default_factory=dict)

    def of(self, network: Network) -> Distribution:
        return self.networks.get(network, self.default)

    def describe(self) -> str:
        """`lognormal, mean 6m, spread 0.75; forum: fixed 20m`."""
        own = "".join(f"; {n}: {d.describe()}" for n, d in sorted(self.networks.items()))
        return f"{self.default.describe()}{own}"


def parse_by_network(
    specs: Sequence[str], *, default: Distribution, default_family: Family
) -> ByNetwork:
    """`specs` as given on the command line, each `DISTRIBUTION` (the default for every
    network) or `NETWORK=DISTRIBUTION`; ValueError naming the one that is wrong."""
    networks: dict[Network, Distribution] = {}
    for spec in specs:
        name, equals, written = spec.partition("=")
        try:
            if not equals:
                default = parse_distribution(spec, default_family=default_family)
                continue
            try:
                network = Network(name.strip().lower())
            except ValueError:
                known = ", ".join(n.value for n in Network)
                raise ValueError(f"{name.strip()!r} is not a network; use one of {known}") from None
            networks[network] = parse_distribution(written, default_family=default_family)
        except ValueError as error:
            raise ValueError(f"{spec!r}: {error}") from None
    return ByNetwork(default, networks)


def draw_seconds(
    distributions: ByNetwork, networks: Sequence[Network], *, seed: int, stream: int
) -> Seconds:
    """One duration in seconds per contact (`networks[i]` is contact i's network)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, stream]))
    count = len(networks)
    normal = rng.standard_normal(count)
    exponential = rng.standard_exponential(count)
    drawn = np.empty(count)
    by_network = np.array([str(network) for network in networks], dtype=object)
    for network in set(networks):
        chosen = by_network == str(network)
        drawn[chosen] = distributions.of(network).seconds(normal[chosen], exponential[chosen])
    return drawn
