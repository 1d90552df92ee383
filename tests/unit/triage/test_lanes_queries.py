"""The query language of lane rules: what a post's terms are, how queries parse and match."""

import pytest

from carelane.triage.queries import (
    MAX_NESTING,
    Hashtag,
    Mention,
    Phrase,
    QuerySyntaxError,
    TermSet,
    parse_query,
    parse_term,
)
from carelane.triage.terms import PostTerms


def matches(query: str, text: str) -> bool:
    return parse_query(query).matches(PostTerms.of(text))


def test_post_terms_fold_case_entities_apostrophes_and_skip_links() -> None:
    terms = PostTerms.of(
        "@United my BAG was lost &amp; the wi-fi didn\u2019t work #FAIL http://t.co/x9 @Delta"
    )
    assert terms.words == {"my", "bag", "was", "lost", "the", "wi", "fi", "didn't", "work", "fail"}
    assert terms.hashtags == {"fail"}
    assert terms.mentions == {"united", "delta"}
    assert terms.joined == " my bag was lost the wi fi didn't work fail "


@pytest.mark.parametrize(
    ("query", "parsed"),
    [
        ("refund", "refund"),
        ("a OR b c", "(a OR (b AND c))"),
        ("a b OR c", "((a AND b) OR c)"),
        ("a AND b OR c AND d", "((a AND b) OR (c AND d))"),
        ("NOT a b", "(NOT a AND b)"),
        ("NOT (a OR b)", "NOT (a OR b)"),
        ("NOT NOT a", "NOT NOT a"),
        ("(a OR b) c", "((a OR b) AND c)"),
        ('"lost bag" OR bag*', '("lost bag" OR bag*)'),
        ("#Fail @Delta wi-fi", '(#fail AND @delta AND "wi fi")'),
        ("and or not", "(and AND or AND not)"),
        ('x"lost bag"', '(x AND "lost bag")'),
        ('"lost bag*"', '"lost bag*"'),
    ],
)
def test_precedence_not_then_and_then_or(query: str, parsed: str) -> None:
    assert str(parse_query(query)) == parsed


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("refund", "I want a REFUND now", True),
        ("refund", "refunds please", False),  # whole words only
        ("refund*", "refunds please", True),
        ("refund*", "I was refunded", True),
        ("refund*", "a prerefund", False),  # a prefix starts a word
        ('"lost bag"', "they lost   bag 2", True),
        ('"lost bag"', "bag lost", False),
        ('"lost bag*"', "they lost baggage", True),
        ("lost AND bag*", "my bags are lost", True),
        ("lost AND bag*", "my bags are here", False),
        ("lost bag*", "my bags are lost", True),  # side by side is AND
        ("lost OR delayed", "flight delayed", True),
        ("NOT thanks", "thanks a lot", False),
        ("NOT thanks", "no thank you", True),
        ("thanks NOT (still OR but)", "thanks but no", False),
        ("thanks NOT (still OR but)", "thanks so much", True),
        ("#fail", "you #FAIL again", True),
        ("fail", "you #fail again", True),  # a hashtag is also a word
        ("#fail", "you fail again", False),
        ("@united", "hi @United", True),
        ("united", "hi @united", False),  # a mention is no word
        ("can't", "I can\u2019t log in", True),
        ("wi-fi", "the wifi is down", False),
        ("wi-fi", "the wi fi is down", True),
    ],
)
def test_matching(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_or_of_many_terms_matches_like_each_term() -> None:
    query = parse_query('refund OR "money back" OR charg* OR #fail OR @delta OR voucher')
    for text, expected in [
        ("give me my money back", True),
        ("you charged me twice", True),
        ("#fail", True),
        ("@delta is better", True),
        ("a voucher", True),
        ("money is back", False),
        ("delta fail", False),
    ]:
        assert query.matches(PostTerms.of(text)) is expected, text


def test_term_set_lists_what_matched_in_order() -> None:
    terms = (parse_term("lost bag"), parse_term("delay*"), parse_term("#fail"), parse_term("@x"))
    any_of = TermSet(terms)
    post = PostTerms.of("they lost bag, delayed again #fail")
    assert any_of.matches(post)
    assert any_of.matching(post) == terms[:3]
    assert not any_of.matches(PostTerms.of("all fine"))


def test_parse_term_kinds() -> None:
    assert parse_term("Refund") == Phrase(("refund",))
    assert parse_term("Lost Bag*") == Phrase(("lost", "bag"), prefix=True)
    assert parse_term("#LostBag") == Hashtag("lostbag")
    assert parse_term("@Delta") == Mention("delta")


def test_explain_shows_the_branches_that_held() -> None:
    query = parse_query("(bag OR luggage OR suitcase) AND (lost OR missing) AND NOT thanks")
    post = PostTerms.of("my luggage is missing")
    assert query.explain(post) == "(luggage AND missing AND NOT thanks)"
    long_not = parse_query("bag AND NOT (thanks OR great OR awesome OR amazing OR love)")
    assert long_not.explain(PostTerms.of("bag")) == "(bag AND NOT (…))"
    both = parse_query("bag OR luggage")
    assert both.explain(PostTerms.of("bag and luggage")) == "(bag OR luggage)"


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        ("", "is empty", 0),
        ("   ", "is empty", 0),
        ("lost AND", "ends after AND; expected a word, phrase or '('", 8),
        ("AND lost", "expected a word, phrase or '(' first, found AND", 0),
        ("lost OR OR bag", "expected a word, phrase or '(' after OR, found OR", 8),
        ("NOT", "ends after NOT; expected a word, phrase or '('", 3),
        ("(lost", "has a '(' without its ')'", 0),
        ("lost)", "has a ')' without its '('", 4),
        ("()", "expected a word, phrase or '(' after (, found )", 1),
        ('"lost bag', "has a '\"' without its closing '\"'", 0),
        ('lost ""', 'has an empty phrase ""', 5),
        ("ba*g", "'ba*g' has '*' inside; only a trailing '*' (a prefix) is allowed", 2),
        ("b*", "'b*' is too short a prefix; give at least 2 characters before '*'", 0),
        ("lost !!!", "'!!!' has no letters or digits", 5),
        ("refund OR &", "'&' has no letters or digits", 10),
        ("#", "hashtag '#' must be letters, digits or _ after '#'", 0),
        ("#lost-bag", "hashtag '#lost-bag' must be letters, digits or _ after '#'", 0),
        ("@", "handle '@' must be letters, digits or _ after '@'", 0),
        ("bag-*", "'bag-*': '*' must follow a letter or digit", 0),
    ],
)
def test_syntax_errors_say_what_and_where(query: str, message: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse_query(query)
    assert raised.value.message == message
    assert raised.value.position == position
    assert str(raised.value) == f"{message} (at character {position + 1})"


def test_nesting_is_bounded() -> None:
    deep = "(" * MAX_NESTING + "a" + ")" * MAX_NESTING
    with pytest.raises(QuerySyntaxError, match="nests deeper than"):
        parse_query(deep)
    with pytest.raises(QuerySyntaxError, match="nests deeper than"):
        parse_query("NOT " * (MAX_NESTING + 1) + "a")
    fine = "(" * (MAX_NESTING - 1) + "a" + ")" * (MAX_NESTING - 1)
    assert str(parse_query(fine)) == "a"


def test_overlong_queries_are_refused() -> None:
    with pytest.raises(QuerySyntaxError, match="longer than"):
        parse_query("a OR " * 1_000 + "b")
