"""Triage in the listings: posts and conversations with their triage, filtered by it and
sorted most urgent first, paged without repeats; one post with the whole of its triage."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from carelane.workspaces.service import shipped_lanes_text
from tests.functional.api.conftest import assert_error_shape, create_workspace, real_rows
from tests.helpers import post_data

URL = "/api/v1/workspaces/united"
SUMMARY = {
    "actionable",
    "intent",
    "sentiment",
    "sentiment_score",
    "language",
    "lane",
    "priority",
    "take_offline",
    "model_version",
}
Fetch = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def united(client: TestClient, data_dir: Path) -> list[dict[str, Any]]:
    """United's real tweets triaged with the airline lanes, a reply from United, and a
    post exposing an e-mail address; the batch's results."""
    create_workspace(client, "united", "United Airlines")
    lanes = client.put(
        f"{URL}/lanes",
        content=shipped_lanes_text("airline"),
        headers={"content-type": "text/yaml"},
    )
    assert lanes.status_code == 200, lanes.text
    settings = {"brand_handles": ["united"], "reason_topics": True}
    assert client.put(f"{URL}/triage-settings", json=settings).status_code == 200
    rows = [row for row in real_rows("airline", data_dir, 400) if row["workspace"] == "united"]
    at = datetime(2015, 2, 25, 9, 0, tzinfo=UTC)
    rows += [
        post_data(
            "exposed",
            workspace="united",
            channel="united",
            created_at=at,
            author="ana",
            text="@united my bag never arrived, write to me at ana.lopez@example.com",
        ),
        post_data(
            "reply",
            workspace="united",
            channel="united",
            created_at=at.replace(minute=5),
            author="united",
            direction="outbound",
            in_reply_to="exposed",
            text="@ana We're sorry. Please DM us your bag tag number.",
        ),
    ]
    response = client.post("/api/v1/posts", json=rows)
    assert response.status_code == 201, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    assert len(results) > 50
    return results


