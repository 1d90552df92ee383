"""Which swim lane owns a post, in which categories, and why.

`compile_lanes` prepares a workspace's `LaneConfig` once (it embeds the example posts);
`decide_lane` then gives each post its `LaneDecision`:

- A category matches by its rules (`match`: any of its sets of conditions, each set
  wholly met; `lane_rules`) or by its examples (the post's similarity to the nearest
  example is at least the category's threshold). With both, `combine: any` (the default)
  takes the rules' word and looks at the examples only when the rules did not match;
  `combine: all` needs both, and looks at the examples only when the rules matched.
- The nearest example rather than the examples' centroid: an admin's 5-20 posts often
  cover several ways of saying one thing (a lost bag, a bag left at the wrong airport, a
  bag that arrived empty), and their centroid resembles none of them. The nearest also
  names itself in the reasons ("similar to example 3 (0.41)"). Posts agents placed in a
  category (`lane_learning`) are compared after its examples, and named as such.
- A category's score is 1.0 when its rules decided and the similarity when examples alone
  did. Matched categories are ranked by priority_boost (highest first), then those that
  matched by a post agents placed there (their word on posts like this one outweighs the
  file's general rules), then score, then file order; the first one's lane is the post's
  lane. So with equal boosts the lane listed first in the file wins a post both lanes
  want, and a crisis category with a higher boost outranks any ordinary complaint. A post
  no category matches goes to the default lane.

Pure: no clock, no I/O; `decide_lane` accepts any text and never raises.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from carelane.triage.lane_config import Category, Combine, LaneConfig
from carelane.triage.lane_examples import NearestExamples, nearest_examples, nearest_to_decide
from carelane.triage.lane_file import load_lane_config
from carelane.triage.lane_rules import (
    PostFacts,
    RuleChecks,
    RuledPost,
    compile_rules,
    fact_key,
    fact_values,
    handle_key,
    rule_terms,
)
from carelane.triage.lane_shortlist import Shortlist, ShortlistEntry
from carelane.triage.term_index import TermIndex
from carelane.triage.terms import PostTerms
from carelane.triage.text_vectors import Embedder, Rows, dense, embed_sparse

SHIPPED_CONFIGS = ("example", "airline")
"""Lane files that ship in this package as `lanes_<name>.yaml`."""


class CategoryMatch(NamedTuple):
    """A category a post falls in, how strongly (see the module's notes), and why."""

    name: str
    lane: str
    score: float
    reasons: tuple[str, ...]
    priority_boost: int = 0


class LaneDecision(NamedTuple):
    """The lane that owns a post, every category it falls in (best first), and one
    sentence saying why."""

    lane: str
    categories: tuple[CategoryMatch, ...]
    why: str

    @property
    def category(self) -> CategoryMatch | None:
        """The category that decided the lane; None when the default lane took the post."""
        return self.categories[0] if self.categories else None

    @property
    def priority_boost(self) -> int:
        """The deciding category's priority boost, for the prioritiser (0 by default)."""
        return self.categories[0].priority_boost if self.categories else 0


@dataclass(frozen=True, slots=True)
class _Entry:
    """A category ready to decide: its rule sets, and which of the nearest-example
    similarities is its (`slot`, -1 without examples) starting at row `start`."""

    category: Category
    rules: tuple[RuleChecks, ...]
    slot: int
    start: int
    needs: frozenset[str] | None
    """Keys a post must have one of to meet any of the rule sets (None: unknown)."""


@dataclass(frozen=True, slots=True)
class CompiledLanes:
    """A lane config ready to decide posts: conditions turned into checks, and the example
    posts embedded once into `example_rows`, one row per example, category by category."""

    config: LaneConfig
    embed: Embedder
    example_rows: NDArray[np.float32]
    entries: tuple[_Entry, ...]
    terms: TermIndex
    fact_keys: tuple[tuple[str, dict[str, str]], ...]
    """For each fact that rules name (a `PostFacts` attribute), its named values' keys."""
    _starts: NDArray[np.intp] = field(repr=False)
    shortlist: Shortlist = field(repr=False)

    def similarities(self, text: str) -> NDArray[np.float32]:
        """The text's similarity to every example, in `example_rows` order."""
        similarities: NDArray[np.float32] = self.similarities_of_batch(self.embed([text]))[0]
        return similarities

    def similarities_of(self, vector: NDArray[np.float32]) -> NDArray[np.float32]:
        """A precomputed vector's similarity to every example (same embedder)."""
        similarities: NDArray[np.float32] = self.example_rows @ vector
        return similarities

    def similarities_of_batch(self, vectors: Rows) -> NDArray[np.float32]:
        """Each row of precomputed vectors' similarity to every example, one row per vector."""
        similarities: NDArray[np.float32] = np.asarray(
            vectors @ self.example_rows.T, dtype=np.float32
        )
        return similarities

    def nearest_examples(self, similarities: NDArray[np.float32]) -> list[NearestExamples]:
        """For each row of similarities (posts x examples), each example category's nearest
        example: worked out for a whole batch at once."""
        return nearest_examples(self._starts, similarities)

    def nearest_to_decide(self, similarities: NDArray[np.float32]) -> list[NearestExamples]:
        """What `nearest_examples` gives, but one shared answer for every post no example
        category's nearest example reaches the category's threshold (see `lane_examples`)."""
        by_slot = sorted((e for e in self.entries if e.slot >= 0), key=lambda e: e.slot)
        least = [e.category.similarity for e in by_slot]
        return nearest_to_decide(self._starts, least, similarities)


def compile_lanes(config: LaneConfig, *, embedder: Embedder = embed_sparse) -> CompiledLanes:
    """Prepare `config` for `decide_lane`: conditions turned into checks and the example
    posts embedded with `embedder`, which then embeds each post whose examples need
    comparing."""
    texts: list[str] = []
    entries = []
    starts: list[int] = []
    for category in config.categories:
        rules = tuple(compile_rules(rule_set) for rule_set in category.rules)
        compared = category.compared
        slot = len(starts) if compared else -1
        if compared:
            starts.append(len(texts))
        needed = [r.needs for r in rules]
        needs = None if None in needed else frozenset().union(*filter(None, needed))
        entries.append(_Entry(category, rules, slot, len(texts), needs))
        texts.extend(compared)
    rows = dense(embedder(texts)) if texts else np.zeros((0, 0), np.float32)
    terms = TermIndex(
        term
        for category in config.categories
        for rules in category.rules
        for term in rule_terms(rules)
    )
    named: dict[str, dict[str, str]] = {}
    for category in config.categories:
        for rule_set in category.rules:
            for fact, allowed in fact_values(rule_set):
                named.setdefault(fact, {}).update((v, fact_key(fact, v)) for v in allowed)
    return CompiledLanes(
        config,
        embedder,
        rows,
        tuple(entries),
        terms,
        tuple(named.items()),
        np.asarray(starts, dtype=np.intp),
        Shortlist([ShortlistEntry(e.needs, e.slot, e.category.similarity) for e in entries]),
    )


def shipped_lane_config(name: str = "example") -> LaneConfig:
    """One of the lane files that ship with carelane (`SHIPPED_CONFIGS`)."""
    if name not in SHIPPED_CONFIGS:
        raise ValueError(f"no shipped lanes named {name!r}; there are {', '.join(SHIPPED_CONFIGS)}")
    resource = files("carelane.triage") / f"lanes_{name}.yaml"
    return load_lane_config(resource.read_text(encoding="utf-8"), source=f"lanes_{name}.yaml")


def _why(lane: str, matches: Sequence[CategoryMatch]) -> str:
    if not matches:
        return f"{lane}, the default lane: no category matches."
    first, others = matches[0], matches[1:]
    sentence = f"{lane} because it matches {first.name} ({'; '.join(first.reasons)})"
    if others:
        also = [m.name if m.lane == first.lane else f"{m.name} ({m.lane})" for m in others]
        listed = ", ".join(also[:-1]) + " and " + also[-1] if len(also) > 1 else also[0]
        sentence += f"; it also matches {listed}"
    return sentence + "."


def _rules_reasons(entry: _Entry, post: RuledPost) -> tuple[str, ...] | None:
    """The reasons of the first set of conditions the post meets, or None. A set whose
    terms the post lacks is passed over here, without a call."""
    found = post.found
    for rules in entry.rules:
        needs = rules.needs
        if needs is not None and needs.isdisjoint(found):
            continue
        reasons = rules.reasons(post)
        if reasons is not None:
            return reasons
    return None


def _nearest_of(
    lanes: CompiledLanes, text: str, vector: NDArray[np.float32] | None
) -> NearestExamples:
    """A post's nearest examples, from its vector when given, else from its text."""
    found = lanes.similarities_of(vector) if vector is not None else lanes.similarities(text)
    return lanes.nearest_examples(found[None, :])[0]


def _found(lanes: CompiledLanes, facts: PostFacts, terms: PostTerms) -> frozenset[str]:
    """The keys a post has: of the lanes' terms in its text, and of its facts' values that
    rules name."""
    found = lanes.terms.found(terms)
    if lanes.fact_keys:
        values = [
            key
            for fact, keys in lanes.fact_keys
            if (key := keys.get(getattr(facts, fact))) is not None
        ]
        if values:
            return found.union(values)
    return found


def decide_lane(
    lanes: CompiledLanes,
    facts: PostFacts,
    *,
    vector: NDArray[np.float32] | None = None,
    nearest: NearestExamples | None = None,
) -> LaneDecision:
    """The lane, categories and reasons for one post.

    `vector` is the post's text embedded with the lanes' embedder, and `nearest` its
    nearest examples (`CompiledLanes.nearest_examples`), for callers that embed and compare
    posts in batches; without either the text is embedded only if some category needs its
    examples compared."""
    terms = PostTerms.of(facts.text)
    post = RuledPost(
        facts,
        terms,
        _found(lanes, facts, terms),
        handle_key(facts.author_handle),
        handle_key(facts.channel_handle),
    )
    ranked: list[tuple[int, bool, float, int, CategoryMatch]] = []
    entries = lanes.entries
    shortlist = lanes.shortlist.of(post.found, nearest.similarity if nearest is not None else None)
    for order in shortlist:  # the others cannot take the post (see `lane_shortlist`)
        entry = entries[order]
        category = entry.category
        if entry.needs is not None and entry.needs.isdisjoint(post.found):
            if entry.slot < 0:
                continue  # neither its rules nor examples can place the post
            rule_reasons = None
        else:
            rule_reasons = _rules_reasons(entry, post) if entry.rules else None
        reasons, score, placed = rule_reasons, 1.0, False
        compare = entry.slot >= 0 and (
            not entry.rules
            or (category.combine is Combine.ANY and rule_reasons is None)
            or (category.combine is Combine.ALL and rule_reasons is not None)
        )
        if compare:
            if nearest is None:  # worked out once, for the first category that needs it
                nearest = _nearest_of(lanes, facts.text, vector)
            found = nearest
            similarity, closest = found.similarity[entry.slot], found.closest[entry.slot]
            if not similarity >= category.similarity:
                reasons = None
            else:
                placed = closest > len(category.examples)  # a post agents placed here
                alike = (
                    f"similar to a post agents placed here ({similarity:.2f})"
                    if placed
                    else f"similar to example {closest} ({similarity:.2f})"
                )
                if rule_reasons is None:
                    reasons, score = (alike,), similarity
                else:
                    reasons = (*rule_reasons, alike)
        if reasons is not None:
            boost = category.priority_boost
            match = CategoryMatch(category.name, category.lane, score, reasons, boost)
            ranked.append((-boost, not placed, -score, order, match))
    if not ranked:
        return _default_decision(lanes.config.default_lane)
    ranked.sort(key=lambda entry: entry[:4])
    matches = tuple(entry[4] for entry in ranked)
    lane = matches[0].lane
    return LaneDecision(lane, matches, _why(lane, matches))


@cache
def _default_decision(lane: str) -> LaneDecision:
    """The decision for a post no category matches (one, shared: it is immutable)."""
    return LaneDecision(lane, (), _why(lane, ()))
