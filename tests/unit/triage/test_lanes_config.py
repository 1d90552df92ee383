"""Lanes files: what a valid one becomes, and every problem of a broken one with its line,
column and field."""

from pathlib import Path
from textwrap import dedent

import pytest

from carelane.domain.errors import InvalidInputError
from carelane.triage.lane_config import (
    DEFAULT_SIMILARITY,
    Combine,
    LaneAudience,
    LaneConfigError,
    LaneConfigProblem,
)
from carelane.triage.lane_file import load_lane_config, load_lane_config_file
from carelane.triage.lanes import SHIPPED_CONFIGS, shipped_lane_config
from carelane.triage.queries import Hashtag, Phrase

VALID = dedent(
    """\
    version: 1
    default_lane: customer service
    lanes:
      - name: Marketing/PR
        description: The brand's voice.
        categories:
          - name: Crisis Communications
            priority_boost: 2
            match:
              query: outage* OR "data breach"
              sentiments: [negative]
      - name: Customer Service
        categories:
          - name: Lost Luggage
            description: Bags that did not arrive.
            match:
              - keywords: [lost bag, "missing luggage", "#LostBag", bag*]
                intents: [complaint]
              - hashtags: ["#wheresmybag", lostluggage]
                authors: ["@Ana", bob]
                channels: [UnitedHelp]
                networks: [twitter]
                channel_kinds: [owned_account]
                min_followers: 10
            combine: all
            similarity: 0.4
            examples:
              - my bag never arrived at the carousel
              - they lost my suitcase on the way to Denver
              - where is my luggage, it has been three days
              - bag missing after connecting in Chicago
              - still waiting for my delayed bag to be delivered
          - name: Thanks
            examples:
              - thank you so much for finding my bag
              - thanks, the crew was wonderful
              - great service on my flight today, thank you
              - you guys are the best, thanks
              - shout out to the gate agent in Denver, thanks
    """
)


def problems(text: str) -> list[str]:
    with pytest.raises(LaneConfigError) as raised:
        load_lane_config(text, source="lanes.yaml")
    return [str(problem) for problem in raised.value.problems]


def test_a_valid_file_becomes_its_lanes_and_categories() -> None:
    config = load_lane_config(VALID, source="lanes.yaml")

    assert config.source == "lanes.yaml"
    assert config.version == 1
    assert config.default_lane == "Customer Service"  # named as the lane is
    assert [lane.name for lane in config.lanes] == ["Marketing/PR", "Customer Service"]
    assert config.lanes[0].description == "The brand's voice."
    crisis, lost, thanks = config.categories
    assert (crisis.lane, crisis.priority_boost, crisis.examples) == ("Marketing/PR", 2, ())
    assert str(crisis.rules[0].query) == '(outage* OR "data breach")'
    assert crisis.rules[0].sentiments == ("negative",)
    assert lost.lane == "Customer Service"
    assert lost.description == "Bags that did not arrive."
    assert (lost.combine, lost.similarity, len(lost.examples)) == (Combine.ALL, 0.4, 5)
    first, second = lost.rules
    assert first.keywords == (
        Phrase(("lost", "bag")),
        Phrase(("missing", "luggage")),
        Hashtag("lostbag"),
        Phrase(("bag",), prefix=True),
    )
    assert first.intents == ("complaint",)
    assert second.hashtags == ("wheresmybag", "lostluggage")
    assert second.authors == ("ana", "bob")
    assert second.channels == ("unitedhelp",)
    assert (second.networks, second.channel_kinds) == (("twitter",), ("owned_account",))
    assert second.min_followers == 10
    assert (thanks.rules, thanks.combine, thanks.similarity) == (
        (),
        Combine.ANY,
        DEFAULT_SIMILARITY,
    )
    assert thanks.examples[0] == "thank you so much for finding my bag"


