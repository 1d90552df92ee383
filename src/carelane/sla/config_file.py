"""A workspace's service levels as a YAML file an admin writes, read into `ServiceLevels`
with every problem named by line, column and field path.

    version: 1
    calendars:
      - name: always
        time_zone: UTC
        hours: 24/7
      - name: London office
        time_zone: Europe/London          # an IANA time zone
        hours:                            # weekdays left out are closed
          mon-fri: 08:00-18:00            # one interval or a list; 22:00-06:00 runs overnight
          sat: [09:00-12:00, 13:00-17:00]
        holidays: [2026-12-25, 2026-12-28..2026-12-31]   # optional; closed all day
    policies:
      - name: X/Twitter
        networks: [twitter]               # optional: every network when left out
        channel_kinds: [owned_account]    # optional: every kind of channel when left out
        min_priority: 0                   # optional, 0..100, default 0
        max_priority: 100                 # optional, 0..100, default 100
        calendar: always                  # a calendar above, by name (any case)
        first_response: 30m               # a duration: 90s, 30m, 4h, 1d 2h
        next_response: 30m                # optional: as first_response
        resolution: 2d                    # optional: no resolution target
        warning_fraction: 0.75            # optional, more than 0 and less than 1
        breach_actions:                   # optional: what a missed target does
          raise_priority: 10              # 0..100 points, default 0
          reassign: false                 # default false
          alert_supervisor: true          # default false

Targets count the calendar's business time. Calendar and policy names are unique in any
case. Which policy a conversation gets is `policies`' rule (the most specific): every
network at every priority must be covered by a policy naming no channel kind, and no two
covering policies may be equally specific. Every problem is reported at once; unknown
fields get a "did you mean" when one is close.
"""

import difflib
from datetime import timedelta
from importlib.resources import files
from pathlib import Path

from yaml.nodes import Node, ScalarNode

from carelane.config_files.decoding import config_text
from carelane.config_files.problems import ConfigFileError
from carelane.config_files.yaml_nodes import FieldPath, kind_of
from carelane.domain.channels import ChannelKind, Network
from carelane.sla.calendar_reader import CalendarReader
from carelane.sla.durations import parse_duration
from carelane.sla.policies import (
    DEFAULT_WARNING_FRACTION,
    MAX_PRIORITY,
    MIN_PRIORITY,
    BreachActions,
    ServiceLevelPolicy,
    ServiceLevels,
    scope_problems,
    target_problem,
)

SUPPORTED_VERSION = 1
SHIPPED_FILE = "service_levels_default.yaml"
NETWORKS = tuple(network.value for network in Network)
CHANNEL_KINDS = tuple(kind.value for kind in ChannelKind)


class ServiceLevelConfigError(ConfigFileError):
    """A service-levels file with problems; `problems` holds every one, in file order."""


def load_service_levels(text: str, *, source: str = "<string>") -> ServiceLevels:
    """The calendars and policies a YAML text defines; raises ServiceLevelConfigError
    listing every problem, each naming `source`, line, column and field."""
    return _Loader(source).load(text)


def load_service_levels_file(path: str | Path) -> ServiceLevels:
    """The service levels of a YAML file; OSError if it cannot be read,
    ServiceLevelConfigError if it is not a valid file (undecodable UTF-8 included)."""
    path = Path(path)
    text = config_text(path.read_bytes(), str(path), error=ServiceLevelConfigError)
    return load_service_levels(text, source=str(path))


def shipped_service_levels() -> ServiceLevels:
    """The service levels carelane ships: the seeds' targets per network, around the clock."""
    resource = files("carelane.sla") / SHIPPED_FILE
    return load_service_levels(resource.read_text(encoding="utf-8"), source=SHIPPED_FILE)


_ROOT_FIELDS = {"version": True, "calendars": True, "policies": True}
_POLICY_FIELDS = {
    "name": True,
    "networks": False,
    "channel_kinds": False,
    "min_priority": False,
    "max_priority": False,
    "calendar": True,
    "first_response": True,
    "next_response": False,
    "resolution": False,
    "warning_fraction": False,
    "breach_actions": False,
}
_BREACH_FIELDS = {"raise_priority": False, "reassign": False, "alert_supervisor": False}
_BOOL_TAG = "tag:yaml.org,2002:bool"


