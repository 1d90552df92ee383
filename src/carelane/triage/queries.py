"""The boolean query language of swim-lane rules, and the terms keywords are made of.

    query  := or
    or     := and ("OR" and)*
    and    := not (["AND"] not)*          terms side by side mean AND
    not    := "NOT" not | "(" or ")" | term
    term   := word | word* | "quoted phrase" | #hashtag | @handle

NOT binds tightest, then AND, then OR: `a OR b c` is `a OR (b AND c)`, `NOT a b` is
`(NOT a) AND b`. Operators are upper case; `and`, `or` and `not` in lower case are words.
Words match whole words of the post, case-insensitively (see `terms`); a trailing `*`
matches any word that starts with what precedes it (`refund*`: refund, refunds, refunded);
a phrase matches its words in a row; `#tag` matches the hashtag and `@handle` the mention.
A bare term that holds punctuation (`wi-fi`) is the phrase of its words.
"""

import re
from dataclasses import dataclass, field

from carelane.triage.terms import PostTerms, fold, is_tag, words_of

MAX_QUERY_CHARS = 4_000
MAX_NESTING = 32
"""Deepest nesting of parentheses and NOTs: far beyond any real rule, and it keeps
parsing and matching free of deep recursion."""
MIN_PREFIX_CHARS = 2
MAX_EXPLAINED_NOT = 30
"""Longest NOT shown whole when a query explains a match; a longer one shows as `NOT (…)`."""


class QuerySyntaxError(ValueError):
    """A query or keyword that cannot be parsed; `position` is the 0-based character."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position


class QueryNode:
    """A parsed query or term: `matches` tells whether a post's terms satisfy it, and
    `str()` gives it back in query syntax, parenthesised so precedence shows."""

    __slots__ = ()

    def matches(self, terms: PostTerms) -> bool:
        raise NotImplementedError

    def holds(self, found: frozenset[str]) -> bool:
        """Whether the query holds for a post whose terms, by `key`, are `found` (the terms
        of the query a `TermIndex` of them found in the post): what `matches` says, with
        every term looked up instead of searched for."""
        raise NotImplementedError

    def needs(self) -> frozenset[str] | None:
        """Keys of terms at least one of which a post must have for the query to hold, or
        None when no such set exists (`NOT refund` holds for a post with no terms)."""
        raise NotImplementedError

    def explain(self, terms: PostTerms) -> str:
        """The part of a query that a post meets, in query syntax: only the branches of an
        OR that hold, and a long NOT cut short, e.g. `(bag AND lost AND NOT (…))`."""
        return str(self)


class _Term(QueryNode):
    """A single term: it holds when a post has its `key`."""

    __slots__ = ()

    @property
    def key(self) -> str:
        """What names the term among a post's found terms (`TermIndex.found`)."""
        raise NotImplementedError

    def holds(self, found: frozenset[str]) -> bool:
        return self.key in found

    def needs(self) -> frozenset[str] | None:
        return frozenset((self.key,))


@dataclass(frozen=True, slots=True)
class Phrase(_Term):
    """Words in a row; one word is a whole-word match; `prefix` opens the last word."""

    words: tuple[str, ...]
    prefix: bool = False
    needle: str = field(init=False, repr=False, compare=False)
    """What `PostTerms.joined` contains when the post has the phrase."""

    def __post_init__(self) -> None:
        needle = f" {' '.join(self.words)}" + ("" if self.prefix else " ")
        object.__setattr__(self, "needle", needle)

    @property
    def text(self) -> str:
        return " ".join(self.words) + ("*" if self.prefix else "")

    @property
    def key(self) -> str:
        return self.needle

    def matches(self, terms: PostTerms) -> bool:
        if len(self.words) == 1 and not self.prefix:
            return self.words[0] in terms.words
        return self.needle in terms.joined

    def __str__(self) -> str:
        return self.text if len(self.words) == 1 else f'"{self.text}"'


@dataclass(frozen=True, slots=True)
class Hashtag(_Term):
    tag: str

    @property
    def text(self) -> str:
        return f"#{self.tag}"

    @property
    def key(self) -> str:
        return self.text

    def matches(self, terms: PostTerms) -> bool:
        return self.tag in terms.hashtags

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Mention(_Term):
    handle: str

    @property
    def text(self) -> str:
        return f"@{self.handle}"

    @property
    def key(self) -> str:
        return self.text

    def matches(self, terms: PostTerms) -> bool:
        return self.handle in terms.mentions

    def __str__(self) -> str:
        return self.text


