"""POST /api/v1/posts: one bad item never fails the batch; each gets a clear result."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from carelane.config import Settings
from tests.functional.api.conftest import (
    admin_client,
    assert_error_shape,
    create_workspace,
    real_rows,
)
from tests.helpers import post_data

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _results(body: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(r["status"], [e["field"] for e in r["errors"]]) for r in body["results"]]


def test_mixed_batch_stores_good_items_and_names_each_bad_field(client: TestClient) -> None:
    create_workspace(client, "acme")
    no_author = post_data("7", created_at=_at(7))
    del no_author["author"]
    items: list[Any] = [
        post_data("1", created_at=_at(1), text="Flight delayed again 😡✈️ &amp; no updates"),
        post_data("2", created_at=_at(2), text="line one\nline two\r\nline three"),
        post_data("3", created_at=_at(3), text="bell \x07 in text"),
        post_data("4", created_at=_at(4), network="myspace"),
        post_data("5", created_at=_at(5), text="   "),
        post_data("6", created_at=_at(6), text="x" * 65_537),
        no_author,
        {**post_data("8", created_at=_at(8)), "created_at": "2026-03-02T09:08:00"},
        post_data("9", created_at=datetime.now(UTC) + timedelta(days=2)),
        {**post_data("10", created_at=_at(10)), "author": {"handle": "ana", "followers": "many"}},
        post_data("11", created_at=_at(11), workspace="nobody"),
        post_data("1", created_at=_at(1), text="Flight delayed again 😡✈️ &amp; no updates"),
        "not an object",
    ]
    response = client.post("/api/v1/posts", json=items)
    assert response.status_code == 422, response.text
    body = response.json()
    assert _results(body) == [
        ("created", []),
        ("created", []),
        ("rejected", ["text"]),
        ("rejected", ["network"]),
        ("rejected", ["text"]),
        ("rejected", ["text"]),
        ("rejected", ["author"]),
        ("rejected", ["created_at"]),
        ("rejected", ["created_at"]),
        ("rejected", ["author.followers"]),
        ("rejected", ["workspace"]),
        ("duplicate", []),
        ("rejected", ["item"]),
    ]
    assert [r["index"] for r in body["results"]] == list(range(len(items)))
    assert (body["created"], body["duplicate"], body["rejected"]) == (2, 1, 10)
    details = assert_error_shape(body, "rejected_items")
    assert {"field": "2.text", "message": details[0]["message"]} == details[0]
    assert "U+0007" in details[0]["message"]
    assert body["results"][11]["post_id"] == body["results"][0]["post_id"]

    posts = client.get("/api/v1/workspaces/acme/posts").json()["items"]
    texts = {p["external_id"]: p["text"] for p in posts}
    assert texts == {
        "1": "Flight delayed again 😡✈️ &amp; no updates",
        "2": "line one\nline two\r\nline three",
    }
    conversations = client.get("/api/v1/workspaces/acme/conversations").json()["items"]
    assert len(conversations) == 1
    assert conversations[0]["message_count"] == 2


def test_invalid_utf8_in_one_item_rejects_only_that_item(client: TestClient) -> None:
    create_workspace(client, "acme")
    good = json.dumps(post_data("1", created_at=_at(1))).encode()
    bad = json.dumps(post_data("2", created_at=_at(2), text="PLACEHOLDER")).encode()
    bad = bad.replace(b"PLACEHOLDER", b"caf\xe9 \xff broken")
    body = b"[" + good + b"," + bad + b"]"
    response = client.post(
        "/api/v1/posts", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    result = response.json()
    assert _results(result) == [("created", []), ("rejected", ["text"])]
    assert "not valid UTF-8" in result["results"][1]["errors"][0]["message"]


def test_reposting_a_batch_is_idempotent(client: TestClient, data_dir: Path) -> None:
    create_workspace(client, "united")
    rows = [row for row in real_rows("airline", data_dir, 200) if row["workspace"] == "united"]
    first = client.post("/api/v1/posts", json={"posts": rows})
    assert first.status_code == 201, first.text
    assert first.json()["created"] == len(rows)
    assert "error" not in first.json() or first.json()["error"] is None
    again = client.post("/api/v1/posts", json=rows)
    assert again.status_code == 201
    assert {r["status"] for r in again.json()["results"]} == {"duplicate"}
    assert [r["post_id"] for r in again.json()["results"]] == [
        r["post_id"] for r in first.json()["results"]
    ]
    page = client.get("/api/v1/workspaces/united/posts", params={"limit": 500}).json()
    assert len(page["items"]) == len(rows)


def test_body_that_is_not_a_batch_is_422_in_the_error_shape(client: TestClient) -> None:
    for content, field in [
        (b"{not json", "body"),
        (b'"a string"', "body"),
        (b"[]", "body"),
        (b'{"posts": []}', "posts"),
        (b'{"posts": 3}', "posts"),
        (b"\xff\xfe", "body"),
        (b"[" * 100_000, "body"),
    ]:
        response = client.post(
            "/api/v1/posts", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422, (content[:20], response.text)
        details = assert_error_shape(response.json(), "invalid_input")
        assert [d["field"] for d in details] == [field]


def test_too_many_items_is_413(settings: Settings) -> None:
    small = settings.model_copy(update={"max_batch_items": 3})
    with admin_client(small) as client:
        create_workspace(client, "acme")
        items = [post_data(str(i), created_at=_at(i)) for i in range(4)]
        response = client.post("/api/v1/posts", json=items)
        assert response.status_code == 413
        assert_error_shape(response.json(), "batch_too_large")
        assert client.get("/api/v1/workspaces/acme/posts").json()["items"] == []
        assert client.post("/api/v1/posts", json=items[:3]).status_code == 201


def test_bad_text_hidden_in_raw_payload_or_keys_rejects_only_that_item(
    client: TestClient,
) -> None:
    create_workspace(client, "acme")
    good = json.dumps(post_data("1", created_at=_at(1))).encode()
    in_raw = json.dumps(post_data("2", created_at=_at(2), raw={"note": "RAWBYTES"})).encode()
    in_raw = in_raw.replace(b"RAWBYTES", b"\xc3\x28")
    in_key = json.dumps({**post_data("3", created_at=_at(3)), "KEYBYTES": 1}).encode()
    in_key = in_key.replace(b"KEYBYTES", b"k\xff")
    nul_in_raw = json.dumps(post_data("4", created_at=_at(4), raw={"note": "a\u0000b"})).encode()
    body = b"[" + b",".join([good, in_raw, in_key, nul_in_raw]) + b"]"
    response = client.post(
        "/api/v1/posts", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    result = response.json()
    statuses = [r["status"] for r in result["results"]]
    assert statuses == ["created", "rejected", "rejected", "rejected"]
    assert result["results"][1]["errors"][0]["field"].startswith("raw")
    assert "unicode" in result["results"][2]["errors"][0]["message"]