class _Loader(CalendarReader):
    """The service-levels schema, read node by node."""

    error = ServiceLevelConfigError

    def load(self, text: str) -> ServiceLevels:
        return self.read(text, _ROOT_FIELDS, SUPPORTED_VERSION, self.root)

    def root(self, fields: dict[str, Node]) -> ServiceLevels | None:
        names: dict[str, str] = {}  # each calendar's name by its folded name
        calendars = self.calendars(fields["calendars"], names) if "calendars" in fields else []
        policies = self.policies(fields["policies"], names) if "policies" in fields else []
        if self.problems:
            return None
        return ServiceLevels(tuple(calendars), tuple(policies))

    # -- policies ------------------------------------------------------------------------

    def policies(self, node: Node, calendars: dict[str, str]) -> list[ServiceLevelPolicy]:
        before = len(self.problems)
        policies, nodes = [], []
        lines: dict[str, int] = {}
        for index, item in enumerate(self.items(node, ("policies",), "policies")):
            policy = self.policy(item, ("policies", index), calendars, lines)
            if policy is not None:
                policies.append(policy)
                nodes.append(item)
        if len(self.problems) > before or not policies:
            return policies  # a broken policy would show as a gap in the rest
        for problem in scope_problems(policies):
            if problem.policy is None:
                self.problem(node, ("policies",), problem.message)
            else:
                self.problem(nodes[problem.policy], ("policies", problem.policy), problem.message)
        return policies

    def policy(
        self, node: Node, path: FieldPath, calendars: dict[str, str], lines: dict[str, int]
    ) -> ServiceLevelPolicy | None:
        before = len(self.problems)
        fields = self.mapping(node, path, _POLICY_FIELDS, "a policy (a mapping with a name)")
        if fields is None:
            return None
        name = self.unique_name(fields.get("name"), (*path, "name"), lines, "policy")
        networks = self.choices(fields.get("networks"), (*path, "networks"), NETWORKS)
        kinds = self.choices(fields.get("channel_kinds"), (*path, "channel_kinds"), CHANNEL_KINDS)
        low, high = self.band(fields, path)
        calendar = self.calendar_name(fields.get("calendar"), (*path, "calendar"), calendars)
        first = self.target(fields.get("first_response"), (*path, "first_response"))
        later = self.target(fields.get("next_response"), (*path, "next_response"))
        resolution = self.target(fields.get("resolution"), (*path, "resolution"))
        fraction = self.fraction(fields.get("warning_fraction"), (*path, "warning_fraction"))
        actions = self.breach_actions(fields.get("breach_actions"), (*path, "breach_actions"))
        if len(self.problems) > before or name is None or calendar is None or first is None:
            return None
        return ServiceLevelPolicy(
            name=name,
            calendar=calendar,
            first_response=first,
            next_response=later or first,
            resolution=resolution,
            networks=frozenset(map(Network, networks)),
            channel_kinds=frozenset(map(ChannelKind, kinds)),
            min_priority=low,
            max_priority=high,
            warning_fraction=fraction,
            breach_actions=actions,
        )

    def band(self, fields: dict[str, Node], path: FieldPath) -> tuple[int, int]:
        low, high = MIN_PRIORITY, MAX_PRIORITY
        if "min_priority" in fields:
            low = (
                self.whole(
                    fields["min_priority"], (*path, "min_priority"), MIN_PRIORITY, MAX_PRIORITY
                )
                or 0
            )
        if "max_priority" in fields:
            found = self.whole(
                fields["max_priority"], (*path, "max_priority"), MIN_PRIORITY, MAX_PRIORITY
            )
            high = MAX_PRIORITY if found is None else found
            if high < low:
                self.problem(
                    fields["max_priority"],
                    (*path, "max_priority"),
                    f"{high} is less than min_priority {low}",
                )
        return low, high

    def calendar_name(
        self, node: Node | None, path: FieldPath, calendars: dict[str, str]
    ) -> str | None:
        if node is None:
            return None
        name = self.text(node, path)
        if name is None:
            return None
        if name.casefold() in calendars:
            return calendars[name.casefold()]
        close = difflib.get_close_matches(name.casefold(), list(calendars), n=1)
        if close:
            hint = f"did you mean {calendars[close[0]]!r}?"
        elif calendars:
            hint = f"the calendars are {', '.join(calendars.values())}"
        else:
            hint = "no calendar has a name"
        self.problem(node, path, f"{name!r} is not a calendar; {hint}")
        return None

    def target(self, node: Node | None, path: FieldPath) -> timedelta | None:
        if node is None:
            return None
        text = self.text(node, path)
        if text is None:
            return None
        try:
            target = parse_duration(text)
        except ValueError as error:
            self.problem(node, path, str(error))
            return None
        problem = target_problem(target)
        if problem is not None:
            self.problem(node, path, f"{text} {problem}")
            return None
        return target

    def fraction(self, node: Node | None, path: FieldPath) -> float:
        if node is None:
            return DEFAULT_WARNING_FRACTION
        value = self.number(node, path, whole=False)
        if value is not None and not 0.0 < value < 1.0:
            self.problem(node, path, f"{value} is out of range; give more than 0 and less than 1")
            return DEFAULT_WARNING_FRACTION
        return DEFAULT_WARNING_FRACTION if value is None else float(value)

    def breach_actions(self, node: Node | None, path: FieldPath) -> BreachActions:
        if node is None:
            return BreachActions()
        fields = self.mapping(node, path, _BREACH_FIELDS, "a mapping of breach actions")
        if fields is None:
            return BreachActions()
        raise_by = 0
        if "raise_priority" in fields:
            raise_by = self.whole(fields["raise_priority"], (*path, "raise_priority"), 0, 100) or 0
        return BreachActions(
            raise_priority=raise_by,
            reassign=self.flag(fields.get("reassign"), (*path, "reassign")),
            alert_supervisor=self.flag(fields.get("alert_supervisor"), (*path, "alert_supervisor")),
        )

    # -- values --------------------------------------------------------------------------

    def choices(self, node: Node | None, path: FieldPath, choices: tuple[str, ...]) -> list[str]:
        if node is None:
            return []
        values = []
        for index, item in enumerate(self.items(node, path, ", ".join(choices))):
            value = self.choice(item, (*path, index), choices)
            if value is not None:
                values.append(value)
        return values

    def flag(self, node: Node | None, path: FieldPath) -> bool:
        if node is None:
            return False
        if not isinstance(node, ScalarNode) or node.tag != _BOOL_TAG:
            self.problem(node, path, f"must be true or false, not {kind_of(node)}")
            return False
        return bool(self.constructor.construct_object(node))
