"""A workspace's swim lanes and categories: the YAML file an admin writes, and what it
becomes once read.

    version: 1
    default_lane: Customer Service       # where a post that matches no category goes
    lanes:
      - name: Marketing/PR
        description: ...                 # optional
        audience: marketing              # optional: customer_service (default) | marketing
        categories:
          - name: Crisis Communications
            description: ...             # optional
            priority_boost: 2            # optional whole number, -100..100, default 0
            match:                       # optional: conditions (see below)
              query: (outage OR hacked OR recall) AND NOT password
              sentiments: [negative]
            examples: [...]              # optional: 5 to 20 real posts
            similarity: 0.3              # optional, with examples: 0 < s <= 1
            combine: any                 # optional, with match and examples: any | all

A category needs `match`, `examples` or both. `match` is one set of conditions or a list
of sets; a post meets a set when it meets every condition in it, and meets `match` when it
meets any of its sets. Within one condition any listed value will do:

    keywords       words or phrases in the text (whole words, any case; `refund*` a prefix)
    query          a boolean query (see `queries`): AND, OR, NOT, ( ), "phrases", word*
    hashtags       hashtags in the text (with or without the #)
    authors        the author's handle (with or without the @, any case)
    channels       the handle of the channel the post arrived on
    networks       twitter, facebook, instagram, youtube, forum, review_site
    channel_kinds  owned_account, keyword_search, forum, review_site
    intents        complaint, question, compliment, suggestion, sales_lead, other
    sentiments     negative, neutral, positive
    min_followers  the author has at least this many followers

A post that lacks a fact (no intent yet, followers unknown) does not meet a condition on
it. A lane's `audience` says who works it: the Marketing/PR team reads and works only
the conversations of `marketing` lanes. `default_lane` names one of the lanes. Lane names
are unique, and so are category names across the whole file, in any case. Every problem
in a file is reported at once, each with its line, column and field path; unknown fields,
duplicate names and keys, unparsable queries and YAML syntax errors are all problems.
`lane_file.load_lane_config` reads such a file into a `LaneConfig`.
"""

from dataclasses import dataclass
from enum import StrEnum

from carelane.config_files.problems import ConfigFileError, ConfigProblem
from carelane.domain.channels import ChannelKind, Network
from carelane.domain.triage import Intent, Sentiment
from carelane.triage.queries import QueryNode, Term

SUPPORTED_VERSION = 1
INTENTS = tuple(intent.value for intent in Intent)
SENTIMENTS = tuple(sentiment.value for sentiment in Sentiment)
NETWORKS = tuple(network.value for network in Network)
CHANNEL_KINDS = tuple(kind.value for kind in ChannelKind)
MIN_EXAMPLES, MAX_EXAMPLES = 5, 20
DEFAULT_SIMILARITY = 0.3
"""Similarity to the nearest example that makes a match, unless a category sets its own.
Measured on the airline tweets with `text_vectors`: 1 pair of tweets in 2,400 reaches it,
and with eight tweets of one crowd-labelled reason as examples, a third of the tweets it
matches carry that reason, four times the rate of chance. A category that must rarely
fire by mistake sets a higher one (the shipped airline file's Marketing/PR uses 0.35)."""
MAX_PRIORITY_BOOST = 100


class LaneAudience(StrEnum):
    """Who works a lane's conversations besides agents and supervisors, who work every lane."""

    CUSTOMER_SERVICE = "customer_service"  # the contact centre only
    MARKETING = "marketing"  # the Marketing/PR team too, who see no other lanes


class Combine(StrEnum):
    """How a category with both rules and examples decides."""

    ANY = "any"  # the rules match, or else the post is similar enough to an example
    ALL = "all"  # the rules match and the post is similar enough to an example


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Conditions a post must all meet; an empty tuple (or None) is no condition.

    Values are as matching compares them: hashtags, authors and channels folded to lower
    case without their `#` or `@`."""

    keywords: tuple[Term, ...] = ()
    query: QueryNode | None = None
    hashtags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    channel_kinds: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    min_followers: int | None = None


@dataclass(frozen=True, slots=True)
class Category:
    """One kind of post a lane answers, decided by rules, by examples or by both."""

    name: str
    lane: str
    rules: tuple[RuleSet, ...] = ()
    examples: tuple[str, ...] = ()
    similarity: float = DEFAULT_SIMILARITY
    combine: Combine = Combine.ANY
    priority_boost: int = 0
    description: str | None = None
    learned: tuple[str, ...] = ()
    """Posts agents placed in the category, compared after its examples and like them
    (`lane_learning`); never part of the file."""

    @property
    def compared(self) -> tuple[str, ...]:
        """Every post a post is compared with: the examples, then the learned posts."""
        return (*self.examples, *self.learned) if self.learned else self.examples


@dataclass(frozen=True, slots=True)
class SwimLane:
    """A team's share of the conversation: the categories it answers."""

    name: str
    categories: tuple[Category, ...] = ()
    description: str | None = None
    audience: LaneAudience = LaneAudience.CUSTOMER_SERVICE


@dataclass(frozen=True, slots=True)
class LaneConfig:
    """A workspace's swim lanes, validated, in file order."""

    default_lane: str
    lanes: tuple[SwimLane, ...]
    source: str = "<string>"
    version: int = SUPPORTED_VERSION

    @property
    def categories(self) -> tuple[Category, ...]:
        """Every category of every lane, in file order."""
        return tuple(category for lane in self.lanes for category in lane.categories)

    @property
    def marketing_lanes(self) -> frozenset[str]:
        """The names of the lanes the Marketing/PR team works (`audience: marketing`)."""
        marketing = LaneAudience.MARKETING
        return frozenset(lane.name for lane in self.lanes if lane.audience is marketing)


LaneConfigProblem = ConfigProblem
"""One problem in a lanes file."""


class LaneConfigError(ConfigFileError):
    """A lanes file with problems; `problems` holds every one, in file order."""
