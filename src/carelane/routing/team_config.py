"""A workspace's teams, lane policies and agents: the YAML file an admin writes
(`config_file` reads it), and what it becomes once read.

    version: 1
    teams:
      - name: Customer Service
        tier: 1                            # optional, 1..9, default 1
        lanes: [Customer Service]          # the swim lanes it owns
        backup_lanes: [Marketing/PR]       # optional: lanes it takes once they overflow
    lanes:                                 # optional: each lane's routing policy
      - name: Customer Service
        overflow_after_minutes: 15         # optional, 1..10080, default 15
        language_skill: required           # optional: required (default) | preferred
        category_skill: preferred          # optional: preferred (default) | required
        push_to_free_agents: false         # optional: push waiting ones to agents as they get room
    agents:
      - name: Ana Ruiz
        email: ana@example.com             # optional
        teams: [Customer Service]
        tier: 2                            # optional; default: the highest of their teams'
        languages: {en: 5, es: 4}          # ISO 639-1 codes, proficiency 1..5
        categories: {Product Complaints: 4}  # categories of the lanes file, 1..5
        capacity: {twitter: 5, facebook: 3}  # conversations held at once, 0..100
        primary:                           # optional: lanes (and networks) they answer first
          - {lane: Customer Service, networks: [twitter]}
        backup:                            # optional: lanes they step in for
          - {lane: Marketing/PR}           # no networks: every network

Names of teams, lanes and agents are unique in any case. Every lane a team backs up, a
lane policy names or a rep answers must be owned by a team; every team an agent is in
must be defined. Networks are twitter, facebook, instagram, youtube, forum, review_site.
Every problem is reported at once with its line, column and field path
(`agents[3].capacity.twiter: 'twiter' is not a network; did you mean 'twitter'?`).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from carelane.config_files.problems import ConfigFileError
from carelane.routing.agents import AgentProfile, AgentSnapshot, Team, name_key
from carelane.routing.lane_policies import LanePolicy
from carelane.routing.roster import Roster

SUPPORTED_VERSION = 1


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    """A workspace's teams, lane policies and agent profiles, validated, in file order."""

    teams: tuple[Team, ...]
    lanes: tuple[LanePolicy, ...]
    agents: tuple[AgentProfile, ...]
    source: str = "<string>"
    version: int = SUPPORTED_VERSION

    @property
    def lane_names(self) -> tuple[str, ...]:
        """Every lane a team owns, once each, in file order."""
        seen: dict[str, str] = {}
        for team in self.teams:
            for lane in team.lanes:
                seen.setdefault(name_key(lane), lane)
        return tuple(seen.values())

    def agent(self, name: str) -> AgentProfile | None:
        key = name_key(name)
        return next((agent for agent in self.agents if name_key(agent.name) == key), None)

    def roster(self, agents: Sequence[AgentSnapshot]) -> Roster:
        """The roster of these agents (snapshots of this file's profiles) with the file's
        teams and lane policies."""
        return Roster(tuple(agents), self.teams, self.lanes)


class RoutingConfigError(ConfigFileError):
    """A teams file with problems; `problems` holds every one, in file order."""
