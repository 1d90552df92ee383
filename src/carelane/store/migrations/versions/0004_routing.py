"""Routing and service levels: a workspace's teams and service-levels files, agents'
routing profiles and presence, the many lanes of a team, a conversation's routing and
deadline columns, and the service-level alarms fired.

Existing teams keep their one lane as their first owned lane; existing conversations
wait since they opened. An agent's email becomes optional (a teams file may leave it
out); downgrading refuses agents without one.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import carelane.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TIME = carelane.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "team_lane",
        sa.Column("team_id", _ID, nullable=False),
        sa.Column("lane", sa.String(length=100), nullable=False),
        sa.Column("backup", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("team_id", "lane", "backup"),
    )
    op.create_table(
        "sla_alarm",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("conversation_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("alarm", sa.String(length=16), nullable=False),
        sa.Column("clock_started_at", _TIME, nullable=False),
        sa.Column("due_at", _TIME, nullable=False),
        sa.Column("fired_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id", "kind", "alarm", "clock_started_at"),
    )
    with op.batch_alter_table("sla_alarm", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sla_alarm_workspace_id"), ["workspace_id"], unique=False
        )
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("on_roster", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("tier", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )
        batch_op.add_column(sa.Column("skills", _JSON, nullable=True))
        batch_op.add_column(sa.Column("capacity", _JSON, nullable=True))
        batch_op.add_column(sa.Column("duties", _JSON, nullable=True))
        batch_op.add_column(
            sa.Column(
                "state", sa.String(length=16), server_default=sa.text("'offline'"), nullable=False
            )
        )
        batch_op.add_column(sa.Column("state_changed_at", _TIME, nullable=True))
        batch_op.add_column(sa.Column("idle_since", _TIME, nullable=True))
        batch_op.alter_column("email", existing_type=sa.String(length=320), nullable=True)
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tier", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("on_roster", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("tier", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )
        batch_op.add_column(sa.Column("waiting_since", _TIME, nullable=True))
        batch_op.add_column(sa.Column("previous_assignee_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("assigned_at", _TIME, nullable=True))
        batch_op.add_column(sa.Column("sla_policy", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("first_response_warning_at", _TIME, nullable=True))
        batch_op.add_column(sa.Column("next_response_warning_at", _TIME, nullable=True))
        batch_op.add_column(sa.Column("resolution_warning_at", _TIME, nullable=True))
        batch_op.add_column(sa.Column("sla_alarm_at", _TIME, nullable=True))
        batch_op.create_index(
            "ix_conversation_assignee_status", ["assignee_id", "status"], unique=False
        )
        batch_op.create_index("ix_conversation_sla_alarm_at", ["sla_alarm_at"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_conversation_previous_assignee_id_agent"),
            "agent",
            ["previous_assignee_id"],
            ["id"],
        )
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.add_column(sa.Column("teams_yaml", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("service_levels_yaml", sa.Text(), nullable=True))
    op.execute(
        "INSERT INTO team_lane (team_id, lane, backup, position) "
        "SELECT id, lane, false, 0 FROM team WHERE lane IS NOT NULL"
    )
    op.execute("UPDATE conversation SET waiting_since = opened_at")


def downgrade() -> None:
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.drop_column("service_levels_yaml")
        batch_op.drop_column("teams_yaml")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_conversation_previous_assignee_id_agent"), type_="foreignkey"
        )
        batch_op.drop_index("ix_conversation_sla_alarm_at")
        batch_op.drop_index("ix_conversation_assignee_status")
        for column in (
            "sla_alarm_at",
            "resolution_warning_at",
            "next_response_warning_at",
            "first_response_warning_at",
            "sla_policy",
            "assigned_at",
            "previous_assignee_id",
            "waiting_since",
            "tier",
            "language",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("team", schema=None) as batch_op:
        for column in ("on_roster", "description", "tier"):
            batch_op.drop_column(column)
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=320), nullable=False)
        for column in (
            "idle_since",
            "state_changed_at",
            "state",
            "duties",
            "capacity",
            "skills",
            "tier",
            "on_roster",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("sla_alarm", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_alarm_workspace_id"))
    op.drop_table("sla_alarm")
    op.drop_table("team_lane")
