"""Admins manage a workspace's users over HTTP: list, create with a role, change the role,
deactivate (sessions and API tokens end at once), list and revoke API tokens; everyone
else gets 403, and a workspace or user outside the admin's own a 404."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from carelane.accounts.roles import Role
from carelane.accounts.service import do_issue_api_token
from carelane.config import Settings
from carelane.store.database import create_database_engine, create_session_factory
from carelane.web.auth import SESSION_COOKIE
from carelane.web.dependencies import utc_now
from tests.functional.api.conftest import (
    ADMIN_EMAIL,
    add_user,
    assert_error_shape,
    create_workspace,
    sign_in_as,
)

PASSWORD = "a long enough password"


def _token(settings: Settings, email: str, name: str = "ingest") -> str:
    engine = create_database_engine(settings.database_url)
    try:
        with create_session_factory(engine)() as session:
            return do_issue_api_token(session=session, email=email, name=name, now=utc_now())
    finally:
        engine.dispose()


@pytest.fixture
def users(client: TestClient, settings: Settings) -> dict[str, int]:
    """Workspaces acme and globex; ana an agent of acme, gus an agent of globex."""
    create_workspace(client, "acme")
    create_workspace(client, "globex")
    return {
        "ana": add_user(settings, "ana@example.com", Role.AGENT, workspaces=["acme"]),
        "gus": add_user(settings, "gus@example.com", Role.AGENT, workspaces=["globex"]),
    }


def test_an_admin_lists_a_workspaces_users_and_creates_one_with_a_role(
    client: TestClient, users: dict[str, int]
) -> None:
    listed = client.get("/api/v1/workspaces/acme/users")
    assert listed.status_code == 200, listed.text
    assert [u["email"] for u in listed.json()["items"]] == [ADMIN_EMAIL, "ana@example.com"]
    created = client.post(
        "/api/v1/workspaces/acme/users",
        json={"email": "Mo@Example.com", "name": "Mo", "role": "marketing", "password": PASSWORD},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["email"], body["role"], body["active"], body["workspaces"]) == (
        "mo@example.com",
        "marketing",
        True,
        ["acme"],
    )
    assert "password_hash" not in body
    shown = client.get(f"/api/v1/workspaces/acme/users/{body['id']}")
    assert shown.json()["email"] == "mo@example.com"
    taken = client.post(
        "/api/v1/workspaces/acme/users",
        json={"email": "mo@example.com", "name": "Mo", "role": "agent", "password": PASSWORD},
    )
    assert taken.status_code == 409
    assert_error_shape(taken.json(), "conflict")


def test_bad_users_are_refused_naming_each_field(client: TestClient, users: dict[str, int]) -> None:
    bad = client.post(
        "/api/v1/workspaces/acme/users",
        json={"email": "not-an-email", "name": " ", "role": "boss", "password": "short"},
    )
    assert bad.status_code == 422
    fields = {d["field"] for d in assert_error_shape(bad.json(), "invalid_input")}
    assert fields == {"email", "name", "role", "password"}
    missing = client.post("/api/v1/workspaces/acme/users", json={"email": "x@example.com"})
    assert missing.status_code == 422
    assert {d["field"] for d in missing.json()["error"]["details"]} == {"name", "role", "password"}
    role = client.put(f"/api/v1/workspaces/acme/users/{users['ana']}/role", json={"role": "boss"})
    assert role.status_code == 422
    assert [d["field"] for d in role.json()["error"]["details"]] == ["role"]
    count = len(client.get("/api/v1/workspaces/acme/users").json()["items"])
    assert count == 2


def test_a_role_change_reaches_the_users_next_request(
    client: TestClient, settings: Settings, users: dict[str, int]
) -> None:
    changed = client.put(
        f"/api/v1/workspaces/acme/users/{users['ana']}/role", json={"role": "supervisor"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "supervisor"
    with TestClient(client.app) as ana:
        sign_in_as(ana, settings, users["ana"])
        assert ana.get("/api/v1/me").json()["role"] == "supervisor"
        assert ana.get("/api/v1/workspaces/acme/queue").status_code == 200
    admin = next(
        u["id"]
        for u in client.get("/api/v1/workspaces/acme/users").json()["items"]
        if u["email"] == ADMIN_EMAIL
    )
    own = client.put(f"/api/v1/workspaces/acme/users/{admin}/role", json={"role": "agent"})
    assert own.status_code == 409
    assert own.json()["error"]["message"] == (
        "nobody may change their own role or deactivate themselves"
    )


def test_a_deactivated_user_is_signed_out_everywhere_at_once(
    client: TestClient, anonymous_client: TestClient, settings: Settings, users: dict[str, int]
) -> None:
    token = _token(settings, "ana@example.com")
    bearer = {"Authorization": f"Bearer {token}"}
    sign_in_as(anonymous_client, settings, users["ana"])
    ana = anonymous_client
    assert ana.get("/api/v1/me").status_code == 200
    assert ana.get("/api/v1/me", headers=bearer).status_code == 200
    done = client.post(f"/api/v1/workspaces/acme/users/{users['ana']}/deactivate")
    assert done.status_code == 200, done.text
    assert done.json()["active"] is False
    assert ana.get("/api/v1/me").status_code == 401
    assert ana.get("/api/v1/me", headers=bearer).status_code == 401
    tokens = client.get(f"/api/v1/workspaces/acme/users/{users['ana']}/api-tokens").json()
    assert [t["revoked_at"] is not None for t in tokens["items"]] == [True]
    ana.cookies.clear()
    form = ana.get("/signin").text
    csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
    signin = ana.post(
        "/signin",
        data={"email": "ana@example.com", "password": PASSWORD, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert signin.status_code == 401
    assert SESSION_COOKIE not in signin.cookies


def test_a_reactivated_user_signs_in_again_with_old_tokens_still_revoked(
    client: TestClient, anonymous_client: TestClient, settings: Settings, users: dict[str, int]
) -> None:
    bearer = {"Authorization": f"Bearer {_token(settings, 'ana@example.com')}"}
    assert client.post(f"/api/v1/workspaces/acme/users/{users['ana']}/deactivate").is_success
    back = client.post(f"/api/v1/workspaces/acme/users/{users['ana']}/reactivate")
    assert back.status_code == 200, back.text
    assert back.json()["active"] is True
    ana = anonymous_client
    assert ana.get("/api/v1/me", headers=bearer).status_code == 401
    form = ana.get("/signin").text
    csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
    signin = ana.post(
        "/signin",
        data={"email": "ana@example.com", "password": PASSWORD, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert signin.status_code == 303, signin.text
    assert ana.get("/api/v1/me").status_code == 200
    assert client.post("/api/v1/workspaces/acme/users/999999/reactivate").status_code == 404


def test_an_admin_revokes_one_api_token(
    client: TestClient, settings: Settings, users: dict[str, int]
) -> None:
    first, second = (
        _token(settings, "ana@example.com", "one"),
        _token(settings, "ana@example.com", "two"),
    )
    listed = client.get(f"/api/v1/workspaces/acme/users/{users['ana']}/api-tokens")
    assert listed.status_code == 200, listed.text
    items: list[dict[str, Any]] = listed.json()["items"]
    assert [(t["name"], t["revoked_at"]) for t in items] == [("one", None), ("two", None)]
    assert all("token" not in t and "token_hash" not in t for t in items)
    revoked = client.post(
        f"/api/v1/workspaces/acme/users/{users['ana']}/api-tokens/{items[0]['id']}/revoke"
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"})
    assert me.status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).is_success
    other = client.post(
        f"/api/v1/workspaces/acme/users/{users['gus']}/api-tokens/{items[1]['id']}/revoke"
    )
    assert other.status_code == 404


def test_others_are_refused_and_other_workspaces_users_are_not_found(
    client: TestClient, settings: Settings, users: dict[str, int]
) -> None:
    assert client.get(f"/api/v1/workspaces/acme/users/{users['gus']}").status_code == 404
    gone = client.post(f"/api/v1/workspaces/acme/users/{users['gus']}/deactivate")
    assert gone.status_code == 404
    supervisor = add_user(settings, "sue@example.com", Role.SUPERVISOR, workspaces=["acme"])
    client.cookies.clear()
    sign_in_as(client, settings, supervisor)
    for method, path in (
        ("GET", "/api/v1/workspaces/acme/users"),
        ("POST", "/api/v1/workspaces/acme/users"),
        ("PUT", f"/api/v1/workspaces/acme/users/{users['ana']}/role"),
        ("POST", f"/api/v1/workspaces/acme/users/{users['ana']}/deactivate"),
        ("GET", f"/api/v1/workspaces/acme/users/{users['ana']}/api-tokens"),
    ):
        response = client.request(method, path, json={"role": "admin"})
        assert response.status_code == 403, path
        assert response.json()["error"]["message"] == "a supervisor may not manage users"
    assert client.get("/api/v1/workspaces/globex/users").status_code == 404
    admin_of_globex = add_user(settings, "gia@example.com", Role.ADMIN, workspaces=["globex"])
    client.cookies.clear()
    sign_in_as(client, settings, admin_of_globex)
    assert client.get("/api/v1/workspaces/acme/users").status_code == 404
    assert client.get("/api/v1/workspaces/globex/users").status_code == 200
    root = client.get("/api/v1/workspaces/globex/users").json()["items"][0]
    assert root["all_workspaces"] is True
    refused = client.post(f"/api/v1/workspaces/globex/users/{root['id']}/deactivate")
    assert refused.status_code == 409
