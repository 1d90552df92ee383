"""Canned responses on the wire."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from carelane.domain.channels import Network
from carelane.domain.triage import Intent
from carelane.replies.input_text import TypedText, acceptable_text

Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(acceptable_text),
]
MAX_TEXT_CHARS = 10_000
MAX_TAGS = 50


class CannedResponseIn(BaseModel):
    """A canned response: a title, a text with `{variables}`, and where it fits (empty
    tag lists fit everything)."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
        AfterValidator(acceptable_text),
    ]
    text: TypedText = Field(
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        description="The reply, with {variables} such as {customer_first_name}; {{ and }} "
        "for literal braces.",
    )
    lanes: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    categories: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    intents: list[Intent] = Field(default_factory=list, max_length=len(Intent))
    networks: list[Network] = Field(default_factory=list, max_length=len(Network))


class CannedResponseOut(BaseModel):
    id: int
    title: str
    text: str
    lanes: list[str]
    categories: list[str]
    intents: list[str]
    networks: list[str]
    variables: list[str] = Field(description="The variables its text uses.")
    created_at: datetime
    updated_at: datetime


class CannedResponseList(BaseModel):
    items: list[CannedResponseOut]


class VariableOut(BaseModel):
    name: str
    description: str


class VariableList(BaseModel):
    items: list[VariableOut]


class RenderedOut(BaseModel):
    """A canned response filled in for one conversation and agent."""

    canned_response_id: int
    title: str
    text: str = Field(description="The text with every variable that has a value filled in.")
    missing: list[str] = Field(description="Variables with no value here, left as written.")
    unknown: list[str] = Field(description="Names carelane does not know, left as written.")


class SuggestionOut(BaseModel):
    """A canned response suggested for the conversation's latest customer post."""

    score: float = Field(description="Higher is a better fit.")
    reasons: list[str] = Field(description="Why it fits, in words.")
    response: CannedResponseOut
    rendered: RenderedOut


class SuggestionList(BaseModel):
    post_id: int | None = Field(description="The customer's post the suggestions answer.")
    items: list[SuggestionOut]
