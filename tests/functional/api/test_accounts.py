"""Signing in and out, sessions, CSRF, API tokens, roles and workspace membership, over
HTTP on each backend."""

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from carelane.accounts.roles import Role
from carelane.accounts.service import do_issue_api_token
from carelane.config import Settings
from carelane.store.database import create_database_engine, create_session_factory
from carelane.web.auth import CSRF_HEADER, SESSION_COOKIE
from carelane.web.dependencies import utc_now
from tests.functional.api.conftest import (
    add_user,
    assert_error_shape,
    create_workspace,
    sign_in_as,
)

PASSWORD = "a long enough password"


class _Controls(HTMLParser):
    """The ids of labels' `for`, the form inputs by name, and the sign-in token."""

    def __init__(self) -> None:
        super().__init__()
        self.labelled: set[str] = set()
        self.inputs: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label" and found.get("for"):
            self.labelled.add(str(found["for"]))
        if tag == "input" and found.get("name"):
            self.inputs[str(found["name"])] = found


def _form(client: TestClient, path: str = "/signin") -> _Controls:
    response = client.get(path)
    assert response.status_code == 200
    controls = _Controls()
    controls.feed(response.text)
    return controls


def _sign_in(client: TestClient, email: str, password: str, next_path: str = "/") -> object:
    controls = _form(client, f"/signin?next={next_path}")
    token = controls.inputs["csrf_token"]["value"]
    return client.post(
        "/signin",
        data={"email": email, "password": password, "next": next_path, "csrf_token": token},
        follow_redirects=False,
    )


def test_the_signin_page_has_labelled_controls(anonymous_client: TestClient) -> None:
    controls = _form(anonymous_client)
    for name in ("email", "password"):
        assert controls.inputs[name]["id"] in controls.labelled
    assert controls.inputs["password"]["type"] == "password"


def test_the_landing_page_sends_strangers_to_the_signin_page(
    anonymous_client: TestClient,
) -> None:
    response = anonymous_client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2F"
    for path in ("/docs", "/openapi.json", "/static/carelane.css", "/signin"):
        assert anonymous_client.get(path).status_code == 200, path


