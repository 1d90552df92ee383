"""How routing treats each swim lane: how long a conversation waits before it overflows,
whether the language and category skills are required or only preferred, and whether
agents are pushed its waiting conversations as soon as they have room."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

DEFAULT_OVERFLOW_AFTER = timedelta(minutes=15)
"""Half of the seeds' 30-minute Twitter service level: time enough for the lane's own
agents, and time left for a backup to answer within the level."""
MAX_OVERFLOW_AFTER = timedelta(days=7)


class Need(StrEnum):
    """Whether an agent must have a skill or is only preferred for having it."""

    REQUIRED = "required"
    PREFERRED = "preferred"


@dataclass(frozen=True, slots=True)
class LanePolicy:
    """A lane's routing rules.

    Until a conversation has waited `overflow_after`, only agents of the teams owning the
    lane (and its primary and backup reps) with every required skill are offered it; after
    that the required skills relax to preferred, the lane's backup teams join, and the
    supervisor is told. Channel, tier and capacity never relax.

    A conversation arriving is pushed to the best free agent in every lane. What then
    waits is pulled by agents with "next conversation" as they get room; with
    `push_to_free_agents`, an agent who becomes available or frees a slot is also pushed
    the lane's most urgent waiting conversations at once, up to their capacity (and has
    nothing left to pull from it).
    """

    name: str
    overflow_after: timedelta = DEFAULT_OVERFLOW_AFTER
    language_skill: Need = Need.REQUIRED
    category_skill: Need = Need.PREFERRED
    push_to_free_agents: bool = False
