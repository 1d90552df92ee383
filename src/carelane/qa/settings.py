"""A workspace's quality settings: the rules that hold a reply for approval whoever writes
it, the share of certified agents' replies reviewed, the scorecard's criteria (the
workspace's and, where a team has its own, the team's), and the promotion rule.

Every field has a default, so a workspace that set nothing gets the seeds' practice.
"""

from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from carelane.domain.posts import MAX_FOLLOWERS
from carelane.replies.input_text import acceptable_text

Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(acceptable_text),
]
Word = Name

LEGAL_AND_SAFETY_WORDS = (
    "lawyer",
    "attorney",
    "lawsuit",
    "sue",
    "suing",
    "legal action",
    "class action",
    "small claims",
    "court",
    "solicitor",
    "discrimination",
    "discriminated",
    "injury",
    "injured",
    "hospital",
    "ambulance",
    "emergency landing",
    "unsafe",
    "safety",
    "smoke",
    "fire",
    "police",
    "assault",
    "assaulted",
    "harassment",
    "harassed",
    "bomb",
    "weapon",
    "died",
    "death",
    "allergic reaction",
)
"""Words that send a reply for approval (in the customer's posts or in the reply)."""


class ApprovalRules(BaseModel):
    """What holds a reply for a supervisor's approval whatever the agent's level."""

    model_config = ConfigDict(extra="forbid")

    followers_above: int | None = Field(
        10_000,
        ge=0,
        le=MAX_FOLLOWERS,
        description="Authors with more followers than this (null: no such rule).",
    )
    crisis_categories: list[Name] = Field(
        default_factory=lambda: ["Crisis Communications"],
        max_length=100,
        description="Conversations in any of these categories (any case).",
    )
    crisis_lanes: list[Name] = Field(
        default_factory=list, max_length=100, description="Conversations in any of these lanes."
    )
    words: list[Word] = Field(
        default_factory=lambda: list(LEGAL_AND_SAFETY_WORDS),
        max_length=500,
        description="Legal or safety words or phrases, whole words, any case, in the "
        "customer's posts or in the reply.",
    )


class Criterion(BaseModel):
    """One line of the scorecard, scored 1 to `max_score`."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$"
        ),
    ]
    description: Annotated[
        str, StringConstraints(max_length=500), AfterValidator(acceptable_text)
    ] = ""
    max_score: int = Field(5, ge=2, le=10)


DEFAULT_CRITERIA = (
    Criterion(name="accuracy", description="The answer is right and complete."),
    Criterion(name="tone", description="Personal, warm, and fitting the customer's mood."),
    Criterion(name="brand_voice", description="Sounds like the brand; follows the style guide."),
    Criterion(
        name="resolution",
        description="Solves it or moves it forward; sensitive matters taken offline.",
    ),
)


class PromotionRule(BaseModel):
    """When a trainee or an agent on probation is suggested for the next level."""

    model_config = ConfigDict(extra="forbid")

    min_replies: int = Field(
        20, ge=1, le=10_000, description="Decided replies at the level (approved or not)."
    )
    min_approval_rate: float = Field(
        0.9, ge=0, le=1, description="Share of them approved unchanged or passed."
    )
    min_days: int = Field(
        7, ge=0, le=365, description="Days at the level (the seeds: one to two weeks)."
    )


def _check_criteria(criteria: list[Criterion], where: str, pass_mark: int) -> None:
    names = [c.name for c in criteria]
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        raise ValueError(f"{where}: criteria named twice: {', '.join(doubled)}")
    low = [c.name for c in criteria if c.max_score < pass_mark]
    if low:
        raise ValueError(f"{where}: the pass mark {pass_mark} is above the top score of {low[0]}")


class QualitySettings(BaseModel):
    """A workspace's approval rules, review sampling, scorecards and promotion rule."""

    model_config = ConfigDict(extra="forbid")

    approval: ApprovalRules = Field(default_factory=ApprovalRules)
    certified_review_share: float = Field(
        0.1, ge=0, le=1, description="Share of certified agents' replies reviewed after sending."
    )
    reviewers_per_reply: int = Field(
        1, ge=1, le=5, description="Scorecards a reply queued for review waits for."
    )
    pass_mark: int = Field(
        3, ge=1, le=10, description="A scorecard passes when every score is at least this."
    )
    criteria: list[Criterion] = Field(
        default_factory=lambda: list(DEFAULT_CRITERIA), min_length=1, max_length=20
    )
    team_criteria: dict[Name, Annotated[list[Criterion], Field(min_length=1, max_length=20)]] = (
        Field(default_factory=dict, description="A team's own criteria, by team name.")
    )
    promotion: PromotionRule = Field(default_factory=PromotionRule)

    @model_validator(mode="after")
    def _criteria_are_sound(self) -> "QualitySettings":
        _check_criteria(self.criteria, "criteria", self.pass_mark)
        for team, criteria in self.team_criteria.items():
            _check_criteria(criteria, f"team_criteria.{team}", self.pass_mark)
        return self

    def criteria_for(self, team_names: list[str]) -> list[Criterion]:
        """The criteria of the first of `team_names` with its own, else the workspace's."""
        own = {name.casefold(): criteria for name, criteria in self.team_criteria.items()}
        for team in team_names:
            if team.casefold() in own:
                return own[team.casefold()]
        return self.criteria
