"""Which of a lanes file's categories can take a post at all, found without trying each.

Most categories need one of their terms in a post, or one of the fact values their rules
list (`needs`: the keys of which a post must have one for any rule set to hold) and, when
they have example posts, a similarity to the nearest example of at least their threshold.
A post with none of a category's keys and no example near enough cannot fall in it,
whatever else it says. The shortlist gives a post's remaining categories from the keys it
has and its nearest examples: the categories that need no key (facts such as a follower
count alone can place a post there), those with one of its keys, and those whose
examples are near enough; in file order, which decides ties.
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ShortlistEntry:
    """What the shortlist knows of one category: the keys it needs (None: none,
    it must always be tried), its slot among the example categories (-1: no examples)
    and the similarity its nearest example must reach."""

    needs: frozenset[str] | None
    slot: int
    similarity: float


class Shortlist:
    """The categories (by position in the file) that a post may fall in."""

    __slots__ = ("_always", "_by_key", "_by_slot", "_compared")

    def __init__(self, entries: Sequence[ShortlistEntry]) -> None:
        self._always = frozenset(i for i, e in enumerate(entries) if e.needs is None)
        by_key: dict[str, list[int]] = {}
        for i, entry in enumerate(entries):
            for key in entry.needs or ():
                by_key.setdefault(key, []).append(i)
        self._by_key = {key: tuple(found) for key, found in by_key.items()}
        self._by_slot = tuple(
            (i, entry.slot, entry.similarity) for i, entry in enumerate(entries) if entry.slot >= 0
        )
        self._compared = frozenset(i for i, _, _ in self._by_slot)

    def of(self, found: frozenset[str], similarity: Sequence[float] | None) -> list[int]:
        """The positions of the categories a post may fall in, in file order: `found` are
        the term keys it has, `similarity` its similarity to each example category's
        nearest example by slot (None: not known, so every example category may)."""
        chosen = set(self._always)
        by_key = self._by_key
        for key in found:
            positions = by_key.get(key)
            if positions is not None:
                chosen.update(positions)
        if similarity is None:
            chosen |= self._compared
        else:
            for position, slot, least in self._by_slot:
                if similarity[slot] >= least:
                    chosen.add(position)
        return sorted(chosen)