def test_the_error_type_carries_every_problem_as_field_errors_too() -> None:
    broken = VALID.replace("intents: [complaint]", "intents: [complain]").replace(
        "priority_boost: 2", "priority_boost: two"
    )
    with pytest.raises(LaneConfigError) as raised:
        load_lane_config(broken, source="lanes.yaml")
    error = raised.value
    assert isinstance(error, InvalidInputError)
    assert error.problems == [
        LaneConfigProblem(
            "lanes.yaml",
            8,
            25,
            "lanes[0].categories[0].priority_boost",
            "must be a whole number, not a text",
        ),
        LaneConfigProblem(
            "lanes.yaml",
            18,
            23,
            "lanes[1].categories[0].match[0].intents[0]",
            "'complain' is not one of complaint, question, compliment, suggestion, sales_lead, "
            "other",
        ),
    ]
    assert [e.field for e in error.errors] == [p.field for p in error.problems]
    assert error.errors[1].message.endswith("(at lanes.yaml:18:23)")
    assert str(error).splitlines() == [
        "lanes.yaml:8:25: lanes[0].categories[0].priority_boost: must be a whole number, "
        "not a text",
        "lanes.yaml:18:23: lanes[1].categories[0].match[0].intents[0]: 'complain' is not one of "
        "complaint, question, compliment, suggestion, sales_lead, other",
    ]


