"""`carelane replay`: real data sets in time order, at a speed, into threaded conversations."""

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carelane.domain.channels import Direction
from carelane.domain.conversations import MessageKind
from carelane.store.models import Conversation, Message, Post, PostTriage, Workspace
from tests.functional.cli.conftest import RunCli, words


def test_replay_airline_slice_at_a_speed_stores_it_in_time_order(
    run_cli: RunCli, session: Session
) -> None:
    started = datetime.now(UTC)

    result = run_cli("replay", "airline", "--speed", "100000", "--limit", "40", "--batch-size", "7")

    assert result.exit_code == 0, result.output
    summary = words(result.stdout)
    assert "Replaying airline: 40 posts (2015-02-17 07:36 to 2015-02-17 16:03 UTC)" in summary
    assert "created 40" in summary
    posts = list(session.scalars(select(Post).order_by(Post.id)))
    assert len(posts) == 40
    created = [post.created_at for post in posts]
    assert created == sorted(created)
    assert all(post.received_at >= started for post in posts)
    assert session.scalar(select(func.count()).select_from(Conversation)) == int(
        summary.split("conversations opened ")[1].split()[0]
    )
    slugs = set(session.scalars(select(Workspace.slug)))
    assert {"jetblue", "united"} <= slugs


def test_replay_conversations_threads_turns_and_stores_agents_replies(
    run_cli: RunCli, session: Session
) -> None:
    result = run_cli("replay", "conversations", "--speed", "max")

    assert result.exit_code == 0, result.output
    posts = list(session.scalars(select(Post)))
    # The brand's posts join their parent's conversation; without one they stand alone.
    outbound = [
        post
        for post in posts
        if post.direction == Direction.OUTBOUND and post.conversation_id is not None
    ]
    assert len(outbound) > 500
    replies = session.scalar(
        select(func.count())
        .select_from(Message)
        .where(Message.kind == MessageKind.OUTBOUND_REPLY.value)
    )
    assert replies == len(outbound)
    by_id = {(post.channel_id, post.external_id): post for post in posts}
    threaded = [
        (post, by_id[post.channel_id, post.in_reply_to])
        for post in posts
        if post.in_reply_to and (post.channel_id, post.in_reply_to) in by_id
    ]
    assert len(threaded) > 500
    assert all(post.conversation_id == parent.conversation_id for post, parent in threaded)
    assert "Nothing new" not in result.stdout

    again = run_cli("replay", "conversations", "--speed", "max")
    assert again.exit_code == 0
    assert "Nothing new" in again.stdout
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Post)) == len(posts)


def test_replay_all_merges_the_data_sets_in_time_order(
    run_cli: RunCli, tmp_path: Path, session: Session
) -> None:
    result = run_cli("replay", "all", "--speed", "max", "--limit", "30")

    assert result.exit_code == 0, result.output
    assert "created 30" in words(result.stdout)
    times = list(session.scalars(select(Post.created_at).order_by(Post.id)))
    assert times == sorted(times)
    assert not (tmp_path / "var" / "all.rejected.jsonl").exists()


def test_replay_of_a_normalised_file_sorts_it_and_reports_rejects(
    run_cli: RunCli, tmp_path: Path, session: Session
) -> None:
    def post(external_id: str, created_at: str) -> str:
        return json.dumps(
            {
                "workspace": "delta",
                "network": "twitter",
                "channel": "Delta",
                "external_id": external_id,
                "author": {"handle": "flyer"},
                "text": "@Delta where is my bag? 🧳",
                "created_at": created_at,
            },
            ensure_ascii=False,
        )

    source = tmp_path / "late.jsonl"
    source.write_text(
        "\n".join(
            [
                post("3", "2020-04-01T10:02:00Z"),
                post("1", "2020-04-01T10:00:00Z"),
                "not json",
                post("2", "2020-04-01T10:01:00Z"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )

    result = run_cli("replay", str(source), "--speed", "6000")

    assert result.exit_code == 1, result.output
    assert "rejected 1" in words(result.stdout)
    assert list(session.scalars(select(Post.external_id).order_by(Post.id))) == ["1", "2", "3"]
    rejects = (tmp_path / "late.jsonl.rejected.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(rejects[0])
    assert record["where"] == "late.jsonl:3"
    assert record["line"] == "not json"


def test_replay_without_creating_workspaces_rejects_unknown_brands(
    run_cli: RunCli, tmp_path: Path, session: Session
) -> None:
    assert run_cli("workspaces", "add", "spotifycares").exit_code == 0

    result = run_cli("replay", "all", "--speed", "max", "--limit", "5", "--no-create-workspaces")

    assert result.exit_code == 1, result.output
    summary = words(result.stdout)
    assert "created 1" in summary
    assert "workspace: unknown workspace 'jetblue'" in summary
    assert set(session.scalars(select(Workspace.slug))) == {"spotifycares"}


def test_bad_speed_is_a_usage_error(run_cli: RunCli) -> None:
    result = run_cli("replay", "airline", "--speed", "fast")
    assert result.exit_code == 2
    assert "'fast' is neither a number nor 'max'" in result.output


def test_a_long_replay_triages_in_a_second_process(run_cli: RunCli, session: Session) -> None:
    result = run_cli("replay", "airline", "--speed", "max", "--limit", "6000")

    assert result.exit_code == 1, result.output  # five rows of the data set have no author
    assert "Triage runs in a second process" in result.stdout
    assert "created 5,995" in words(result.stdout)
    assert session.scalar(select(func.count()).select_from(Post)) == 5_995
    triaged = session.scalar(select(func.count()).select_from(PostTriage))
    assert triaged == 5_995
    short = run_cli("replay", "conversations", "--speed", "max", "--limit", "20")
    assert "second process" not in short.stdout
