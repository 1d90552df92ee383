"""Reading a teams file (YAML, see `team_config`) into a `RoutingConfig`, with every
problem named by line, column and field path.

The YAML is composed into nodes and read through the project's `NodeReader`, so each
problem keeps its place in the file and all of them are reported at once. Teams are read
first: the lanes they own are what backup lanes, lane policies and reps' duties may
name, and their names are what agents' teams may name; a near miss gets a "did you mean".
"""

import dataclasses
from datetime import timedelta
from importlib.resources import files
from pathlib import Path

from yaml.nodes import Node

from carelane.config_files.decoding import config_text
from carelane.config_files.yaml_nodes import MAX_NAME_CHARS, FieldPath, is_empty
from carelane.routing.agent_file import AgentsReader
from carelane.routing.agents import (
    MIN_TIER,
    Team,
    name_key,
)
from carelane.routing.lane_policies import (
    DEFAULT_OVERFLOW_AFTER,
    MAX_OVERFLOW_AFTER,
    LanePolicy,
    Need,
)
from carelane.routing.team_config import (
    SUPPORTED_VERSION,
    RoutingConfig,
    RoutingConfigError,
)

EXAMPLE_FILE = "teams_example.yaml"


def load_team_config(text: str, *, source: str = "<string>") -> RoutingConfig:
    """The teams, lane policies and agents a YAML text defines; raises RoutingConfigError
    listing every problem, each naming `source`, line, column and field."""
    return _Loader(source).load(text)


def load_team_config_file(path: str | Path) -> RoutingConfig:
    """The teams file at `path`; OSError if it cannot be read, RoutingConfigError if it is
    not a valid teams file (undecodable UTF-8 included)."""
    path = Path(path)
    text = config_text(path.read_bytes(), str(path), error=RoutingConfigError)
    return load_team_config(text, source=str(path))


def example_team_config() -> RoutingConfig:
    """The teams file that ships with carelane, fitting the shipped example lanes."""
    resource = files("carelane.routing") / EXAMPLE_FILE
    return load_team_config(resource.read_text(encoding="utf-8"), source=EXAMPLE_FILE)


_ROOT_FIELDS = {"version": True, "teams": True, "lanes": False, "agents": True}
_TEAM_FIELDS = {
    "name": True,
    "description": False,
    "tier": False,
    "lanes": False,
    "backup_lanes": False,
}
_LANE_FIELDS = {
    "name": True,
    "overflow_after_minutes": False,
    "language_skill": False,
    "category_skill": False,
    "push_to_free_agents": False,
}
_NEEDS = tuple(need.value for need in Need)
_MAX_OVERFLOW_MINUTES = int(MAX_OVERFLOW_AFTER / timedelta(minutes=1))


class _Loader(AgentsReader):
    """The teams schema, read node by node."""

    def load(self, text: str) -> RoutingConfig:
        return self.read(text, _ROOT_FIELDS, SUPPORTED_VERSION, self.root)

    def root(self, fields: dict[str, Node]) -> RoutingConfig | None:
        teams = self.teams(fields["teams"]) if "teams" in fields else []
        lanes = self.lane_policies(fields["lanes"]) if "lanes" in fields else []
        agents = self.agents(fields["agents"]) if "agents" in fields else []
        if "teams" not in fields or "agents" not in fields:
            return None
        return RoutingConfig(tuple(teams), tuple(lanes), tuple(agents), source=self.source)

    # -- teams ---------------------------------------------------------------------------

    def teams(self, node: Node) -> list[Team]:
        found: list[tuple[Team, list[tuple[str, Node, FieldPath]]]] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(self.items(node, ("teams",), "teams")):
            path: FieldPath = ("teams", index)
            fields = self.mapping(item, path, _TEAM_FIELDS, "a team (a mapping with a name)")
            if fields is None:
                continue
            name = self.unique_name(fields.get("name"), (*path, "name"), seen, "team")
            tier = self.tier(fields.get("tier"), (*path, "tier")) or MIN_TIER
            lanes = self.lane_names(fields.get("lanes"), (*path, "lanes"))
            backups = self.lane_names(fields.get("backup_lanes"), (*path, "backup_lanes"))
            description = self.optional_text(fields.get("description"), (*path, "description"))
            for lane, _, _ in lanes:
                self.owned_lanes.setdefault(name_key(lane), lane)
            if name is not None:
                self.team_tiers[name_key(name)] = (name, tier)
                team = Team(
                    name, tuple(lane for lane, _, _ in lanes), tier, description=description
                )
                found.append((team, backups))
        teams = []
        for team, backups in found:  # every team's lanes are known now
            backup_lanes = []
            for lane, item, path in backups:
                owned = self.owned_lane(lane, item, path)
                if owned is not None and name_key(owned) in map(name_key, team.lanes):
                    self.problem(item, path, f"{team.name} owns {owned!r}; it cannot back it up")
                elif owned is not None:
                    backup_lanes.append(owned)
            teams.append(dataclasses.replace(team, backup_lanes=tuple(backup_lanes)))
        return teams

    def lane_names(self, node: Node | None, path: FieldPath) -> list[tuple[str, Node, FieldPath]]:
        if node is None or is_empty(node):
            return []
        found, seen = [], set()
        for value, item, item_path in self.texts(node, path, "lane names"):
            if len(value) > MAX_NAME_CHARS:
                self.problem(item, item_path, f"is {len(value)} characters; the limit is 100")
            elif name_key(value) in seen:
                self.problem(item, item_path, f"{value!r} is listed twice")
            else:
                seen.add(name_key(value))
                found.append((value, item, item_path))
        return found

    # -- lane policies -------------------------------------------------------------------

    def lane_policies(self, node: Node) -> list[LanePolicy]:
        policies = []
        seen: dict[str, int] = {}
        for index, item in enumerate(
            self.items(node, ("lanes",), "lane policies", allow_empty=True)
        ):
            path: FieldPath = ("lanes", index)
            fields = self.mapping(item, path, _LANE_FIELDS, "a lane policy (a mapping with a name)")
            if fields is None:
                continue
            name = self.unique_name(fields.get("name"), (*path, "name"), seen, "lane policy")
            lane = self.owned_lane(name, fields["name"], (*path, "name")) if name else None
            overflow = DEFAULT_OVERFLOW_AFTER
            if "overflow_after_minutes" in fields:
                minutes = self.whole(
                    fields["overflow_after_minutes"],
                    (*path, "overflow_after_minutes"),
                    1,
                    _MAX_OVERFLOW_MINUTES,
                )
                overflow = timedelta(minutes=minutes) if minutes is not None else overflow
            language = self.need(
                fields.get("language_skill"), (*path, "language_skill"), Need.REQUIRED
            )
            category = self.need(
                fields.get("category_skill"), (*path, "category_skill"), Need.PREFERRED
            )
            pushes = self.flag(fields.get("push_to_free_agents"), (*path, "push_to_free_agents"))
            if lane is not None:
                policies.append(LanePolicy(lane, overflow, language, category, pushes))
        return policies

    def flag(self, node: Node | None, path: FieldPath) -> bool:
        """A yes-or-no field written true or false; false when absent."""
        return node is not None and self.choice(node, path, ("true", "false")) == "true"

    def need(self, node: Node | None, path: FieldPath, default: Need) -> Need:
        if node is None:
            return default
        value = self.choice(node, path, _NEEDS)
        return Need(value) if value is not None else default