@pytest.fixture
def fetch(client: TestClient) -> Fetch:
    def fetch(what: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a listing, page by page, checking no page repeats a row."""
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = {**params, **({"cursor": cursor} if cursor else {})}
            response = client.get(f"{URL}/{what}", params=query)
            assert response.status_code == 200, response.text
            page = response.json()
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len({item["id"] for item in items}) == len(items)
        return items

    return fetch


def test_posts_list_with_their_triage(united: list[dict[str, Any]], fetch: Fetch) -> None:
    posts = fetch("posts", limit=500)

    assert len(posts) == len(united)
    inbound = [p for p in posts if p["direction"] == "inbound"]
    assert all(set(p["triage"]) == SUMMARY for p in posts)
    assert all(0 <= p["triage"]["priority"] <= 100 for p in posts)
    assert all(-1 <= p["triage"]["sentiment_score"] <= 1 for p in posts)
    assert {p["triage"]["model_version"] for p in posts} != {""}
    lanes = {p["triage"]["lane"] for p in inbound}
    assert lanes <= {"Customer Service", "Marketing/PR"}
    assert {p["triage"]["intent"] for p in inbound} >= {"complaint", "question"}
    reply = next(p for p in posts if p["external_id"] == "reply")
    assert reply["triage"]["actionable"] is False


def test_one_post_with_the_whole_of_its_triage(
    client: TestClient, united: list[dict[str, Any]]
) -> None:
    exposed_id = next(r["post_id"] for r in united if r["index"] == len(united) - 2)

    response = client.get(f"{URL}/posts/{exposed_id}")

    assert response.status_code == 200, response.text
    post = response.json()
    assert post["external_id"] == "exposed"
    detail = post["triage_detail"]
    assert {k: detail[k] for k in SUMMARY} == post["triage"]
    assert post["triage"]["take_offline"] is True
    assert detail["personal_data"]["take_offline"] is True
    [span] = [s for s in detail["personal_data"]["spans"] if s["kind"] == "email"]
    assert post["text"][span["start"] : span["end"]] == "ana.lopez@example.com"
    assert "ana.lopez@example.com" not in span["redacted"]
    assert detail["priority_why"]
    assert sum(f["points"] for f in detail["priority_factors"]) >= post["triage"]["priority"]
    assert detail["lane_why"]
    assert isinstance(detail["categories"], list)
    assert all({"name", "lane", "score", "reasons"} <= set(c) for c in detail["categories"])
    assert all(t["source"] in ("reason", "category") for t in detail["topics"])
    assert detail["actionable_reason"]
    assert detail["triaged_at"]


def test_a_post_of_another_workspace_is_not_found(
    client: TestClient, united: list[dict[str, Any]]
) -> None:
    create_workspace(client, "delta")
    post_id = united[0]["post_id"]

    elsewhere = client.get(f"/api/v1/workspaces/delta/posts/{post_id}")
    missing = client.get(f"{URL}/posts/999999")

    assert elsewhere.status_code == missing.status_code == 404
    assert_error_shape(elsewhere.json(), "not_found")


@pytest.mark.parametrize(
    ("name", "value", "holds"),
    [
        ("intent", "complaint", lambda t: t["intent"] == "complaint"),
        ("intent", "question", lambda t: t["intent"] == "question"),
        ("sentiment", "negative", lambda t: t["sentiment"] == "negative"),
        ("sentiment", "positive", lambda t: t["sentiment"] == "positive"),
        ("actionable", "true", lambda t: t["actionable"]),
        ("actionable", "false", lambda t: not t["actionable"]),
        ("lane", "customer service", lambda t: t["lane"] == "Customer Service"),
        ("min_priority", "40", lambda t: t["priority"] >= 40),
    ],
)
def test_posts_filtered_by_triage(
    united: list[dict[str, Any]],
    fetch: Fetch,
    name: str,
    value: str,
    holds: Callable[[dict[str, Any]], bool],
) -> None:
    everything = fetch("posts", limit=500)

    chosen = fetch("posts", limit=500, **{name: value})

    expected = [p["id"] for p in everything if holds(p["triage"])]
    assert expected, "the real posts should hold some of each"
    assert [p["id"] for p in chosen] == expected


def test_posts_most_urgent_first_paged(united: list[dict[str, Any]], fetch: Fetch) -> None:
    whole = fetch("posts", sort="priority", limit=500)
    paged = fetch("posts", sort="priority", limit=7)
    urgent_complaints = fetch(
        "posts", sort="priority", limit=3, intent="complaint", min_priority=30
    )

    assert [p["id"] for p in paged] == [p["id"] for p in whole]
    assert len(whole) == len(united)
    keys = [(p["triage"]["priority"], p["created_at"], p["id"]) for p in whole]
    assert keys == sorted(keys, reverse=True)
    assert len({p["triage"]["priority"] for p in whole}) > 3
    assert urgent_complaints
    assert all(p["triage"]["intent"] == "complaint" for p in urgent_complaints)
    priorities = [p["triage"]["priority"] for p in urgent_complaints]
    assert priorities == sorted(priorities, reverse=True)
    assert min(priorities) >= 30


def test_cursors_belong_to_their_order(client: TestClient, united: list[dict[str, Any]]) -> None:
    newest = client.get(f"{URL}/posts", params={"limit": 2}).json()["next_cursor"]
    urgent = client.get(f"{URL}/posts", params={"limit": 2, "sort": "priority"}).json()

    crossed = client.get(f"{URL}/posts", params={"sort": "priority", "cursor": newest})
    back = client.get(f"{URL}/posts", params={"cursor": urgent["next_cursor"]})

    for response in (crossed, back):
        assert response.status_code == 422
        [detail] = assert_error_shape(response.json(), "invalid_input")
        assert detail["field"] == "cursor"


SHARED_BAD_VALUES = [("min_priority", "101"), ("min_priority", "-1"), ("min_priority", "high")]
SHARED_BAD_VALUES += [("sort", "loudest"), ("lane", "x" * 101)]
POST_BAD_VALUES = [("intent", "rant"), ("sentiment", "furious"), ("actionable", "maybe")]


@pytest.mark.parametrize(
    ("what", "name", "value"),
    [("posts", *bad) for bad in SHARED_BAD_VALUES + POST_BAD_VALUES]
    + [("conversations", *bad) for bad in SHARED_BAD_VALUES],
)
def test_invalid_triage_filters_name_their_parameter(
    client: TestClient, what: str, name: str, value: str
) -> None:
    create_workspace(client, "united")

    response = client.get(f"{URL}/{what}", params={name: value})

    assert response.status_code == 422
    details = assert_error_shape(response.json(), "invalid_input")
    assert [d["field"] for d in details] == [name]


def test_conversations_with_lane_categories_and_priority(
    client: TestClient, united: list[dict[str, Any]], fetch: Fetch
) -> None:
    conversations = fetch("conversations", limit=500)
    posts = fetch("posts", limit=500)

    assert all(isinstance(c["categories"], list) for c in conversations)
    assert any(c["categories"] for c in conversations)
    inbound_priority: dict[int, int] = {}
    for post in posts:
        if post["direction"] == "inbound" and post["conversation_id"] is not None:
            conversation_id = post["conversation_id"]
            priority = max(post["triage"]["priority"], inbound_priority.get(conversation_id, 0))
            inbound_priority[conversation_id] = priority
    for conversation in conversations:
        if conversation["id"] in inbound_priority:
            assert conversation["priority"] == inbound_priority[conversation["id"]]
            assert conversation["lane"] in ("Customer Service", "Marketing/PR")

    exposed_conversation = next(
        r["conversation_id"] for r in united if r["index"] == len(united) - 2
    )
    detail = client.get(f"{URL}/conversations/{exposed_conversation}").json()
    assert {"lane", "categories", "priority"} <= set(detail)
    [inbound, outbound] = detail["timeline"]
    assert inbound["direction"] == "inbound"
    assert set(inbound["triage"]) == SUMMARY
    assert inbound["triage"]["priority"] == detail["priority"]
    assert inbound["triage"]["take_offline"] is True
    assert outbound["direction"] == "outbound"
    assert outbound["triage"] is None


def test_conversations_filtered_and_most_urgent_first(
    united: list[dict[str, Any]], fetch: Fetch
) -> None:
    everything = fetch("conversations", limit=500)
    urgent = fetch("conversations", sort="priority", limit=500)
    paged = fetch("conversations", sort="priority", limit=6)
    marketing = fetch("conversations", lane="Marketing/PR", limit=500)
    pressing = fetch("conversations", min_priority=50, limit=500)

    assert [c["id"] for c in paged] == [c["id"] for c in urgent]
    assert sorted(c["id"] for c in urgent) == sorted(c["id"] for c in everything)
    keys = [(c["priority"], c["last_message_at"], c["id"]) for c in urgent]
    assert keys == sorted(keys, reverse=True)
    assert [c["id"] for c in marketing] == [
        c["id"] for c in everything if c["lane"] == "Marketing/PR"
    ]
    assert [c["id"] for c in pressing] == [
        c["id"] for c in everything if c["priority"] is not None and c["priority"] >= 50
    ]
    assert pressing
    assert len(pressing) < len(everything)


def test_landing_page_shows_actionable_posts_and_top_intents_and_lanes(
    client: TestClient, united: list[dict[str, Any]], fetch: Fetch
) -> None:
    actionable = fetch("posts", actionable="true", limit=500)

    page = client.get("/")

    assert page.status_code == 200
    section = page.text.split('id="workspace-united"')[1]
    assert f"<dt>Actionable posts</dt><dd>{len(actionable):,}</dd>" in section
    assert "<dt>Top intents</dt>" in section
    assert "Customer Service (" in section
    assert "actionable=true&amp;sort=priority" in section


def test_channels_count_their_actionable_posts(
    client: TestClient, united: list[dict[str, Any]], fetch: Fetch
) -> None:
    posts = fetch("posts", limit=500)

    channels = client.get(f"{URL}/channels").json()["items"]

    for channel in channels:
        on_it = [p for p in posts if p["channel"]["id"] == channel["id"]]
        assert channel["posts"] == len(on_it)
        assert channel["actionable_posts"] == sum(p["triage"]["actionable"] for p in on_it)
    assert 0 < sum(c["actionable_posts"] for c in channels) < len(posts)
