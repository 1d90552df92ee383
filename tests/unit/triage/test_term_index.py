"""The term index finds exactly what searching for each term finds."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.triage import term_index
from carelane.triage.queries import QuerySyntaxError, parse_query
from carelane.triage.term_index import TermIndex, terms_of
from carelane.triage.terms import PostTerms

VOCABULARY = ["bag", "bags", "lost", "lost bag", "refund", "ref", "#delay", "@united", "can't"]
query_parts = st.sampled_from(
    [
        "bag",
        "bag*",
        "lost",
        '"lost bag"',
        '"lost bag*"',
        "ref*",
        "refund",
        "#delay",
        "@united",
        "can't",
        "AND",
        "OR",
        "NOT",
        "(",
        ")",
    ]
)
post_text = st.lists(
    st.sampled_from([*VOCABULARY, "#Delay", "@United", "Bag!", "the", "http://x.co/bag", "\n"]),
    max_size=12,
).map(" ".join)


@given(st.lists(query_parts, min_size=1, max_size=12).map(" ".join), post_text)
def test_a_query_holds_on_the_index_exactly_when_it_matches_the_text(query: str, text: str) -> None:
    try:
        node = parse_query(query)
    except QuerySyntaxError:
        return
    terms = PostTerms.of(text)
    found = TermIndex(terms_of(node)).found(terms)
    assert node.holds(found) == node.matches(terms)
    needed = node.needs()
    if needed is not None and node.matches(terms):
        assert not needed.isdisjoint(found)


def test_the_index_finds_words_phrases_prefixes_tags_and_handles() -> None:
    node = parse_query('bag* OR "lost bag" OR refund OR #delay OR @united OR "left behind"')
    found = TermIndex(terms_of(node)).found(
        PostTerms.of("Lost bags and a LOST BAG, #Delay to @United; refunded? left")
    )
    assert found == frozenset({" bag", " lost bag ", "#delay", "@united"})


def test_needs_of_and_or_and_not() -> None:
    assert parse_query("bag AND (lost OR late)").needs() in (
        frozenset({" bag "}),
        frozenset({" lost ", " late "}),
    )
    assert parse_query("bag OR NOT lost").needs() is None
    assert parse_query("NOT lost AND refund*").needs() == frozenset({" refund"})


@given(st.lists(post_text, min_size=1, max_size=8), st.integers(min_value=1, max_value=6))
def test_one_index_reused_over_posts_finds_what_a_fresh_one_finds(
    texts: list[str], remembered: int
) -> None:
    # The words it remembers (terms, and plain words it passes over) never change what it
    # finds, nor does forgetting them when the memory is full.
    node = parse_query('bag* OR "lost bag" OR refund OR #delay OR @united OR can\'t')
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(term_index, "_REMEMBERED_WORDS", remembered)
        reused = TermIndex(terms_of(node))
        for text in [*texts, *texts]:
            terms = PostTerms.of(text)
            assert reused.found(terms) == TermIndex(terms_of(node)).found(terms)
