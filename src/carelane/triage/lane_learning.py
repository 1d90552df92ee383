"""Lanes that learn from agents: the posts agents placed in a category or moved to a lane.

An agent who corrects a post's category or lane says where posts like it belong. `carelane
train` folds those corrections into each workspace (`posts.corrections`) as
`LearnedExamples`, and `with_learned` adds them to the workspace's lanes: a category's
learned posts are compared after its examples and like them (its similarity threshold,
its `combine`), so a category of rules alone now also takes posts similar to those agents
put in it; the posts moved to a lane make a category of its own at the end of that lane,
named by `learned_category` ("Marketing/PR (agents' corrections)"). A category that
matched by a placed post (its nearest) ranks above the other matches of the same priority
boost (`lanes.decide_lane`): the agents' word on posts like this one outweighs the file's
general rules, and a crisis category's boost still comes first. The lanes file itself
never changes: an admin gets back exactly what they wrote, and the learned posts are kept
beside it, the latest `MAX_LEARNED` of each category and lane.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from carelane.triage.lane_config import Category, LaneConfig

MAX_LEARNED = 50
"""Learned posts kept per category and per lane: the latest ones."""


def learned_category(lane: str) -> str:
    """The name of the category of the posts agents moved to `lane`."""
    return f"{lane} (agents' corrections)"


Learned = tuple[tuple[str, tuple[str, ...]], ...]
"""(name, posts' texts, oldest first) pairs, in name order."""


@dataclass(frozen=True, slots=True)
class LearnedExamples:
    """The posts agents placed in each category and moved to each lane, by name (as the
    lanes file spells it when they were corrected); hashable, so compiled lanes can be
    remembered by it."""

    categories: Learned = ()
    lanes: Learned = ()

    def __bool__(self) -> bool:
        return bool(self.categories or self.lanes)

    @classmethod
    def of(
        cls, categories: Mapping[str, Sequence[str]], lanes: Mapping[str, Sequence[str]]
    ) -> "LearnedExamples":
        """From texts by name, oldest first; the latest `MAX_LEARNED` of each are kept."""
        return cls(_kept(categories), _kept(lanes))

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> "LearnedExamples":
        """As stored (`to_json`); None or {} is none."""
        if not data:
            return cls()
        return cls.of(data.get("categories") or {}, data.get("lanes") or {})

    def to_json(self) -> dict[str, dict[str, list[str]]]:
        return {
            "categories": {name: list(texts) for name, texts in self.categories},
            "lanes": {name: list(texts) for name, texts in self.lanes},
        }

    def count(self) -> int:
        """How many learned posts there are in all."""
        return sum(len(texts) for _, texts in (*self.categories, *self.lanes))


def _kept(texts_by_name: Mapping[str, Sequence[str]]) -> Learned:
    return tuple(
        (name, tuple(texts[-MAX_LEARNED:]))
        for name, texts in sorted(texts_by_name.items())
        if texts
    )


def with_learned(config: LaneConfig, learned: LearnedExamples) -> LaneConfig:
    """`config` with the learned posts: each category's as its `learned`, and each lane's
    as a category at the end of the lane. Names are matched in any case; names the lanes
    no longer have (a category or lane removed since) are passed over, and so is a lane's
    learned category whose name a category of the file already has."""
    if not learned:
        return config
    by_category = {name.casefold(): texts for name, texts in learned.categories}
    by_lane = {name.casefold(): texts for name, texts in learned.lanes}
    taken = {category.name.casefold() for category in config.categories}
    lanes = []
    for lane in config.lanes:
        categories = [
            replace(category, learned=texts)
            if (texts := by_category.get(category.name.casefold()))
            else category
            for category in lane.categories
        ]
        moved = by_lane.get(lane.name.casefold())
        name = learned_category(lane.name)
        if moved and name.casefold() not in taken:
            categories.append(Category(name=name, lane=lane.name, learned=moved))
        lanes.append(replace(lane, categories=tuple(categories)))
    return replace(config, lanes=tuple(lanes))