def test_sign_in_use_the_session_and_sign_out(
    anonymous_client: TestClient, settings: Settings
) -> None:
    client = anonymous_client
    add_user(settings, "Ana@Example.com", Role.SUPERVISOR)
    response = _sign_in(client, "ana@EXAMPLE.com", PASSWORD, "/api/v1/me")
    assert response.status_code == 303
    assert response.headers["location"] == "/api/v1/me"
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie

    me = client.get("/api/v1/me").json()
    assert me["email"] == "ana@example.com"
    assert me["role"] == "supervisor"
    assert "view_queues" in me["permissions"]
    assert "configure_workspaces" not in me["permissions"]
    csrf = me["csrf_token"]
    assert csrf
    page = client.get("/")
    assert page.status_code == 200
    assert "Signed in as" in page.text

    refused = client.post("/signout", data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    assert_error_shape(refused.json(), "csrf_failed")
    assert client.get("/api/v1/me").status_code == 200

    response = client.post("/signout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"
    client.cookies.clear()
    # the old cookie is dead on the server, not only gone from the browser
    client.cookies.set(SESSION_COOKIE, re.search(f"{SESSION_COOKIE}=([^;]+)", cookie)[1])  # type: ignore[index]
    assert client.get("/api/v1/me").status_code == 401


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    anonymous_client: TestClient, settings: Settings
) -> None:
    add_user(settings, "ana@example.com", Role.AGENT)
    wrong = _sign_in(anonymous_client, "ana@example.com", "not the password")
    unknown = _sign_in(anonymous_client, "nobody@example.com", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401  # type: ignore[attr-defined]
        assert "The email or the password is wrong." in response.text  # type: ignore[attr-defined]
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")  # type: ignore[attr-defined]
    assert anonymous_client.get("/api/v1/me").status_code == 401


def test_signin_needs_the_forms_own_token_and_never_redirects_away(
    anonymous_client: TestClient, settings: Settings
) -> None:
    add_user(settings, "ana@example.com", Role.AGENT)
    forged = anonymous_client.post(
        "/signin",
        data={"email": "ana@example.com", "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    response = _sign_in(anonymous_client, "ana@example.com", PASSWORD, "//evil.example/")
    assert response.headers["location"] == "/"  # type: ignore[attr-defined]


def test_a_password_hashed_under_old_parameters_is_rehashed_on_sign_in(
    anonymous_client: TestClient, settings: Settings
) -> None:
    from sqlalchemy import select

    from carelane.store.models import UserAccount

    add_user(settings, "ana@example.com", Role.AGENT)  # hashed with the cheapest parameters
    assert _sign_in(anonymous_client, "ana@example.com", PASSWORD).status_code == 303  # type: ignore[attr-defined]
    engine = create_database_engine(settings.database_url)
    with create_session_factory(engine)() as session:
        stored = session.scalar(select(UserAccount.password_hash))
    engine.dispose()
    assert stored is not None
    assert "m=65536,t=3,p=4" in stored


def test_the_api_needs_a_signed_in_user(anonymous_client: TestClient) -> None:
    for method, path in (
        ("GET", "/api/v1/workspaces"),
        ("POST", "/api/v1/workspaces"),
        ("GET", "/api/v1/workspaces/acme/conversations"),
        ("POST", "/api/v1/posts"),
    ):
        response = anonymous_client.request(method, path, json={})
        assert response.status_code == 401, path
        assert_error_shape(response.json(), "not_signed_in")
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_unsafe_requests_of_a_session_need_its_csrf_token(
    client: TestClient,
) -> None:
    token = client.headers.pop(CSRF_HEADER)
    refused = client.post("/api/v1/workspaces", json={"slug": "acme", "name": "Acme"})
    assert refused.status_code == 403
    assert_error_shape(refused.json(), "csrf_failed")
    client.headers[CSRF_HEADER] = "not-the-token"
    assert client.post("/api/v1/workspaces", json={"slug": "acme", "name": "A"}).status_code == 403
    assert client.get("/api/v1/workspaces").json()["items"] == []  # safe methods need none
    client.headers[CSRF_HEADER] = token
    assert client.post("/api/v1/workspaces", json={"slug": "acme", "name": "A"}).status_code == 201


def test_a_bearer_token_needs_no_csrf_and_a_bad_one_is_refused(
    anonymous_client: TestClient, settings: Settings
) -> None:
    add_user(settings, "ingest@example.com", Role.ADMIN, all_workspaces=True)
    engine = create_database_engine(settings.database_url)
    with create_session_factory(engine)() as session:
        token = do_issue_api_token(
            session=session, email="ingest@example.com", name="ingest", now=utc_now()
        )
    engine.dispose()
    client = anonymous_client
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/workspaces", json={"slug": "acme", "name": "A"}, headers=headers)
    assert created.status_code == 201
    assert client.get("/api/v1/me", headers=headers).json()["csrf_token"] is None
    for value in (f"Bearer {token}x", f"Basic {token}", "Bearer "):
        response = client.get("/api/v1/workspaces", headers={"Authorization": value})
        assert response.status_code == 401, value
        assert_error_shape(response.json(), "not_signed_in")


def test_members_see_only_their_workspaces(client: TestClient, settings: Settings) -> None:
    create_workspace(client, "acme")
    create_workspace(client, "globex")
    agent = add_user(settings, "ana@example.com", Role.AGENT, workspaces=["acme"])
    client.cookies.clear()
    sign_in_as(client, settings, agent)
    assert [w["slug"] for w in client.get("/api/v1/workspaces").json()["items"]] == ["acme"]
    assert client.get("/api/v1/workspaces/acme/conversations").status_code == 200
    for path in (
        "/api/v1/workspaces/globex",
        "/api/v1/workspaces/globex/conversations",
        "/api/v1/workspaces/nowhere",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert_error_shape(response.json(), "not_found")
    assert (
        client.get("/api/v1/workspaces/globex").json()["error"]["message"]
        == "no workspace 'globex'"
    )
    page = client.get("/")
    assert "workspace-acme" in page.text
    assert "workspace-globex" not in page.text


def test_roles_limit_what_a_member_may_do(client: TestClient, settings: Settings) -> None:
    create_workspace(client, "acme")
    agent = add_user(settings, "ana@example.com", Role.AGENT, workspaces=["acme"])
    marketing = add_user(settings, "mo@example.com", Role.MARKETING, workspaces=["acme"])
    client.cookies.clear()
    sign_in_as(client, settings, agent)
    for method, path, what in (
        ("GET", "/api/v1/workspaces/acme/queue", "see the queue"),
        ("POST", "/api/v1/workspaces", "create or configure workspaces"),
        ("PUT", "/api/v1/workspaces/acme/triage-settings", "create or configure workspaces"),
        ("POST", "/api/v1/posts", "send posts in"),
    ):
        response = client.request(method, path, json={"slug": "x", "name": "x"})
        assert response.status_code == 403, path
        body = response.json()
        assert_error_shape(body, "forbidden")
        assert body["error"]["message"] == f"a agent may not {what}"
    client.cookies.clear()
    sign_in_as(client, settings, marketing)
    for path, what in (
        ("/api/v1/workspaces/acme/queue", "work conversations"),
        ("/api/v1/workspaces/acme/approvals", "work conversations"),
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.json()["error"]["message"] == f"a marketing may not {what}"
    assert client.get("/api/v1/workspaces/acme/conversations").status_code == 200
    assert client.get("/api/v1/workspaces/acme").status_code == 200


def test_an_agent_acts_only_as_their_own_agent_row(client: TestClient, settings: Settings) -> None:
    create_workspace(client, "acme")
    teams = """\
version: 1
teams:
  - name: Care
    lanes: [Customer Service]
agents:
  - {name: Ana, email: Ana@Example.com, teams: [Care], capacity: {twitter: 2}}
  - {name: Ben, email: ben@example.com, teams: [Care], capacity: {twitter: 2}}
"""
    routing = client.put(
        "/api/v1/workspaces/acme/routing",
        content=teams,
        headers={"content-type": "text/yaml"},
    )
    assert routing.status_code == 200, routing.text
    agents = {a["email"]: a["id"] for a in routing.json()["agents"]}
    ana = add_user(settings, "ana@example.com", Role.AGENT, workspaces=["acme"])
    client.cookies.clear()
    sign_in_as(client, settings, ana)
    assert client.get("/api/v1/me").json()["agent_ids"] == [agents["Ana@Example.com"]]
    own = client.put(
        f"/api/v1/workspaces/acme/agents/{agents['Ana@Example.com']}/state",
        json={"state": "available"},
    )
    assert own.status_code == 200, own.text
    other = client.put(
        f"/api/v1/workspaces/acme/agents/{agents['ben@example.com']}/state",
        json={"state": "available"},
    )
    assert other.status_code == 403
    assert_error_shape(other.json(), "forbidden")


def test_posts_for_workspaces_of_others_are_rejected_item_by_item(
    client: TestClient, settings: Settings
) -> None:
    from tests.helpers import post_data

    create_workspace(client, "acme")
    create_workspace(client, "globex")
    supervisor = add_user(settings, "sam@example.com", Role.SUPERVISOR, workspaces=["acme"])
    client.cookies.clear()
    sign_in_as(client, settings, supervisor)
    ours = post_data("1", created_at=utc_now(), workspace="acme")
    theirs = post_data("2", created_at=utc_now(), workspace="globex")
    response = client.post("/api/v1/posts", json=[ours, theirs])
    assert response.status_code == 422
    results = response.json()["results"]
    assert results[0]["status"] == "created"
    assert results[1]["status"] == "rejected"
    assert results[1]["errors"] == [{"field": "workspace", "message": "unknown workspace 'globex'"}]
