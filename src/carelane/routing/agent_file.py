"""Reading the agents of a teams file, and the shapes the whole file shares: names unique
in any case, tiers, mappings whose keys the admin chooses, and lanes some team owns.

`AgentsReader` is the base of the teams file's reader (`config_file`): the teams are read
first and fill `owned_lanes` and `team_tiers`, which the agents' teams and duties name.
"""

import difflib
import re

from yaml.nodes import MappingNode, Node, ScalarNode

from carelane.config_files.yaml_nodes import (
    MAX_NAME_CHARS,
    FieldPath,
    NodeReader,
    is_empty,
    kind_of,
)
from carelane.domain.channels import Network
from carelane.routing.agents import (
    MAX_CAPACITY,
    MAX_PROFICIENCY,
    MAX_TIER,
    MIN_PROFICIENCY,
    MIN_TIER,
    AgentProfile,
    LaneDuty,
    RepRole,
    Skill,
    SkillKind,
    name_key,
)
from carelane.routing.requirements import UNDETERMINED_LANGUAGE
from carelane.routing.team_config import RoutingConfigError

AGENT_FIELDS = {
    "name": True,
    "email": False,
    "teams": True,
    "tier": False,
    "languages": False,
    "categories": False,
    "capacity": True,
    "primary": False,
    "backup": False,
}
DUTY_FIELDS = {"lane": True, "networks": False}
NETWORKS = tuple(network.value for network in Network)
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def did_you_mean(value: str, names: list[str], what: str) -> str:
    """`'X' is not a team; did you mean 'Y'?` (or the list of names when none is close)."""
    by_key = {name_key(name): name for name in names}
    close = difflib.get_close_matches(name_key(value), list(by_key), n=1)
    if close:
        return f"{value!r} is not {what}; did you mean {by_key[close[0]]!r}?"
    return f"{value!r} is not {what}; there are {', '.join(names) or 'none'}"


