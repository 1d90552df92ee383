"""`carelane import`: good rows stored, bad rows written with their reasons, idempotent."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carelane.domain.posts import MAX_TEXT_CHARS
from carelane.store.models import Conversation, Event, Message, Post
from tests.functional.cli.conftest import RunCli, words

# Real posts from ../shared/data: an emoji, a multi-line tweet and an HTML entity.
EMOJI = "@JetBlue is REALLY getting on my nerves !! 😡😡 #nothappy"
MULTI_LINE = "@united's first-class #cockup\nhttp://t.co/oh7CFv7DHR"
ENTITY = (
    "@SpotifyCares Premium &amp; when i️ have it on shuffle it turns off when the song is "
    "done and just plays in order and the repeat lights up but doesn’t repeat"  # noqa: RUF001
)
BAD_BYTES = "\ufffdBAD-BYTES\ufffd"  # replaced by raw 0xff bytes when the file is written


def _post(external_id: str, **fields: Any) -> dict[str, Any]:
    post: dict[str, Any] = {
        "workspace": "jetblue",
        "network": "twitter",
        "channel": "JetBlue",
        "external_id": external_id,
        "author": {"handle": "nesi_1992", "followers": 120},
        "text": EMOJI,
        "created_at": "2015-02-16T23:43:02-08:00",
    }
    post.update(fields)
    return post


def _future() -> str:
    return (datetime.now(UTC) + timedelta(days=2)).isoformat()


def _jsonl_rows() -> list[tuple[str, str]]:
    """(label, line) for every line of the JSON Lines file, good and bad."""
    reply = _post(
        "567590900000000000",
        author={"handle": "JetBlue"},
        direction="outbound",
        in_reply_to="567590027375702016",
        text="@nesi_1992 Sorry to hear that! What's going on?\nDM us the details.",
        created_at="2015-02-16T23:50:00-08:00",
    )
    rows: list[tuple[str, Any]] = [
        ("good emoji", _post("567590027375702016")),
        ("good reply", reply),
        ("good multi-line", _post("567730299912482816", text=MULTI_LINE, channel="united")),
        ("malformed json", '{"workspace": "jetblue", "network": '),
        ("not an object", "[1, 2, 3]"),
        ("wrong types", _post("2", text=42, author={"handle": "a", "followers": "many"})),
        ("missing fields", {k: v for k, v in _post("3").items() if k not in ("text",)}),
        ("unknown network", _post("4", network="myspace")),
        ("empty text", _post("5", text="   ")),
        ("over-long text", _post("6", text="x" * (MAX_TEXT_CHARS + 1))),
        ("invalid utf-8", _post("7", text=f"@JetBlue {BAD_BYTES} seat")),
        ("control character", _post("8", text="@JetBlue bell\u0007 ringing")),
        ("zone-less time", _post("9", created_at="2015-02-17T08:00:00")),
        ("future time", _post("10", created_at=_future())),
        ("duplicate", _post("567590027375702016")),
    ]
    return [
        (label, row if isinstance(row, str) else json.dumps(row, ensure_ascii=False))
        for label, row in rows
    ]


BAD_JSONL = {
    "malformed json": ("line", "is not JSON"),
    "not an object": ("line", "must be a JSON object"),
    "wrong types": ("text", "valid string"),
    "missing fields": ("text", "Field required"),
    "unknown network": ("network", "Input should be"),
    "empty text": ("text", "must not be empty"),
    "over-long text": ("text", "the limit is 65,536"),
    "invalid utf-8": ("text", "not valid UTF-8"),
    "control character": ("text", "control character U+0007"),
    "zone-less time": ("created_at", "time zone"),
    "future time": ("created_at", "in the future"),
}


def _write_jsonl(path: Path) -> dict[str, int]:
    rows = _jsonl_rows()
    content = "".join(f"{line}\n" for _, line in rows).encode("utf-8")
    path.write_bytes(content.replace(BAD_BYTES.encode("utf-8"), b"\xff\xfe"))
    return {label: number for number, (label, _) in enumerate(rows, start=1)}


def _rejects(path: Path) -> dict[str, dict[str, Any]]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {record["where"]: record for record in records}


def _count(session: Session, model: type) -> int:
    """Rows of `model` now: ends the session's transaction so the next read sees later
    commits of the command."""
    count = session.scalar(select(func.count()).select_from(model)) or 0
    session.rollback()
    return count


def test_import_jsonl_stores_good_rows_and_writes_bad_ones_with_reasons(
    run_cli: RunCli, tmp_path: Path, session: Session
) -> None:
    source = tmp_path / "posts.jsonl"
    lines = _write_jsonl(source)

    result = run_cli("import", str(source), "--create-workspaces", "--batch-size", "4")

    assert result.exit_code == 1, result.output
    summary = words(result.stdout)
    assert "created 3" in summary
    assert "duplicates 1" in summary
    assert f"rejected {len(BAD_JSONL)}" in summary
    assert "conversations opened 2" in summary
    rejects_path = tmp_path / "posts.jsonl.rejected.jsonl"
    assert str(rejects_path.name) in summary
    rejects = _rejects(rejects_path)
    assert set(rejects) == {f"posts.jsonl:{lines[label]}" for label in BAD_JSONL}
    for label, (field, message) in BAD_JSONL.items():
        record = rejects[f"posts.jsonl:{lines[label]}"]
        assert any(e["field"] == field and message in e["message"] for e in record["errors"]), (
            label,
            record["errors"],
        )
    assert rejects[f"posts.jsonl:{lines['malformed json']}"]["row"] is None
    assert rejects[f"posts.jsonl:{lines['malformed json']}"]["line"].startswith('{"workspace"')
    assert {e["field"] for e in rejects[f"posts.jsonl:{lines['wrong types']}"]["errors"]} == {
        "text",
        "author.followers",
    }
    assert "\\xff\\xfe" in rejects[f"posts.jsonl:{lines['invalid utf-8']}"]["row"]["text"]

    texts = set(session.scalars(select(Post.text)))
    assert EMOJI in texts
    assert MULTI_LINE in texts
    assert _count(session, Post) == 3
    complaint = session.scalars(select(Post).where(Post.external_id == "567590027375702016")).one()
    reply = session.scalars(select(Post).where(Post.external_id == "567590900000000000")).one()
    assert reply.conversation_id == complaint.conversation_id
    assert reply.received_at > reply.created_at


def test_reimport_stores_nothing_twice(run_cli: RunCli, tmp_path: Path, session: Session) -> None:
    source = tmp_path / "posts.jsonl"
    _write_jsonl(source)
    first = run_cli("import", str(source), "--create-workspaces")
    counts = [_count(session, model) for model in (Post, Conversation, Message, Event)]

    again = run_cli("import", str(source), "--create-workspaces")

    assert first.exit_code == again.exit_code == 1
    summary = words(again.stdout)
    assert "created 0" in summary
    assert "duplicates 4" in summary
    assert "Nothing new" in summary
    assert [_count(session, model) for model in (Post, Conversation, Message, Event)] == counts
    assert len(_rejects(tmp_path / "posts.jsonl.rejected.jsonl")) == len(BAD_JSONL)


CSV_COLUMNS = [
    "workspace",
    "network",
    "channel",
    "external_id",
    "author_handle",
    "author_followers",
    "text",
    "created_at",
    "in_reply_to",
]


def _csv_row(external_id: str, **fields: str) -> dict[str, str]:
    row = {
        "workspace": "spotify",
        "network": "twitter",
        "channel": "SpotifyCares",
        "external_id": external_id,
        "author_handle": "115887",
        "author_followers": "",
        "text": ENTITY,
        "created_at": "2017-10-31T21:41:37+00:00",
        "in_reply_to": "",
    }
    row.update(fields)
    return row


def _write_csv(path: Path) -> dict[str, int]:
    """Writes the file; the line on which each labelled row starts."""
    rows = [
        ("good entity", _csv_row("850")),
        ("good multi-line", _csv_row("851", text=MULTI_LINE, author_handle="meracross")),
        ("good reply", _csv_row("852", text="@SpotifyCares still broken", in_reply_to="850")),
        ("wrong type", _csv_row("853", author_followers="lots")),
        ("missing text", _csv_row("854", text="")),
        ("unknown network", _csv_row("855", network="friendster")),
        ("over-long text", _csv_row("856", text="y" * (MAX_TEXT_CHARS + 1))),
        ("invalid utf-8", _csv_row("857", text=f"{BAD_BYTES} shuffle")),
        ("control character", _csv_row("858", text="shuffle\x1b[31m")),
        ("zone-less time", _csv_row("859", created_at="2017-10-31 21:41:37")),
        ("future time", _csv_row("860", created_at=_future())),
        ("duplicate", _csv_row("850")),
    ]
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    starts = {}
    for label, row in rows:
        starts[label] = buffer.getvalue().count("\n") + 1
        writer.writerow(row)
    starts["too many fields"] = buffer.getvalue().count("\n") + 1
    buffer.write("spotify,twitter,SpotifyCares,861,ana,,hello,2017-10-31T21:41:37Z,,extra\n")
    content = buffer.getvalue().encode("utf-8").replace(BAD_BYTES.encode("utf-8"), b"\xff")
    path.write_bytes(content)
    return starts


BAD_CSV = {
    "wrong type": ("author.followers", "valid integer"),
    "missing text": ("text", "Field required"),
    "unknown network": ("network", "Input should be"),
    "over-long text": ("text", "the limit is"),
    "invalid utf-8": ("text", "not valid UTF-8"),
    "control character": ("text", "control character U+001B"),
    "zone-less time": ("created_at", "time zone"),
    "future time": ("created_at", "in the future"),
    "too many fields": ("row", "more fields than the header"),
}


def test_import_csv_with_named_rejects_file_into_existing_workspace(
    run_cli: RunCli, tmp_path: Path, session: Session
) -> None:
    source = tmp_path / "requests.csv"
    lines = _write_csv(source)
    rejects_path = tmp_path / "out" / "bad.jsonl"

    without_workspace = run_cli("import", str(source), "--rejects", str(rejects_path))
    assert without_workspace.exit_code == 1
    assert "unknown workspace 'spotify'" in without_workspace.stdout
    assert _count(session, Post) == 0

    assert run_cli("workspaces", "add", "spotify", "--name", "Spotify").exit_code == 0
    result = run_cli("import", str(source), "--rejects", str(rejects_path))

    assert result.exit_code == 1, result.output
    summary = words(result.stdout)
    assert "created 3" in summary
    assert "duplicates 1" in summary
    assert f"rejected {len(BAD_CSV)}" in summary
    assert str(rejects_path) in summary
    rejects = _rejects(rejects_path)
    assert set(rejects) == {f"requests.csv:{lines[label]}" for label in BAD_CSV}
    for label, (field, message) in BAD_CSV.items():
        record = rejects[f"requests.csv:{lines[label]}"]
        assert any(e["field"] == field and message in e["message"] for e in record["errors"]), (
            label,
            record["errors"],
        )
    assert rejects[f"requests.csv:{lines['too many fields']}"]["line"].endswith(",extra")

    stored = {post.external_id: post for post in session.scalars(select(Post))}
    assert set(stored) == {"850", "851", "852"}
    assert stored["850"].text == ENTITY  # the normalised format keeps text as given
    assert stored["851"].text == MULTI_LINE
    assert stored["852"].conversation_id == stored["850"].conversation_id


def test_clean_import_exits_zero_and_leaves_no_rejects_file(
    run_cli: RunCli, tmp_path: Path
) -> None:
    source = tmp_path / "clean.jsonl"
    source.write_text(json.dumps(_post("1")) + "\n", encoding="utf-8")
    stale = tmp_path / "clean.jsonl.rejected.jsonl"
    stale.write_text("from an earlier run\n", encoding="utf-8")

    result = run_cli("import", str(source), "--create-workspaces")

    assert result.exit_code == 0, result.output
    assert "created 1" in words(result.stdout)
    assert not stale.exists()


def test_import_accepts_the_name_of_a_real_data_set(
    run_cli: RunCli, tmp_path: Path, session: Session
) -> None:
    result = run_cli("import", "conversations", "--create-workspaces", "--batch-size", "250")

    assert result.exit_code == 0, result.output
    created = int(words(result.stdout).split("created ")[1].split()[0].replace(",", ""))
    assert created > 1000
    assert _count(session, Post) == created
    assert not (tmp_path / "var" / "conversations.rejected.jsonl").exists()
