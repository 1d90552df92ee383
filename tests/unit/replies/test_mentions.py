"""@mentions in notes, resolved to agents."""

from carelane.replies.mentions import MentionableAgent, find_mentions

AGENTS = [
    MentionableAgent(1, "Ana Ruiz", "ana.ruiz@example.com"),
    MentionableAgent(2, "Chloé Martin", "cm@example.com"),
    MentionableAgent(3, "Ana Lopez", None),
    MentionableAgent(4, "Dev Patel", "dev@example.com"),
]


def _named(text: str) -> list[tuple[str, tuple[int, ...]]]:
    return [(m.handle, m.agent_ids) for m in find_mentions(text, AGENTS)]


def test_by_email_name_or_first_name_any_case_and_accent() -> None:
    assert _named("@ana.ruiz @CM @chloe.martin @Dev, @dev.patel.") == [
        ("ana.ruiz", (1,)),
        ("CM", (2,)),
        ("chloe.martin", (2,)),
        ("Dev", (4,)),
        ("dev.patel", (4,)),
    ]


def test_an_ambiguous_first_name_names_several_and_nobody_names_none() -> None:
    (ana,) = find_mentions("ask @ana", AGENTS)
    assert ana.agent_ids == (1, 3)
    assert ana.agent_id is None
    (nobody,) = find_mentions("ask @zed", AGENTS)
    assert (nobody.agent_ids, nobody.start, nobody.end) == ((), 4, 8)


def test_emails_and_handles_inside_words_are_no_mentions() -> None:
    assert _named("mail ana.ruiz@example.com or x@y") == []
