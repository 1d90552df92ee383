"""Roles: what each may do."""

import pytest

from carelane.accounts.roles import ROLE_PERMISSIONS, Permission, Role, may, parse_role


def test_an_agent_works_conversations_but_not_queues_or_configuration() -> None:
    assert may(Role.AGENT, Permission.HANDLE_CONVERSATIONS)
    assert not may(Role.AGENT, Permission.VIEW_QUEUES)
    assert not may(Role.AGENT, Permission.REASSIGN)
    assert not may(Role.AGENT, Permission.CONFIGURE_WORKSPACES)


def test_a_supervisor_adds_queues_reassignment_and_approvals_to_an_agent() -> None:
    assert ROLE_PERMISSIONS[Role.AGENT] < ROLE_PERMISSIONS[Role.SUPERVISOR]
    for permission in (Permission.VIEW_QUEUES, Permission.REASSIGN, Permission.APPROVE_REPLIES):
        assert may(Role.SUPERVISOR, permission)
    assert not may(Role.SUPERVISOR, Permission.CONFIGURE_WORKSPACES)
    assert not may(Role.SUPERVISOR, Permission.MANAGE_USERS)


def test_marketing_reads_its_lane_only() -> None:
    assert may(Role.MARKETING, Permission.READ_MARKETING_LANE)
    assert not may(Role.MARKETING, Permission.HANDLE_CONVERSATIONS)
    assert not may(Role.MARKETING, Permission.INGEST_POSTS)


def test_everyone_who_works_conversations_works_the_marketing_lane_too() -> None:
    for role in (Role.AGENT, Role.SUPERVISOR, Role.ADMIN):
        assert may(role, Permission.HANDLE_CONVERSATIONS)
        assert may(role, Permission.READ_MARKETING_LANE)


def test_an_admin_may_do_everything() -> None:
    assert all(may(Role.ADMIN, permission) for permission in Permission)


def test_roles_parse_in_any_case_and_unknown_ones_name_the_choices() -> None:
    assert parse_role(" Supervisor ") is Role.SUPERVISOR
    with pytest.raises(ValueError, match="agent, supervisor, marketing, admin"):
        parse_role("boss")
