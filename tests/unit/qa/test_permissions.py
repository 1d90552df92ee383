"""Who may approve, score, set levels and write canned responses."""

from carelane.accounts.roles import Permission, Role, may

QUALITY = (Permission.APPROVE_REPLIES, Permission.MANAGE_QUALITY, Permission.EDIT_CANNED_RESPONSES)


def test_supervisors_and_admins_run_quality_and_agents_do_not() -> None:
    for permission in QUALITY:
        assert may(Role.SUPERVISOR, permission)
        assert may(Role.ADMIN, permission)
        assert not may(Role.AGENT, permission)
        assert not may(Role.MARKETING, permission)
