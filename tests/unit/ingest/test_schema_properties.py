"""Properties of the normaliser over generated input."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from carelane.domain.channels import ChannelKind, Direction, Network, Visibility
from carelane.domain.errors import FieldError
from carelane.domain.posts import MAX_TEXT_CHARS, NormalisedPost
from carelane.ingest.schema import validate_post

NOW = datetime(2026, 11, 1, tzinfo=UTC)
SKEW = timedelta(minutes=5)
FIELDS = [
    "workspace",
    "network",
    "channel",
    "channel_kind",
    "external_id",
    "author",
    "direction",
    "visibility",
    "text",
    "created_at",
    "in_reply_to",
    "language",
    "raw",
]

any_text = st.text(alphabet=st.characters(codec=None), max_size=30)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | any_text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)
printable = st.characters(exclude_categories=("Cs", "Cc"))
slugs = st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,20}\Z")
handles = st.text(alphabet=printable, min_size=1, max_size=40)
times = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - bounds of a zone-aware strategy
    max_value=datetime(2026, 10, 31),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, *(timezone(timedelta(minutes=m)) for m in (-480, 330, 840))]),
)
good_text = st.text(alphabet=printable, min_size=1, max_size=300).filter(str.strip)


@st.composite
def good_items(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {
        "workspace": draw(slugs),
        "network": draw(st.sampled_from([n.value for n in Network])),
        "channel": draw(handles),
        "external_id": draw(handles),
        "author": {"handle": draw(handles)},
        "text": draw(good_text),
        "created_at": draw(times).isoformat(),
    }
    optional = {
        "channel_kind": st.sampled_from([k.value for k in ChannelKind]),
        "direction": st.sampled_from([d.value for d in Direction]),
        "visibility": st.sampled_from([v.value for v in Visibility]),
        "in_reply_to": handles,
        "language": st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=2, max_size=16),
        "raw": st.dictionaries(
            st.text(alphabet=printable, max_size=10),
            st.none() | st.booleans() | st.integers() | st.text(alphabet=printable, max_size=20),
            max_size=5,
        ),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            item[name] = draw(strategy)
    if draw(st.booleans()):
        item["author"]["display_name"] = draw(st.text(alphabet=printable, max_size=50))
        item["author"]["followers"] = draw(st.integers(0, 2**31 - 1))
        item["author"]["verified"] = draw(st.booleans())
    return item


@st.composite
def mangled_items(draw: st.DrawFn) -> Any:
    """Good items with fields dropped, replaced by any JSON value, or added."""
    item = draw(good_items())
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4)):
        if draw(st.booleans()):
            item.pop(name, None)
        else:
            item[name] = draw(json_values)
    if draw(st.booleans()):
        item["author"] = draw(json_values | st.just(item.get("author")))
    if draw(st.booleans()):
        item[draw(any_text)] = draw(json_values)
    return item


@given(st.one_of(json_values, mangled_items()))
def test_validate_post_never_raises(item: Any) -> None:
    result = validate_post(item, now=NOW, max_clock_skew=SKEW)
    if isinstance(result, list):
        assert result
        assert all(isinstance(e, FieldError) and e.field and e.message for e in result)
    else:
        assert isinstance(result, NormalisedPost)


@given(good_items())
def test_accepted_posts_keep_every_field(item: dict[str, Any]) -> None:
    post = validate_post(item, now=NOW, max_clock_skew=SKEW)
    assert isinstance(post, NormalisedPost), post
    assert post.workspace == item["workspace"]
    assert post.network.value == item["network"]
    assert post.channel == item["channel"]
    assert post.external_id == item["external_id"]
    assert post.text == item["text"]
    assert post.created_at == datetime.fromisoformat(item["created_at"])
    assert post.created_at.utcoffset() == timedelta(0)
    assert post.author.handle == item["author"]["handle"]
    assert post.author.display_name == item["author"].get("display_name")
    assert post.author.followers == item["author"].get("followers")
    assert post.author.verified == item["author"].get("verified", False)
    assert post.channel_kind.value == item.get("channel_kind", "owned_account")
    assert post.direction.value == item.get("direction", "inbound")
    assert post.visibility.value == item.get("visibility", "public")
    assert post.in_reply_to == item.get("in_reply_to")
    assert post.language == item.get("language")
    assert post.raw == item.get("raw")


def _up_to_the_limit(text: str) -> str:
    return (text * (MAX_TEXT_CHARS // len(text) + 1))[:MAX_TEXT_CHARS]


@given(good_text | good_text.map(_up_to_the_limit))
def test_any_printable_text_within_the_limit_is_accepted(text: str) -> None:
    item = {
        "workspace": "acme",
        "network": "twitter",
        "channel": "AcmeHelp",
        "external_id": "1",
        "author": {"handle": "ana"},
        "text": text,
        "created_at": "2026-10-01T10:00:00Z",
    }
    post = validate_post(item, now=NOW, max_clock_skew=SKEW)
    assert isinstance(post, NormalisedPost), post
    assert post.text == text
