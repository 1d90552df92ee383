"""Literal gates find exactly what the patterns behind them find, on real posts and on any
text, and turn most posts away without running the pattern."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.triage.actionability import _SPAM
from carelane.triage.literal_gates import LiteralGate, caseless
from carelane.triage.priority import _URGENT

GATES = {"urgent": _URGENT, "spam": _SPAM}


@pytest.mark.parametrize("name", sorted(GATES))
def test_a_gate_finds_what_its_pattern_finds_in_every_real_post(
    name: str, real_texts: list[str]
) -> None:
    gate = GATES[name]
    gated = [m.span() if (m := gate.search(t)) else None for t in real_texts]
    plain = [m.span() if (m := gate.pattern.search(t)) else None for t in real_texts]
    assert gated == plain
    assert any(gated)  # the real posts do say these things
    turned_away = sum(not gate.may_match(caseless(t)) for t in real_texts)
    assert turned_away > len(real_texts) // 2  # and most posts cost no pattern search


# Letters a case-insensitive pattern takes for ASCII ones, among ordinary text.
_TRICKY = st.sampled_from(["\u0130", "\u0131", "\u017f", "\u212a", "S", "I", "K", " ", "'"])
_TEXTS = st.lists(
    st.one_of(
        st.sampled_from(["URGENT", "Stranded", "CAN'T log in", "hours on hold", "Giveaway"]),
        st.sampled_from(["Follow me", "wIn A trip", "no one is helping", "stolen", "ASAP"]),
        _TRICKY,
        st.text(max_size=12),
    ),
    max_size=8,
).map("".join)


@given(_TEXTS)
def test_a_gate_agrees_with_its_pattern_on_any_text(text: str) -> None:
    for gate in GATES.values():
        gated = gate.search(text)
        plain = gate.pattern.search(text)
        assert (gated.span() if gated else None) == (plain.span() if plain else None)


def test_caseless_spells_the_letters_that_match_ascii_ones_as_those_letters() -> None:
    assert caseless("\u0130STANBUL \u017fTUCK \u212aIND") == "istanbul stuck kind"
    assert re.search("stuck", "\u017fTUCK", re.IGNORECASE)  # which is why


def test_a_gate_is_written_as_one_string() -> None:
    gate = LiteralGate.of(
        re.compile(r"\b(lost|missing) (my )?(bag|luggage)", re.IGNORECASE), "lost|miss"
    )
    assert gate.needles == ("lost", "miss")
    assert gate.search("They LOST my bag") is not None
    assert gate.search("my bag arrived") is None
