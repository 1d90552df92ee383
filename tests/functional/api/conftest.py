"""The app on each backend, driven over HTTP with TestClient."""

from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from carelane.config import Settings
from carelane.ingest.readers.sources import read_source
from carelane.web.app import create_app


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


def create_workspace(client: TestClient, slug: str, name: str | None = None) -> dict[str, Any]:
    response = client.post("/api/v1/workspaces", json={"slug": slug, "name": name or slug})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def real_rows(source: str, data_dir: Path, count: int) -> list[dict[str, Any]]:
    """The first `count` readable rows of a real data set, in the normalised format."""
    rows = [item.data for item in islice(read_source(source, data_dir), count)]
    return [row for row in rows if row is not None]


def assert_error_shape(body: dict[str, Any], code: str) -> list[dict[str, str]]:
    """The body is the stable error shape with `code`; its details."""
    assert set(body) >= {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    for detail in error["details"]:
        assert set(detail) == {"field", "message"}
    details: list[dict[str, str]] = error["details"]
    return details
