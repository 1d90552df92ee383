"""The app as a whole: workspaces, the landing page on real data, docs, error shapes."""

from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from carelane.ingest.pipeline import batches, ingest_stages, run_pipeline
from carelane.ingest.readers.sources import read_source
from tests.functional.api.conftest import assert_error_shape, create_workspace


def test_workspaces_are_created_once_and_listed(client: TestClient) -> None:
    assert client.get("/api/v1/workspaces").json() == {"items": []}
    created = create_workspace(client, "united", "United Airlines")
    again = client.post("/api/v1/workspaces", json={"slug": "united", "name": "Again"})
    assert again.status_code == 409
    assert_error_shape(again.json(), "conflict")
    bad = client.post("/api/v1/workspaces", json={"slug": "Not A Slug!", "name": "x"})
    assert bad.status_code == 422
    assert assert_error_shape(bad.json(), "invalid_input")[0]["field"] == "slug"
    listed = client.get("/api/v1/workspaces").json()["items"]
    assert listed == [created]
    assert client.get("/api/v1/workspaces/united").json()["name"] == "United Airlines"


def test_landing_page_shows_what_was_loaded(
    client: TestClient, sessions: sessionmaker[Session], data_dir: Path
) -> None:
    stages = ingest_stages(
        sessions,
        clock=lambda: datetime(2026, 1, 1, tzinfo=UTC),
        max_clock_skew=timedelta(minutes=5),
        create_workspaces=True,
    )
    items = islice(read_source("airline", data_dir), 200)
    created = 0
    for batch in run_pipeline(stages, batches(items, 100)):
        created += sum(1 for r in batch.results() if r.status == "created")
    assert created == 200

    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for slug in ("united", "southwestair", "usairways", "jetblue", "virginamerica"):
        assert f'id="workspace-{slug}"' in page
    assert '<span class="figure">200</span> posts' in page
    assert 'href="/docs"' in page
    assert "/api/v1/workspaces/united/conversations" in page
    assert "2015-02-" in page
    channels = client.get("/api/v1/workspaces/united/channels").json()["items"]
    assert f"<td>{channels[0]['account']}</td>" in page
    assert client.get("/static/carelane.css").status_code == 200


def test_landing_page_when_nothing_is_loaded(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "Nothing loaded yet" in response.text


def test_openapi_documents_the_real_shapes(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"PostOut", "ConversationDetail", "CustomerDetail", "BatchResultOut"} <= set(schemas)
    body = spec["paths"]["/api/v1/posts"]["post"]["requestBody"]["content"]["application/json"]
    assert "external_id" in body["schema"]["oneOf"][0]["items"]["properties"]
    assert "ErrorResponse" in schemas


def test_unknown_route_and_method_use_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")
    response = client.delete("/api/v1/workspaces")
    assert response.status_code == 405
    assert_error_shape(response.json(), "method_not_allowed")
    response = client.get("/api/v1/workspaces/acme/conversations/not-a-number")
    assert response.status_code == 422
    assert assert_error_shape(response.json(), "invalid_input")[0]["field"] == "conversation_id"