def test_every_problem_is_reported_with_line_column_and_field() -> None:
    text = dedent(
        """\
        version: 2
        default_lane: Support
        lanes:
          - name: Marketing/PR
            categories:
              - name: Crisis
                priority_boost: 500
                match:
                  query: outage OR AND hacked
                  keyword: [x]
          - name: marketing/pr
            descriptin: typo
            categories:
              - name: Lost bags
                match:
                  keywords: ["!!!", "ba*g"]
                  intents: [complain, question]
                  sentiments: negative
                  min_followers: -3
                  hashtags: ["#lost-bag"]
                  networks: [myspace]
                similarity: 2
                combine: both
              - name: lost BAGS
                examples: [a, b, a]
              - name: Empty
                match: {}
              - name: Nothing
              - 42
        """
    )
    assert problems(text) == [
        "lanes.yaml:1:10: version: 2 is not supported; this carelane reads version 1",
        "lanes.yaml:2:15: default_lane: 'Support' is not a lane; the lanes are Marketing/PR",
        "lanes.yaml:7:25: lanes[0].categories[0].priority_boost: 500 is out of range; "
        "give -100 to 100",
        "lanes.yaml:9:28: lanes[0].categories[0].match.query: expected a word, phrase or '(' "
        "after OR, found AND (at character 11)",
        "lanes.yaml:10:11: lanes[0].categories[0].match.keyword: unknown field; "
        "did you mean 'keywords'?",
        "lanes.yaml:11:11: lanes[1].name: lane 'marketing/pr' is already defined on line 4",
        "lanes.yaml:12:5: lanes[1].descriptin: unknown field; did you mean 'description'?",
        "lanes.yaml:16:22: lanes[1].categories[0].match.keywords[0]: '!!!' has no letters "
        "or digits",
        "lanes.yaml:16:29: lanes[1].categories[0].match.keywords[1]: 'ba*g' has '*' inside; "
        "only a trailing '*' (a prefix) is allowed",
        "lanes.yaml:17:21: lanes[1].categories[0].match.intents[0]: 'complain' is not one of "
        "complaint, question, compliment, suggestion, sales_lead, other",
        "lanes.yaml:18:23: lanes[1].categories[0].match.sentiments: must be a list of "
        "negative, neutral, positive, not a text",
        "lanes.yaml:19:26: lanes[1].categories[0].match.min_followers: -3 is out of range; "
        "give 0 to 2,147,483,647",
        "lanes.yaml:20:22: lanes[1].categories[0].match.hashtags[0]: '#lost-bag' must be "
        "letters, digits or _ after '#'",
        "lanes.yaml:21:22: lanes[1].categories[0].match.networks[0]: 'myspace' is not one of "
        "twitter, facebook, instagram, youtube, forum, review_site",
        "lanes.yaml:22:21: lanes[1].categories[0].similarity: applies to examples, and this "
        "category has none",
        "lanes.yaml:22:21: lanes[1].categories[0].similarity: 2.0 is out of range; give more "
        "than 0 and at most 1",
        "lanes.yaml:23:18: lanes[1].categories[0].combine: 'both' is not one of any, all",
        "lanes.yaml:23:18: lanes[1].categories[0].combine: says how match and examples "
        "combine; give both, or drop it",
        "lanes.yaml:24:15: lanes[1].categories[1].name: category 'lost BAGS' is already "
        "defined on line 14",
        "lanes.yaml:25:19: lanes[1].categories[1].examples: has 3 example posts; give 5 to 20",
        "lanes.yaml:25:26: lanes[1].categories[1].examples[2]: repeats example 1",
        "lanes.yaml:27:16: lanes[1].categories[2].match: has no conditions; give at least one "
        "of keywords, query, hashtags, authors, channels, networks, channel_kinds, intents, "
        "sentiments, min_followers",
        "lanes.yaml:28:9: lanes[1].categories[3]: needs match, examples or both to say which "
        "posts it takes",
        "lanes.yaml:29:9: lanes[1].categories[4]: must be a category (a mapping with a name), "
        "not a number",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "lanes.yaml:1:1: document: is empty; expected version, default_lane, lanes"),
        (
            "# only a comment\n",
            "lanes.yaml:1:1: document: is empty; expected version, default_lane, lanes",
        ),
        (
            "- a\n",
            "lanes.yaml:1:1: document: must be a mapping of version, default_lane, lanes, "
            "not a list",
        ),
        (
            "lanes: [\n",
            "lanes.yaml:2:1: yaml: expected the node content, but found "
            "'<stream end>' (while parsing a flow node)",
        ),
        ("a: 1\n b: 2\n", "lanes.yaml:2:3: yaml: mapping values are not allowed here"),
        ("a: *missing\n", "lanes.yaml:1:4: yaml: found undefined alias 'missing'"),
        (
            "a: 1\n---\nb: 2\n",
            "lanes.yaml:2:1: yaml: expected a single document in the stream, "
            "but found another document",
        ),
        ("a: \x07\n", "lanes.yaml:1:4: yaml: character U+0007 is not allowed"),
        (
            "version: 1\nversion: 1\ndefault_lane: A\nlanes: [{name: A}]\n",
            "lanes.yaml:2:1: version: appears twice; it is first on line 1",
        ),
    ],
)
def test_yaml_and_document_problems(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_missing_fields_are_named_at_their_mapping() -> None:
    text = "version: 1\nlanes:\n  - description: no name\n    categories:\n      - {}\n"
    assert problems(text) == [
        "lanes.yaml:1:1: default_lane: is required",
        "lanes.yaml:3:5: lanes[0].name: is required",
        "lanes.yaml:5:9: lanes[0].categories[0].name: is required",
        "lanes.yaml:5:9: lanes[0].categories[0]: needs match, examples or both to say which "
        "posts it takes",
    ]


def test_values_of_the_wrong_kind() -> None:
    text = dedent(
        """\
        version: "1"
        default_lane: [A]
        lanes:
          - name: A
            categories:
              - name: {x: 1}
                priority_boost: 1.5
                match:
                  query: [a, b]
                  keywords: []
                  authors: ["@"]
                  min_followers: true
                  intents: [~]
        """
    )
    assert problems(text) == [
        "lanes.yaml:1:10: version: must be a whole number, not a text",
        "lanes.yaml:2:15: default_lane: must be a text, not a list",
        "lanes.yaml:6:15: lanes[0].categories[0].name: must be a text, not a mapping",
        "lanes.yaml:7:25: lanes[0].categories[0].priority_boost: must be a whole number, not "
        "a decimal number",
        "lanes.yaml:9:18: lanes[0].categories[0].match.query: must be a text, not a list",
        "lanes.yaml:10:21: lanes[0].categories[0].match.keywords: must list at least one of "
        "keywords",
        "lanes.yaml:11:21: lanes[0].categories[0].match.authors[0]: must be a handle, not only '@'",
        "lanes.yaml:12:26: lanes[0].categories[0].match.min_followers: must be a whole number, "
        "not true/false",
        "lanes.yaml:13:21: lanes[0].categories[0].match.intents[0]: must be a text, not empty",
    ]


def test_a_query_error_points_at_its_character_in_plain_quoted_and_block_styles() -> None:
    base = "version: 1\ndefault_lane: A\nlanes:\n  - name: A\n    categories:\n      - name: C\n"
    plain = base + "        match: {query: lost AND}\n"
    quoted = base + "        match:\n          query: 'lost AND'\n"
    block = base + "        match:\n          query: >-\n            lost\n            AND\n"
    assert problems(plain) == [
        "lanes.yaml:7:32: lanes[0].categories[0].match.query: ends after AND; expected a "
        "word, phrase or '(' (at character 9)"
    ]
    assert problems(quoted) == [
        "lanes.yaml:8:27: lanes[0].categories[0].match.query: ends after AND; expected a "
        "word, phrase or '(' (at character 9)"
    ]
    # A folded block is not written as it reads: the problem points at the block.
    assert problems(block) == [
        "lanes.yaml:8:18: lanes[0].categories[0].match.query: ends after AND; expected a "
        "word, phrase or '(' (at character 9)"
    ]


def test_examples_must_number_five_to_twenty() -> None:
    base = "version: 1\ndefault_lane: A\nlanes:\n  - name: A\n    categories:\n      - name: C\n"
    many = base + "        examples:\n" + "".join(f"          - post {i}\n" for i in range(21))
    assert problems(many) == [
        "lanes.yaml:8:11: lanes[0].categories[0].examples: has 21 example posts; give 5 to 20"
    ]
    twenty = base + "        examples:\n" + "".join(f"          - post {i}\n" for i in range(20))
    assert len(load_lane_config(twenty).categories[0].examples) == 20


def test_lanes_without_categories_and_the_default_lane() -> None:
    config = load_lane_config("version: 1\ndefault_lane: Triage\nlanes:\n  - name: Triage\n")
    assert config.default_lane == "Triage"
    assert config.categories == ()


def test_yaml_scalars_that_look_like_other_types_are_read_as_written() -> None:
    text = dedent(
        """\
        version: 1
        default_lane: A
        lanes:
          - name: A
            categories:
              - name: 2024
                match:
                  keywords: [yes, no, 747, on]
        """
    )
    config = load_lane_config(text)
    category = config.categories[0]
    assert category.name == "2024"
    assert [k.text for k in category.rules[0].keywords] == ["yes", "no", "747", "on"]


def test_files_name_their_path_and_must_be_utf8(tmp_path: Path) -> None:
    path = tmp_path / "lanes.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert load_lane_config_file(path).source == str(path)

    path.write_bytes(b"version: 1\ndefault_lane: \xff\n")
    with pytest.raises(LaneConfigError) as raised:
        load_lane_config_file(path)
    assert [str(p) for p in raised.value.problems] == [f"{path}:2:15: file: is not valid UTF-8"]

    path.write_text("version: 1\nlanes: []\n", encoding="utf-8")
    with pytest.raises(LaneConfigError) as raised:
        load_lane_config_file(path)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}:1:1: default_lane: is required",
        f"{path}:2:8: lanes: must list at least one of lanes",
    ]

    with pytest.raises(FileNotFoundError):
        load_lane_config_file(tmp_path / "missing.yaml")


def test_a_lanes_audience_marks_the_lanes_marketing_works() -> None:
    text = dedent(
        """\
        version: 1
        default_lane: Customer Service
        lanes:
          - name: Marketing/PR
            audience: marketing
          - name: Customer Service
            audience: customer_service
          - name: Sales
        """
    )
    config = load_lane_config(text)
    assert [lane.audience for lane in config.lanes] == [
        LaneAudience.MARKETING,
        LaneAudience.CUSTOMER_SERVICE,
        LaneAudience.CUSTOMER_SERVICE,
    ]
    assert config.marketing_lanes == frozenset({"Marketing/PR"})


def test_an_unknown_audience_is_named_at_its_line() -> None:
    text = "version: 1\ndefault_lane: A\nlanes:\n  - name: A\n    audience: press\n"
    assert problems(text) == [
        "lanes.yaml:5:15: lanes[0].audience: 'press' is not one of customer_service, marketing"
    ]


def test_the_shipped_files_mark_their_marketing_lane() -> None:
    for name in SHIPPED_CONFIGS:
        assert shipped_lane_config(name).marketing_lanes == frozenset({"Marketing/PR"})
