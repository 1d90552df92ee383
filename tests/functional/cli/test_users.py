"""`carelane users add`, `list`, `token` and `deactivate` against each backend's
database."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carelane.cli.users import DEMO_AGENT_PASSWORD, DEMO_MARKETING, DEMO_SUPERVISOR
from carelane.config import Settings
from carelane.store.models import UserAccount
from carelane.web.app import create_app
from tests.functional.cli.conftest import RunCli, words
from tests.helpers import slice_of_real_data

PASSWORD = "a long enough password"


def test_the_first_admin_is_added_listed_and_can_use_a_token(
    run_cli: RunCli, settings: Settings
) -> None:
    assert "No users yet" in run_cli("users", "list").output
    added = run_cli(
        "users", "add", "Root@Example.com", "--name", "Root", "--role", "admin",
        "--all-workspaces", "--password", PASSWORD,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "Added admin root@example.com (Root): every workspace." in words(added.output)
    listed = words(run_cli("users", "list").output)
    assert "root@example.com" in listed
    assert "admin" in listed
    assert "never" in listed

    issued = run_cli("users", "token", "ROOT@example.com", "--name", "ingest")
    assert issued.exit_code == 0, issued.output
    token = issued.output.strip()
    assert token.startswith("clt_")
    with TestClient(create_app(settings)) as client:
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert me.json()["email"] == "root@example.com"
        assert (
            client.get("/api/v1/me", headers={"Authorization": "Bearer clt_x"}).status_code == 401
        )
    again = run_cli("users", "token", "root@example.com", "--name", "ingest")
    assert again.exit_code == 1
    assert "already has a token named 'ingest'" in words(again.output)


def test_members_are_linked_to_their_agent_rows_and_listed_with_their_workspaces(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("workspaces", "add", "acme").exit_code == 0
    monkeypatch.setenv("CARELANE_USER_PASSWORD", PASSWORD)
    added = run_cli(
        "users", "add", "sam@example.com", "--name", "Sam", "--role", "supervisor", "-w", "acme"
    )
    assert added.exit_code == 0, added.output
    assert "Added supervisor sam@example.com (Sam): acme." in words(added.output)
    assert "acme" in run_cli("users", "list").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss"], "role unknown role 'boss'"),
        (["--password", "short"], "password must be at least 10 characters"),
        (["--workspace", "nowhere"], "no workspace 'nowhere'"),
        (["--role", "agent", "--all-workspaces"], "only admins may be given every workspace"),
    ],
)
def test_bad_users_are_refused_with_one_line(
    run_cli: RunCli, args: list[str], message: str
) -> None:
    defaults = {"--password": PASSWORD}
    given = dict(zip(args[::2], args[1::2], strict=False))
    extra = [] if "--password" in given else ["--password", defaults["--password"]]
    result = run_cli("users", "add", "ana@example.com", "--name", "Ana", *args, *extra)
    assert result.exit_code in (1, 2)
    assert message in words(result.output)
    assert "ana@example.com" not in run_cli("users", "list").output


def test_an_email_is_taken_whatever_its_case(run_cli: RunCli) -> None:
    first = run_cli("users", "add", "ana@example.com", "--name", "Ana", "--password", PASSWORD)
    assert first.exit_code == 0
    second = run_cli("users", "add", "ANA@example.com", "--name", "Ana", "--password", PASSWORD)
    assert second.exit_code == 1
    assert "a user with email 'ana@example.com' already exists" in words(second.output)


def test_a_token_for_nobody_is_refused(run_cli: RunCli) -> None:
    result = run_cli("users", "token", "nobody@example.com")
    assert result.exit_code == 1
    assert "no user with email 'nobody@example.com'" in words(result.output)


def test_a_deactivated_user_loses_their_tokens_at_once(run_cli: RunCli, settings: Settings) -> None:
    added = run_cli(
        "users", "add", "ana@example.com", "--name", "Ana", "--role", "supervisor",
        "--password", PASSWORD,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    token = run_cli("users", "token", "ana@example.com").output.strip()
    with TestClient(create_app(settings)) as client:
        bearer = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/me", headers=bearer).status_code == 200
        done = run_cli("users", "deactivate", "ANA@example.com")
        assert done.exit_code == 0, done.output
        assert "Deactivated supervisor ana@example.com" in words(done.output)
        assert client.get("/api/v1/me", headers=bearer).status_code == 401
    listed = words(run_cli("users", "list").output)
    assert "ana@example.com" in listed
    assert " no " in f" {listed} "
    missing = run_cli("users", "deactivate", "nobody@example.com")
    assert missing.exit_code == 1
    assert "no user with email 'nobody@example.com'" in words(missing.output)


def test_the_demo_adds_a_supervisor_and_agents_and_says_how_to_sign_in(
    run_cli: RunCli, settings: Settings, tmp_path: Path, session: Session
) -> None:
    small = tmp_path / "data"
    slice_of_real_data(settings.data_dir, small, rows=10)
    first = run_cli("--data-dir", str(small), "demo", "--no-serve")
    assert first.exit_code == 0, first.output
    said = words(first.stdout)
    assert "Sign in at http://127.0.0.1:8000/signin" in said
    assert f"supervisor {DEMO_SUPERVISOR[0]} password: {DEMO_SUPERVISOR[2]}" in said
    assert f"agent ana.ruiz@example.com password: {DEMO_AGENT_PASSWORD}" in said
    assert f"marketing {DEMO_MARKETING[0]} password: {DEMO_MARKETING[2]}" in said
    again = run_cli("--data-dir", str(small), "demo", "--no-serve")
    assert again.exit_code == 0, again.output
    assert session.scalar(select(func.count()).select_from(UserAccount)) == 5

    with TestClient(create_app(settings)) as client:
        form = client.get("/signin").text
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        response = client.post(
            "/signin",
            data={
                "email": "ana.ruiz@example.com",
                "password": DEMO_AGENT_PASSWORD,
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert response.status_code == 303
        me = client.get("/api/v1/me").json()
        assert me["role"] == "agent"
        assert len(me["agent_ids"]) == len(me["workspace_ids"]) > 0
        workspaces = client.get("/api/v1/workspaces").json()["items"]
        assert len(workspaces) == len(me["workspace_ids"])
