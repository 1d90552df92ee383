"""Properties of lanes over generated input: any text gets a valid decision; any query or
lanes file either parses or is refused with located problems."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from carelane.triage import lane_rules
from carelane.triage import lanes as lanes_module
from carelane.triage.lane_config import (
    INTENTS,
    SENTIMENTS,
    LaneConfig,
    LaneConfigError,
    LaneConfigProblem,
)
from carelane.triage.lane_file import load_lane_config
from carelane.triage.lane_rules import PostFacts
from carelane.triage.lanes import compile_lanes, decide_lane, shipped_lane_config
from carelane.triage.queries import QueryNode, QuerySyntaxError, parse_query
from carelane.triage.terms import PostTerms
from carelane.triage.text_vectors import DIMENSIONS, embed

AIRLINE = compile_lanes(shipped_lane_config("airline"))
EXAMPLE = compile_lanes(shipped_lane_config("example"))
LANES = {lane.name for lane in AIRLINE.config.lanes} | {lane.name for lane in EXAMPLE.config.lanes}

any_text = st.text(alphabet=st.characters(codec=None), max_size=400)
query_text = st.lists(
    st.sampled_from([*"ab #@*()\"-'", "AND", "OR", "NOT", " AND ", " OR ", " NOT ", "bag"]),
    max_size=25,
).map("".join)
facts = st.builds(
    PostFacts,
    text=any_text,
    network=st.none() | st.sampled_from(["twitter", "forum", "nowhere"]),
    channel_handle=st.none() | any_text,
    channel_kind=st.none() | st.sampled_from(["owned_account", "keyword_search"]),
    author_handle=st.none() | any_text,
    author_followers=st.none() | st.integers(min_value=0, max_value=2**31 - 1),
    intent=st.none() | st.sampled_from([*INTENTS, "unknown"]),
    sentiment=st.none() | st.sampled_from([*SENTIMENTS, "unknown"]),
)


@given(facts)
def test_any_post_gets_a_valid_decision(post: PostFacts) -> None:
    for lanes in (AIRLINE, EXAMPLE):
        decision = decide_lane(lanes, post)
        assert decision.lane in LANES
        assert decision.why.startswith(decision.lane)
        if decision.categories:
            assert decision.lane == decision.categories[0].lane
        else:
            assert decision.lane == lanes.config.default_lane
        for match in decision.categories:
            assert match.reasons
            assert 0.0 < match.score <= 1.0 + 1e-6
        boosts = [-m.priority_boost for m in decision.categories]
        assert boosts == sorted(boosts)


@given(st.lists(any_text, max_size=5))
def test_any_texts_embed_to_unit_or_zero_rows(texts: list[str]) -> None:
    rows = embed(texts)
    assert rows.shape == (len(texts), DIMENSIONS)
    norms = np.linalg.norm(rows, axis=1)
    assert np.all(np.isclose(norms, 1.0, atol=1e-5) | (norms == 0.0))


def _parsed_or_error(query: str) -> QueryNode | QuerySyntaxError:
    try:
        return parse_query(query)
    except QuerySyntaxError as error:
        return error


@given(any_text | query_text)
def test_a_query_parses_or_is_refused_with_a_position(query: str) -> None:
    parsed = _parsed_or_error(query)
    if isinstance(parsed, QuerySyntaxError):
        assert 0 <= parsed.position <= len(query)
        assert parsed.message
    else:
        # What it prints parses back to the same query, and it can match any text.
        assert str(parse_query(str(parsed))) == str(parsed)
        parsed.matches(PostTerms.of(query))
        assert isinstance(parsed.explain(PostTerms.of(query)), str)


def _config_or_problems(text: str) -> LaneConfig | list[LaneConfigProblem]:
    try:
        return load_lane_config(text)
    except LaneConfigError as error:
        return error.problems


def _located(problems: list[LaneConfigProblem]) -> bool:
    return bool(problems) and all(
        p.line >= 1 and p.column >= 1 and p.field and p.message for p in problems
    )


@given(query_text)
def test_a_query_in_a_lanes_file_parses_or_is_a_located_problem(query: str) -> None:
    text = (
        "version: 1\ndefault_lane: A\nlanes:\n  - name: A\n    categories:\n"
        f"      - name: C\n        match:\n          query: {query!r}\n"
    )
    loaded = _config_or_problems(text)
    if isinstance(loaded, LaneConfig):
        assert loaded.categories[0].rules[0].query is not None
    else:
        assert _located(loaded)


@given(any_text)
def test_any_text_as_a_lanes_file_loads_or_is_refused_with_located_problems(text: str) -> None:
    loaded = _config_or_problems(text)
    assert isinstance(loaded, LaneConfig) or _located(loaded)


rule_words = st.lists(
    st.sampled_from(["refund", "hacked", "thanks", "lost bag", "#fail", "delayed", "how do i"])
    | any_text,
    max_size=6,
).map(" ".join)


@given(facts, rule_words)
def test_a_rule_set_a_post_meets_finds_one_of_the_keys_it_needs(post: PostFacts, text: str) -> None:
    # A rule set's keys (its terms', or the values of one of its facts) turn away only posts
    # that do not meet it: each condition of the shipped lanes, checked on its own, agrees.
    post = post._replace(text=text)
    for compiled in (AIRLINE, EXAMPLE):
        terms = PostTerms.of(post.text)
        checked = lane_rules.RuledPost(
            post,
            terms,
            lanes_module._found(compiled, post, terms),
            lane_rules.handle_key(post.author_handle),
            lane_rules.handle_key(post.channel_handle),
        )
        for entry in compiled.entries:
            for rules in entry.rules:
                met = all(check(checked) is not None for check in (*rules.facts, *rules.text))
                if met and rules.needs is not None:
                    assert not rules.needs.isdisjoint(checked.found)
                    assert rules.reasons(checked) is not None
