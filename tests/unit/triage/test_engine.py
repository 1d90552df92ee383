"""Triage of whole posts with the shipped models: decisions, reasons, and any input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.domain.triage import Intent, Sentiment
from carelane.triage.engine import PostToTriage, WorkspaceTriage, triage_posts
from carelane.triage.models import TriageModels, shipped_models
from carelane.workspaces.triage_settings import TriageSettings, workspace_triage


@pytest.fixture(scope="module")
def models() -> TriageModels:
    return shipped_models()


AIRLINE = workspace_triage(None, TriageSettings(brand_handles=("united",), reason_topics=True))


def test_a_real_complaint_is_actionable_negative_and_explained(models: TriageModels) -> None:
    (triage,) = triage_posts(
        [
            PostToTriage(
                text="@united lost my bag AGAIN and nobody at the desk will help. worst airline",
                channel="united",
                author_handle="ana",
                author_followers=48_000,
            )
        ],
        AIRLINE,
        models,
    )
    assert triage.actionable
    assert triage.intent is Intent.COMPLAINT
    assert triage.sentiment is Sentiment.NEGATIVE
    assert triage.sentiment_score < -0.5
    assert triage.model_version == models.version
    assert triage.language == "en"
    assert "Lost Luggage" in [t.name for t in triage.topics if t.source == "reason"]
    assert triage.explain_priority().startswith("+30 complaint")
    assert "author has 48k followers" in triage.explain_priority()
    assert sum(f.points for f in triage.priority_factors) == triage.priority
    assert triage.lane in {"Customer Service", "Marketing/PR"}
    assert triage.lane_why


def test_the_brands_own_posts_and_shares_are_not_actionable(models: TriageModels) -> None:
    own, share, retweet = triage_posts(
        [
            PostToTriage(text="We're sorry, please DM us", outbound=True, author_handle="united"),
            PostToTriage(text="RT @united: Fly to Hawaii! http://t.co/x", author_handle="bob"),
            PostToTriage(text="Our new route is live", author_handle="United", channel="united"),
        ],
        AIRLINE,
        models,
    )
    assert (own.actionable, own.actionable_reason) == (False, "the brand's own post")
    assert (share.actionable, share.intent) == (False, Intent.OTHER)
    assert share.actionable_reason == "a share of the brand's own post"
    assert retweet.actionable_reason == "the brand's own post"
    assert max(own.priority, share.priority, retweet.priority) <= 10


def test_personal_data_in_public_is_flagged_and_raises_priority(models: TriageModels) -> None:
    text = "@united my confirmation is ABC12X and my number is 415-555-0198, call me"
    public, private = triage_posts(
        [PostToTriage(text=text), PostToTriage(text=text, public=False)], AIRLINE, models
    )
    assert public.personal_data.take_offline
    assert {s.kind.value for s in public.personal_data.spans} >= {"phone"}
    assert "personal data exposed in public" in public.explain_priority()
    assert not private.personal_data.take_offline
    assert public.priority > private.priority


def test_reason_topics_only_where_the_workspace_wants_them(models: TriageModels) -> None:
    text = "@united my flight was cancelled and I am stuck in Denver"
    with_reasons, without = triage_posts(
        [PostToTriage(text=text), PostToTriage(text=text)],
        [AIRLINE, WorkspaceTriage()],
        models,
    )
    assert "reason" in {t.source for t in with_reasons.topics}
    assert "reason" not in {t.source for t in without.topics}
    assert without.lane == "Customer Service"


def test_settings_per_post_must_match_the_posts(models: TriageModels) -> None:
    with pytest.raises(ValueError, match="2 posts but 1 workspace settings"):
        triage_posts([PostToTriage(text="a"), PostToTriage(text="b")], [AIRLINE], models)


def test_the_triage_is_json_ready(models: TriageModels) -> None:
    (triage,) = triage_posts([PostToTriage(text="@united thanks, great crew!")], AIRLINE, models)
    data = triage.to_json()
    assert data["model_version"] == models.version
    assert data["intent"] in {i.value for i in Intent}
    assert data["priority_why"] == triage.explain_priority()
    assert isinstance(data["personal_data"]["spans"], list)


# Any text, including what hypothesis leaves out by default: lone surrogates (undecodable
# bytes read with surrogateescape) and control characters.
ANY_TEXT = st.text(max_size=400) | st.builds(
    lambda before, code, after: f"{before}{chr(code)}{after}",
    st.text(max_size=100),
    st.integers(0xD800, 0xDFFF) | st.integers(0, 0x1F),
    st.text(max_size=100),
)


NASTY = [
    "",
    "😡😡😡",
    "ありがとうございます、助かりました",
    "x" * 10_000,
    "a\x00b\x07c\u202e",
    "&amp;&lt;&gt;&#39;&quot;",
    "http://t.co/a https://t.co/b",
    "\ud800 lone surrogate",
]


@pytest.mark.parametrize("text", NASTY)
def test_bad_input_gets_a_valid_triage(models: TriageModels, text: str) -> None:
    (triage,) = triage_posts([PostToTriage(text=text)], AIRLINE, models)
    assert 0 <= triage.priority <= 100
    assert -1.0 <= triage.sentiment_score <= 1.0
    assert triage.language


@given(st.lists(ANY_TEXT, min_size=1, max_size=5))
def test_any_texts_get_valid_triages(texts: list[str]) -> None:
    triages = triage_posts([PostToTriage(text=t) for t in texts], AIRLINE, shipped_models())
    assert len(triages) == len(texts)
    for triage in triages:
        assert 0 <= triage.priority <= 100
        assert 0.0 <= triage.actionable_score <= 1.0
        assert triage.intent in Intent
        assert triage.sentiment in Sentiment
