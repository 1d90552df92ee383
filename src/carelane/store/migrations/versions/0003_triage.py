"""Triage: each post's triage, agents' corrections, a conversation's categories, and a
workspace's lanes and triage settings.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import carelane.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TIME = carelane.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "post_triage",
        sa.Column("post_id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("actionable", sa.Boolean(), nullable=False),
        sa.Column("intent", sa.String(length=16), nullable=False),
        sa.Column("sentiment", sa.String(length=16), nullable=False),
        sa.Column("sentiment_score", sa.Float(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("lane", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("take_offline", sa.Boolean(), nullable=False),
        sa.Column("detail", _JSON, nullable=False),
        sa.Column("triaged_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("post_id"),
    )
    with op.batch_alter_table("post_triage", schema=None) as batch_op:
        batch_op.create_index(
            "ix_post_triage_workspace_intent", ["workspace_id", "intent"], unique=False
        )
        batch_op.create_index(
            "ix_post_triage_workspace_priority", ["workspace_id", "priority"], unique=False
        )
    op.create_table(
        "triage_correction",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("post_id", _ID, nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("old_value", sa.String(length=255), nullable=True),
        sa.Column("new_value", sa.String(length=255), nullable=False),
        sa.Column("agent_id", _ID, nullable=True),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("corrected_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("triage_correction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triage_correction_post_id"), ["post_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_triage_correction_workspace_id"), ["workspace_id"], unique=False
        )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("categories", _JSON, nullable=True))
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lanes_yaml", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("triage_settings", _JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.drop_column("triage_settings")
        batch_op.drop_column("lanes_yaml")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("categories")
    op.drop_table("triage_correction")
    op.drop_table("post_triage")