Term = Phrase | Hashtag | Mention


@dataclass(frozen=True, slots=True)
class And(QueryNode):
    parts: tuple[QueryNode, ...]

    def matches(self, terms: PostTerms) -> bool:
        return all(part.matches(terms) for part in self.parts)

    def holds(self, found: frozenset[str]) -> bool:
        return all(part.holds(found) for part in self.parts)

    def needs(self) -> frozenset[str] | None:
        known = [needed for part in self.parts if (needed := part.needs()) is not None]
        return min(known, key=len) if known else None

    def explain(self, terms: PostTerms) -> str:
        return "(" + " AND ".join(part.explain(terms) for part in self.parts) + ")"

    def __str__(self) -> str:
        return "(" + " AND ".join(map(str, self.parts)) + ")"


class TermSet:
    """Any of several terms, checked together: single words, hashtags and handles by set
    intersection, prefixes and phrases by one regular-expression search of the joined
    words. This is what keeps a category of thirty keywords cheap."""

    __slots__ = ("_handles", "_pattern", "_tags", "_words", "keys", "terms")

    def __init__(self, terms: tuple[Term, ...]) -> None:
        self.terms = terms
        phrases = [term for term in terms if isinstance(term, Phrase)]
        self._words = frozenset(p.words[0] for p in phrases if len(p.words) == 1 and not p.prefix)
        needles = sorted({p.needle for p in phrases if len(p.words) > 1 or p.prefix})
        self._pattern = re.compile("|".join(map(re.escape, needles))) if needles else None
        self._tags = frozenset(term.tag for term in terms if isinstance(term, Hashtag))
        self._handles = frozenset(term.handle for term in terms if isinstance(term, Mention))
        self.keys = frozenset(term.key for term in terms)

    def matches(self, terms: PostTerms) -> bool:
        """Whether the post has any of the terms."""
        return (
            not self._words.isdisjoint(terms.words)
            or (self._pattern is not None and self._pattern.search(terms.joined) is not None)
            or not self._tags.isdisjoint(terms.hashtags)
            or not self._handles.isdisjoint(terms.mentions)
        )

    def holds(self, found: frozenset[str]) -> bool:
        """Whether the post, whose terms by key are `found`, has any of the terms."""
        return not self.keys.isdisjoint(found)

    def matching(self, terms: PostTerms) -> tuple[Term, ...]:
        """The terms the post has, in the order given."""
        return tuple(term for term in self.terms if term.matches(terms))


