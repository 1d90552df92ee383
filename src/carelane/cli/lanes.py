"""`carelane lanes check` and `carelane lanes show`: an admin's swim-lane file, checked and
tried on one post before it routes real ones."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from carelane.cli.terminal import USAGE_ERROR, fail, out

if TYPE_CHECKING:
    from carelane.triage.lane_config import LaneConfig, LaneConfigError

LanesFile = Annotated[Path, typer.Argument(help="The lanes file (YAML), e.g. lanes.yaml.")]


def _read(path: Path) -> "LaneConfig":
    """The file's lanes; exit 2 when it cannot be read. LaneConfigError when it is invalid."""
    from carelane.triage.lane_file import load_lane_config_file

    if not path.is_file():
        fail(f"no such file: {path}", USAGE_ERROR)
    try:
        return load_lane_config_file(path)
    except OSError as error:
        fail(f"{path}: {error.strerror or error}", USAGE_ERROR)


def _problem_lines(error: "LaneConfigError") -> list[str]:
    return [str(problem) for problem in error.problems]


def check(file: LanesFile) -> None:
    """Check a lanes file: every problem with its line, column and field, or a summary."""
    from carelane.triage.lane_config import LaneConfigError

    try:
        config = _read(file)
    except LaneConfigError as error:
        console = out()
        for line in _problem_lines(error):
            console.print(line)
        raise typer.Exit(1) from None
    categories = config.categories
    with_examples = sum(1 for category in categories if category.examples)
    out().print(
        f"{file}: OK — {len(config.lanes)} lanes, {len(categories)} categories "
        f"({with_examples} with examples)"
    )


def show(
    file: LanesFile,
    *,
    text: Annotated[str, typer.Option(help="The post's text.")],
    intent: Annotated[
        str | None,
        typer.Option(help="complaint, question, compliment, suggestion, sales_lead or other"),
    ] = None,
    sentiment: Annotated[str | None, typer.Option(help="negative, neutral or positive")] = None,
    author: Annotated[str | None, typer.Option(help="The author's handle.")] = None,
    followers: Annotated[int | None, typer.Option(min=0, help="The author's followers.")] = None,
    network: Annotated[str | None, typer.Option(help="e.g. twitter, facebook, forum")] = None,
    channel: Annotated[str | None, typer.Option(help="The channel's handle.")] = None,
) -> None:
    """Show the lane, categories and reasons a lanes file gives one post."""
    from carelane.triage.lane_config import INTENTS, NETWORKS, SENTIMENTS, LaneConfigError
    from carelane.triage.lane_rules import PostFacts
    from carelane.triage.lanes import compile_lanes, decide_lane

    for option, value, allowed in (
        ("--intent", intent, INTENTS),
        ("--sentiment", sentiment, SENTIMENTS),
        ("--network", network, NETWORKS),
    ):
        if value is not None and value not in allowed:
            fail(f"{option} {value!r} is not one of {', '.join(allowed)}", USAGE_ERROR)
    try:
        config = _read(file)
    except LaneConfigError as error:
        for line in _problem_lines(error):
            typer.echo(line, err=True)
        raise typer.Exit(1) from None
    facts = PostFacts(
        text=text,
        network=network,
        channel_handle=channel,
        author_handle=author,
        author_followers=followers,
        intent=intent,
        sentiment=sentiment,
    )
    decision = decide_lane(compile_lanes(config), facts)
    console = out()
    console.print(f"Lane: {decision.lane}")
    if not decision.categories:
        console.print("Categories: none")
    else:
        console.print("Categories:")
        for number, match in enumerate(decision.categories, 1):
            console.print(
                f"  {number}. {match.name} ({match.lane}), score {match.score:.2f}: "
                + "; ".join(match.reasons)
            )
    console.print(f"Why: {decision.why}")
