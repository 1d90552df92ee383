"""Canned responses' variables: checked when saved, filled in without ever failing."""

from hypothesis import given
from hypothesis import strategies as st

from carelane.responses.variables import (
    VARIABLES,
    placeholders,
    render,
    template_problems,
    unfilled_variables,
    unknown_variables,
)

VALUES = {"customer_first_name": "Cat", "agent_name": "Ana Ruiz", "booking_reference": None}


def test_known_variables_and_doubled_braces_are_fine() -> None:
    text = "Hi {customer_first_name}! {{not a variable}} from {agent_name}"
    assert template_problems(text) == []
    assert [p.name for p in placeholders(text)] == ["customer_first_name", "agent_name"]


def test_each_problem_is_named_with_where_it_is() -> None:
    problems = template_problems("Hi {first_name}, {Agent} { }", "text")
    assert [p.field for p in problems] == ["text"] * 4
    messages = [p.message for p in problems]
    assert messages[0].startswith("unknown variable {first_name} at character 4; known: ")
    assert "agent_first_name, agent_initials" in messages[0]
    assert messages[1].startswith("'{Agent}' at character 18 is not a variable")
    assert messages[2] == "a lone '{' at character 26: write {{ for a literal brace"
    assert messages[3] == "a lone '}' at character 28: write }} for a literal brace"
    assert unknown_variables("{a} {b} {a} {brand}") == ["a", "b"]


def test_filling_in_replaces_values_and_keeps_what_has_none() -> None:
    rendered = render(
        "Hi {customer_first_name}, ref {booking_reference}, {mystery} {{ok}} by {agent_name}",
        VALUES,
    )
    assert rendered.text == "Hi Cat, ref {booking_reference}, {mystery} {ok} by Ana Ruiz"
    assert rendered.missing == ("booking_reference",)
    assert rendered.unknown == ("mystery",)
    assert unfilled_variables(rendered.text) == ["booking_reference"]


def test_every_variable_has_a_description() -> None:
    assert all(description.endswith(".") for description in VARIABLES.values())


@given(st.text(alphabet=st.sampled_from("{}ab_ c"), max_size=40))
def test_any_text_fills_in_without_error(text: str) -> None:
    rendered = render(text, VALUES)
    assert isinstance(rendered.text, str)
    template_problems(text)
    if "{" not in text and "}" not in text:
        assert rendered.text == text
