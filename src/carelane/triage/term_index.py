"""Every term of a workspace's lane rules, found in a post at once.

A lanes file may name hundreds of words, phrases, prefixes, hashtags and handles across
its categories. Searching for each, category by category, costs a pass over the post per
term; the index instead starts from the post's own words: a whole word is one dictionary
look-up, a phrase is searched for only when the post has its first word, and which
prefixes a word starts with is worked out once per distinct word and remembered. Most of a
post's words are no term and start none: those are remembered as plain, and one set
difference leaves only the few words worth looking at. What it
finds is the set of the terms' keys (`Phrase.key`, `#tag`, `@handle`), against which a
query `holds` exactly when it `matches` the post.
"""

from collections import defaultdict
from collections.abc import Iterable

from carelane.triage.queries import And, Hashtag, Mention, Not, Or, Phrase, QueryNode, Term
from carelane.triage.terms import PostTerms

_REMEMBERED_WORDS = 100_000
"""Distinct words whose prefixes are remembered; past it the memory starts afresh."""


class TermIndex:
    """The terms, arranged to be found from a post's words."""

    __slots__ = ("_handles", "_of_word", "_phrases", "_plain", "_prefixes", "_tags", "_words")

    def __init__(self, terms: Iterable[Term]) -> None:
        words: dict[str, str] = {}
        phrases: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
        prefixes: set[str] = set()
        self._tags: dict[str, str] = {}
        self._handles: dict[str, str] = {}
        for term in terms:
            if isinstance(term, Hashtag):
                self._tags[term.tag] = term.key
            elif isinstance(term, Mention):
                self._handles[term.handle] = term.key
            elif len(term.words) > 1:
                phrases[term.words[0]].add((term.needle, term.key))
            elif term.prefix:
                prefixes.add(term.words[0])
            else:
                words[term.words[0]] = term.key
        self._words = words
        self._phrases = {first: tuple(sorted(found)) for first, found in phrases.items()}
        self._prefixes = tuple(sorted(prefixes))
        self._of_word: dict[str, _WordTerms] = {}
        self._plain: set[str] = set()
        """Words seen that are no term and start no phrase or prefix."""

    def found(self, terms: PostTerms) -> frozenset[str]:
        """The keys of the indexed terms the post has."""
        keys: list[str] = []
        of_word = self._of_word
        joined = terms.joined
        for word in terms.words.difference(self._plain):
            known = of_word.get(word)
            if known is None:
                known = self._terms_of_word(word)
                if known is _NOTHING:
                    continue
            keys.extend(known[0])
            for needle, key in known[1]:
                if needle in joined:
                    keys.append(key)
        if self._tags:
            keys.extend(self._tags[tag] for tag in terms.hashtags if tag in self._tags)
        if self._handles:
            keys.extend(self._handles[h] for h in terms.mentions if h in self._handles)
        return frozenset(keys)

    def _terms_of_word(self, word: str) -> "_WordTerms":
        """The keys a word is itself (as a word and by the prefixes it starts with) and the
        phrases it starts, remembered."""
        if len(self._of_word) + len(self._plain) >= _REMEMBERED_WORDS:
            self._of_word.clear()
            self._plain.clear()
        keys = tuple(f" {prefix}" for prefix in self._prefixes if word.startswith(prefix))
        if word in self._words:
            keys = (self._words[word], *keys)
        phrases = self._phrases.get(word, ())
        if not keys and not phrases:
            self._plain.add(word)
            return _NOTHING
        known = (keys, phrases)
        self._of_word[word] = known
        return known


_WordTerms = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]
"""(keys, (needle, key) of the phrases the word starts)."""
_NOTHING: _WordTerms = ((), ())


def terms_of(node: QueryNode) -> Iterable[Term]:
    """Every term inside a query (or a term itself)."""
    if isinstance(node, Phrase | Hashtag | Mention):
        yield node
    elif isinstance(node, And | Or):
        for part in node.parts:
            yield from terms_of(part)
    elif isinstance(node, Not):
        yield from terms_of(node.part)