class AgentsReader(NodeReader):
    """Reads agents, given the lanes and teams the file's teams define."""

    error = RoutingConfigError

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.owned_lanes: dict[str, str] = {}  # key -> the spelling first used
        self.team_tiers: dict[str, tuple[str, int]] = {}  # key -> (name, tier)

    def owned_lane(self, lane: str, node: Node, path: FieldPath) -> str | None:
        """The lane as its owning team spells it; a problem when no team owns it."""
        owned = self.owned_lanes.get(name_key(lane))
        if owned is None:
            self.problem(
                node,
                path,
                did_you_mean(lane, list(self.owned_lanes.values()), "a lane any team owns"),
            )
        return owned

    # -- agents --------------------------------------------------------------------------

    def agents(self, node: Node) -> list[AgentProfile]:
        agents = []
        seen: dict[str, int] = {}
        for index, item in enumerate(self.items(node, ("agents",), "agents")):
            path: FieldPath = ("agents", index)
            fields = self.mapping(item, path, AGENT_FIELDS, "an agent (a mapping with a name)")
            if fields is None:
                continue
            agent = self.agent(fields, path, seen)
            if agent is not None:
                agents.append(agent)
        return agents

    def agent(
        self, fields: dict[str, Node], path: FieldPath, seen: dict[str, int]
    ) -> AgentProfile | None:
        name = self.unique_name(fields.get("name"), (*path, "name"), seen, "agent")
        email = self.optional_text(fields.get("email"), (*path, "email"))
        if email is not None and "@" not in email.strip("@"):
            self.problem(fields["email"], (*path, "email"), f"{email!r} is not an email address")
        teams = self.agent_teams(fields.get("teams"), (*path, "teams"))
        tier = self.tier(fields.get("tier"), (*path, "tier"))
        if tier is None:
            tier = max((self.team_tiers[name_key(team)][1] for team in teams), default=MIN_TIER)
        skills = [
            *self.skills(fields.get("languages"), (*path, "languages"), SkillKind.LANGUAGE),
            *self.skills(fields.get("categories"), (*path, "categories"), SkillKind.CATEGORY),
        ]
        capacity = self.capacity(fields.get("capacity"), (*path, "capacity"))
        duties: dict[tuple[str, Network | None], int] = {}
        found = [
            *self.duties(fields.get("primary"), (*path, "primary"), RepRole.PRIMARY, duties),
            *self.duties(fields.get("backup"), (*path, "backup"), RepRole.BACKUP, duties),
        ]
        if name is None:
            return None
        return AgentProfile(
            name=name,
            email=email,
            teams=tuple(teams),
            tier=tier,
            skills=tuple(skills),
            capacity=capacity,
            duties=tuple(found),
        )

    def agent_teams(self, node: Node | None, path: FieldPath) -> list[str]:
        if node is None:
            return []
        teams: list[str] = []
        for value, item, item_path in self.texts(node, path, "team names"):
            known = self.team_tiers.get(name_key(value))
            if known is None:
                names = [name for name, _ in self.team_tiers.values()]
                self.problem(item, item_path, did_you_mean(value, names, "a team"))
            elif known[0] in teams:
                self.problem(item, item_path, f"{value!r} is listed twice")
            else:
                teams.append(known[0])
        return teams

    def skills(self, node: Node | None, path: FieldPath, kind: SkillKind) -> list[Skill]:
        if node is None or is_empty(node):
            return []
        what = "language codes" if kind is SkillKind.LANGUAGE else "categories"
        skills = []
        for written, key_node, value_node, item_path in self.pairs(
            node, path, f"{what} to proficiency"
        ):
            key = written.lower() if kind is SkillKind.LANGUAGE else written
            if kind is SkillKind.LANGUAGE and (
                not _LANGUAGE_CODE.fullmatch(key) or key == UNDETERMINED_LANGUAGE
            ):
                self.problem(
                    key_node,
                    item_path,
                    f"{written!r} is not a language code; give an ISO 639-1 code such as en or es",
                )
                continue
            if len(key) > MAX_NAME_CHARS:
                self.problem(key_node, item_path, f"is {len(key)} characters; the limit is 100")
                continue
            level = self.whole(value_node, item_path, MIN_PROFICIENCY, MAX_PROFICIENCY)
            if level is not None:
                skills.append(Skill(kind, key, level))
        return skills

    def capacity(self, node: Node | None, path: FieldPath) -> dict[Network, int]:
        if node is None:
            return {}
        capacity: dict[Network, int] = {}
        pairs = self.pairs(node, path, "networks to conversations held at once")
        if isinstance(node, MappingNode) and not node.value:
            self.problem(node, path, "must give at least one network: " + ", ".join(NETWORKS))
        for key, key_node, value_node, item_path in pairs:
            if key not in NETWORKS:
                self.problem(key_node, item_path, did_you_mean(key, list(NETWORKS), "a network"))
                continue
            slots = self.whole(value_node, item_path, 0, MAX_CAPACITY)
            if slots is not None:
                capacity[Network(key)] = slots
        return capacity

    def duties(
        self,
        node: Node | None,
        path: FieldPath,
        role: RepRole,
        seen: dict[tuple[str, Network | None], int],
    ) -> list[LaneDuty]:
        if node is None or is_empty(node):
            return []
        duties = []
        for index, item in enumerate(self.items(node, path, f"lanes they are {role} rep of")):
            item_path: FieldPath = (*path, index)
            lane_node: Node
            if isinstance(item, ScalarNode):  # shorthand: a lane name, every network
                lane_node, lane_path, networks_node = item, item_path, None
            else:
                fields = self.mapping(item, item_path, DUTY_FIELDS, "a lane with optional networks")
                if fields is None or "lane" not in fields:
                    continue
                lane_node, lane_path = fields["lane"], (*item_path, "lane")
                networks_node = fields.get("networks")
            value = self.text(lane_node, lane_path, max_chars=MAX_NAME_CHARS)
            lane = self.owned_lane(value, lane_node, lane_path) if value is not None else None
            networks: list[Network | None] = [None]
            if networks_node is not None:
                networks_path = (*item_path, "networks")
                listed = self.items(networks_node, networks_path, ", ".join(NETWORKS))
                chosen = [
                    self.choice(n, (*networks_path, i), NETWORKS) for i, n in enumerate(listed)
                ]
                networks = [Network(n) for n in chosen if n is not None]
            for network in networks:
                if lane is None:
                    continue
                key = (name_key(lane), network)
                if key in seen:
                    on = f" on {network}" if network else ""
                    self.problem(
                        lane_node, lane_path, f"{lane}{on} already has a duty on line {seen[key]}"
                    )
                    continue
                seen[key] = lane_node.start_mark.line + 1
                duties.append(LaneDuty(lane, role, network))
        return duties

    # -- shared shapes -------------------------------------------------------------------

    def tier(self, node: Node | None, path: FieldPath) -> int | None:
        return None if node is None else self.whole(node, path, MIN_TIER, MAX_TIER)

    def pairs(
        self, node: Node, path: FieldPath, what: str
    ) -> list[tuple[str, ScalarNode, Node, FieldPath]]:
        """A mapping whose keys are names the admin chooses: each (key, key node, value
        node, path); keys that are not texts, or repeat in any case, are problems."""
        if not isinstance(node, MappingNode):
            self.problem(node, path, f"must be a mapping of {what}, not {kind_of(node)}")
            return []
        found = []
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if (
                not isinstance(key_node, ScalarNode)
                or is_empty(key_node)
                or not str(key_node.value).strip()
            ):
                self.problem(key_node, path, f"a key must be a name, not {kind_of(key_node)}")
                continue
            key = str(key_node.value).strip()
            key_path = (*path, key)
            if name_key(key) in first_line:
                self.problem(
                    key_node,
                    key_path,
                    f"appears twice; it is first on line {first_line[name_key(key)]}",
                )
                continue
            first_line[name_key(key)] = key_node.start_mark.line + 1
            found.append((key, key_node, value_node, key_path))
        return found