@dataclass(frozen=True, slots=True)
class Or(QueryNode):
    parts: tuple[QueryNode, ...]
    _terms: TermSet = field(init=False, repr=False, compare=False)
    _others: tuple[QueryNode, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        terms = tuple(part for part in self.parts if isinstance(part, Phrase | Hashtag | Mention))
        others = tuple(p for p in self.parts if not isinstance(p, Phrase | Hashtag | Mention))
        object.__setattr__(self, "_terms", TermSet(terms))
        object.__setattr__(self, "_others", others)

    def matches(self, terms: PostTerms) -> bool:
        return self._terms.matches(terms) or any(part.matches(terms) for part in self._others)

    def holds(self, found: frozenset[str]) -> bool:
        return self._terms.holds(found) or any(part.holds(found) for part in self._others)

    def needs(self) -> frozenset[str] | None:
        needed = [part.needs() for part in self.parts]
        if any(part is None for part in needed):
            return None
        return frozenset().union(*(part for part in needed if part is not None))

    def explain(self, terms: PostTerms) -> str:
        held = [part.explain(terms) for part in self.parts if part.matches(terms)]
        return held[0] if len(held) == 1 else "(" + " OR ".join(held) + ")"

    def __str__(self) -> str:
        return "(" + " OR ".join(map(str, self.parts)) + ")"


@dataclass(frozen=True, slots=True)
class Not(QueryNode):
    part: QueryNode

    def matches(self, terms: PostTerms) -> bool:
        return not self.part.matches(terms)

    def holds(self, found: frozenset[str]) -> bool:
        return not self.part.holds(found)

    def needs(self) -> frozenset[str] | None:
        return None

    def explain(self, terms: PostTerms) -> str:
        text = str(self)
        return text if len(text) <= MAX_EXPLAINED_NOT else "NOT (…)"

    def __str__(self) -> str:
        return f"NOT {self.part}"


def parse_term(text: str, position: int = 0) -> Term:
    """One keyword or bare query term: a word, `word*`, words (a phrase), `#tag`, `@handle`.

    Raises QuerySyntaxError naming what is wrong and where (`position` is where `text`
    starts in its query)."""
    stripped = text.strip()
    if stripped[:1] in ("#", "@"):
        tag = fold(stripped[1:])
        if not is_tag(tag):
            kind = "hashtag" if stripped[0] == "#" else "handle"
            raise QuerySyntaxError(
                f"{kind} {stripped!r} must be letters, digits or _ after {stripped[0]!r}",
                position,
            )
        return Hashtag(tag) if stripped[0] == "#" else Mention(tag)
    prefix = stripped.endswith("*")
    body = stripped.removesuffix("*") if prefix else stripped
    if "*" in body:
        raise QuerySyntaxError(
            f"{stripped!r} has '*' inside; only a trailing '*' (a prefix) is allowed",
            position + body.index("*"),
        )
    if prefix and not body[-1:].isalnum():
        raise QuerySyntaxError(f"{stripped!r}: '*' must follow a letter or digit", position)
    words = words_of(body)
    if not words:
        raise QuerySyntaxError(f"{stripped!r} has no letters or digits", position)
    if prefix and len(words[-1]) < MIN_PREFIX_CHARS:
        raise QuerySyntaxError(
            f"{stripped!r} is too short a prefix; give at least {MIN_PREFIX_CHARS} characters "
            "before '*'",
            position,
        )
    return Phrase(words, prefix)


_OPERATORS = frozenset({"AND", "OR", "NOT"})
_SPECIAL = frozenset('()"')


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "term", "phrase", "end"
    text: str
    position: int


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    index, length = 0, len(query)
    while index < length:
        char = query[index]
        if char.isspace():
            index += 1
        elif char in "()":
            tokens.append(_Token(char, char, index))
            index += 1
        elif char == '"':
            end = query.find('"', index + 1)
            if end < 0:
                raise QuerySyntaxError("has a '\"' without its closing '\"'", index)
            tokens.append(_Token("phrase", query[index + 1 : end], index))
            index = end + 1
        else:
            start = index
            while index < length and not query[index].isspace() and query[index] not in _SPECIAL:
                index += 1
            word = query[start:index]
            kind = word if word in _OPERATORS else "term"
            tokens.append(_Token(kind, word, start))
    tokens.append(_Token("end", "", length))
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.tokens = _tokens(query)
        self.index = 0

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> QueryNode:
        node = self.or_(0)
        token = self.peek()
        if token.kind == ")":
            raise QuerySyntaxError("has a ')' without its '('", token.position)
        if token.kind != "end":  # pragma: no cover - every other token starts an operand
            raise QuerySyntaxError(f"unexpected {token.text!r}", token.position)
        return node

    def or_(self, depth: int) -> QueryNode:
        parts = [self.and_(depth)]
        while self.peek().kind == "OR":
            self.take()
            parts.append(self.and_(depth))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_(self, depth: int) -> QueryNode:
        parts = [self.not_(depth)]
        while self.peek().kind in ("AND", "NOT", "(", "term", "phrase"):
            if self.peek().kind == "AND":
                self.take()
            parts.append(self.not_(depth))
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_(self, depth: int) -> QueryNode:
        token = self.take()
        if depth >= MAX_NESTING:
            raise QuerySyntaxError(f"nests deeper than {MAX_NESTING} levels", token.position)
        if token.kind == "NOT":
            return Not(self.not_(depth + 1))
        if token.kind == "(":
            node = self.or_(depth + 1)
            closing = self.take()
            if closing.kind != ")":
                raise QuerySyntaxError("has a '(' without its ')'", token.position)
            return node
        if token.kind == "term":
            return parse_term(token.text, token.position)
        if token.kind == "phrase":
            if not token.text.strip():
                raise QuerySyntaxError('has an empty phrase ""', token.position)
            return parse_term(token.text, token.position + 1)
        previous = self.tokens[self.index - 2] if self.index >= 2 else None
        after = f"after {previous.text}" if previous else "first"
        if token.kind == "end":
            raise QuerySyntaxError(f"ends {after}; expected a word, phrase or '('", token.position)
        raise QuerySyntaxError(
            f"expected a word, phrase or '(' {after}, found {token.text}", token.position
        )


def parse_query(query: str) -> QueryNode:
    """Parse a boolean query; raises QuerySyntaxError saying what is wrong and where."""
    if len(query) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"is longer than {MAX_QUERY_CHARS:,} characters", MAX_QUERY_CHARS)
    if not query.strip():
        raise QuerySyntaxError("is empty", 0)
    return _Parser(query).parse()
