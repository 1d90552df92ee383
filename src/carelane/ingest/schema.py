"""The normalised post format on the wire: what `POST /api/v1/posts`, `carelane import`
and every data-set reader produce, and how one item of it is validated."""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from carelane.domain.channels import ChannelKind, Direction, Network, Visibility
from carelane.domain.errors import FieldError
from carelane.domain.posts import (
    MAX_EXTERNAL_ID_CHARS,
    MAX_FOLLOWERS,
    MAX_HANDLE_CHARS,
    MAX_TEXT_CHARS,
    Author,
    NormalisedPost,
)
from carelane.ingest.text_checks import is_acceptable_text, stored_json_problem, text_problem

Slug = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Handle = Annotated[str, Field(min_length=1, max_length=MAX_HANDLE_CHARS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AuthorIn(_Strict):
    """Who wrote the post."""

    handle: Handle
    display_name: Annotated[str, Field(max_length=255)] | None = None
    followers: Annotated[int, Field(ge=0, le=MAX_FOLLOWERS)] | None = None
    verified: bool = False


class PostIn(_Strict):
    """One post in carelane's normalised format."""

    workspace: Slug = Field(description="The brand's workspace slug, e.g. `united`.")
    network: Network
    channel: Handle = Field(description="Account handle or saved-search name it arrived on.")
    channel_kind: ChannelKind = ChannelKind.OWNED_ACCOUNT
    external_id: Annotated[str, Field(min_length=1, max_length=MAX_EXTERNAL_ID_CHARS)]
    author: AuthorIn
    direction: Direction = Direction.INBOUND
    visibility: Visibility = Visibility.PUBLIC
    text: str = Field(description=f"1 to {MAX_TEXT_CHARS:,} characters.")
    created_at: datetime = Field(description="ISO 8601 with a zone offset.")
    in_reply_to: Annotated[str, Field(min_length=1, max_length=MAX_EXTERNAL_ID_CHARS)] | None = None
    language: Annotated[str, Field(min_length=2, max_length=16)] | None = None
    raw: dict[str, Any] | None = Field(default=None, description="The original payload, kept.")

    @field_validator("text")
    @classmethod
    def _text_length(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        if len(value) > MAX_TEXT_CHARS:
            raise ValueError(f"is {len(value):,} characters; the limit is {MAX_TEXT_CHARS:,}")
        return value

    @field_validator("created_at")
    @classmethod
    def _has_zone(cls, value: datetime) -> datetime:
        offset = None if value.tzinfo is None else value.utcoffset()
        if offset is None:
            raise ValueError("has no time zone; give an offset such as +00:00 or Z")
        try:  # what astimezone(UTC) gives, without asking the zone for its offset again
            return (value - offset).replace(tzinfo=UTC)
        except OverflowError:
            raise ValueError(f"{value.isoformat()} is out of range") from None

    def to_domain(self) -> NormalisedPost:
        author = self.author
        return NormalisedPost(
            workspace=self.workspace,
            network=self.network,
            channel=self.channel,
            channel_kind=self.channel_kind,
            external_id=self.external_id,
            author=Author(
                handle=author.handle,
                display_name=author.display_name,
                followers=author.followers,
                verified=author.verified,
            ),
            direction=self.direction,
            visibility=self.visibility,
            text=self.text,
            created_at=self.created_at,
            in_reply_to=self.in_reply_to,
            language=self.language,
            raw=self.raw,
        )


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "item"


def _field_error(error: Any) -> FieldError:
    return FieldError(_field_path(error["loc"]), error["msg"].removeprefix("Value error, "))


# The fields whose text is checked; an unknown field is refused by the schema anyway.
_POST_TEXT = frozenset(PostIn.model_fields) - {"author", "raw"}
_AUTHOR_TEXT = frozenset(AuthorIn.model_fields)


def _content_problems(item: Mapping[str, Any]) -> list[FieldError]:
    """What the schema does not check: the item's text fields (its own and its author's)
    must be acceptable text, and `raw` must be storable JSON.

    `raw` is not held to the rules for text: the network's payload is kept as it was sent,
    control characters included, but PostgreSQL's JSONB refuses NUL, lone surrogates and
    non-finite numbers, which would fail the whole batch. The common item (clean text, a
    flat payload of strings) passes one search over all of it; only one that fails it is
    examined field by field.
    """
    author = item.get("author")
    author = author if isinstance(author, Mapping) else {}
    raw = item.get("raw")
    texts = [v for k, v in item.items() if type(v) is str and k in _POST_TEXT]
    texts += [v for k, v in author.items() if type(v) is str and k in _AUTHOR_TEXT]
    flat_raw = isinstance(raw, dict) and all(
        type(k) is str and type(v) is str for k, v in raw.items()
    )
    if isinstance(raw, dict) and flat_raw:
        texts += [*raw, *raw.values()]
    if is_acceptable_text("".join(texts)) and (flat_raw or raw is None):
        return []
    fields = [(k, v) for k, v in item.items() if type(v) is str and k in _POST_TEXT]
    fields += [
        (f"author.{k}", v) for k, v in author.items() if type(v) is str and k in _AUTHOR_TEXT
    ]
    problems = [
        FieldError(name, problem) for name, v in fields if (problem := text_problem(v)) is not None
    ]
    if isinstance(raw, dict) and (in_raw := stored_json_problem(raw)):
        path, problem = in_raw
        problems.append(FieldError(f"raw.{path}" if path else "raw", problem))
    return problems


def validate_post(
    item: Mapping[str, Any] | Any, *, now: datetime, max_clock_skew: timedelta
) -> NormalisedPost | list[FieldError]:
    """The item as a `NormalisedPost`, or every problem with it, each naming its field."""
    if not isinstance(item, Mapping):
        return [FieldError("item", f"must be a JSON object, not {type(item).__name__}")]
    problems = _content_problems(item)
    try:
        post = PostIn.model_validate(item)
    except ValidationError as error:
        named = {p.field for p in problems}
        return problems + [
            e for e in map(_field_error, error.errors(include_url=False)) if e.field not in named
        ]
    if problems:
        return problems
    if post.created_at > now + max_clock_skew:
        return [
            FieldError(
                "created_at",
                f"{post.created_at.isoformat()} is in the future (now is {now.isoformat()})",
            )
        ]
    return post.to_domain()
