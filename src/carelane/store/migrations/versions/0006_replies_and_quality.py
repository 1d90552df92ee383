"""Replies and quality: canned responses, replies from draft to sent with their approval
and review fields, the outbox entries replies leave through, agents' certification
levels, each workspace's quality settings (approval rules, review sampling, scorecard
criteria, promotion rule) and reviewers' scorecards.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import carelane.store.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TIME = carelane.store.types.UTCDateTime(timezone=True)
_LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "canned_response",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("lanes", _JSON, nullable=False),
        sa.Column("categories", _JSON, nullable=False),
        sa.Column("intents", _JSON, nullable=False),
        sa.Column("networks", _JSON, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.Column("created_by_user_id", _ID, nullable=True),
        sa.Column("updated_by_user_id", _ID, nullable=True),
        sa.Column("deleted_at", _TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_canned_response_created_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_canned_response_updated_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_canned_response_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_response")),
    )
    with op.batch_alter_table("canned_response", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_canned_response_workspace_id"), ["workspace_id"], unique=False
        )
        batch_op.create_index(
            "uq_canned_response_live_title",
            ["workspace_id", "title"],
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        )

    op.create_table(
        "quality_settings",
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("settings", _JSON, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.Column("updated_by_user_id", _ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_quality_settings_updated_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_quality_settings_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_quality_settings")),
    )
    op.create_table(
        "agent_certification",
        sa.Column("agent_id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("since", _TIME, nullable=False),
        sa.Column("set_by_user_id", _ID, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "level IN ('trainee', 'probation', 'certified')",
            name=op.f("ck_agent_certification_level"),
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agent.id"], name=op.f("fk_agent_certification_agent_id_agent")
        ),
        sa.ForeignKeyConstraint(
            ["set_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_agent_certification_set_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_agent_certification_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("agent_id", name=op.f("pk_agent_certification")),
    )
    with op.batch_alter_table("agent_certification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agent_certification_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "reply",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("conversation_id", _ID, nullable=False),
        sa.Column("agent_id", _ID, nullable=False),
        sa.Column("author_user_id", _ID, nullable=True),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("network", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("canned_response_id", _ID, nullable=True),
        sa.Column("in_reply_to_post_id", _ID, nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.Column("submitted_at", _TIME, nullable=True),
        sa.Column("sent_at", _TIME, nullable=True),
        sa.Column("certification_level", sa.String(length=16), nullable=True),
        sa.Column("approval_reasons", _JSON, nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_by_user_id", _ID, nullable=True),
        sa.Column("decided_at", _TIME, nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.Column("submitted_body", sa.Text(), nullable=True),
        sa.Column("review_state", sa.String(length=16), nullable=True),
        sa.Column("review_reason", sa.String(length=255), nullable=True),
        sa.Column("message_id", _ID, nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('draft', 'awaiting_approval', 'sent', 'failed', 'rejected')",
            name=op.f("ck_reply_state"),
        ),
        sa.CheckConstraint("visibility IN ('public', 'private')", name=op.f("ck_reply_visibility")),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"], name=op.f("fk_reply_agent_id_agent")),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["user_account.id"],
            name=op.f("fk_reply_author_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["canned_response_id"],
            ["canned_response.id"],
            name=op.f("fk_reply_canned_response_id_canned_response"),
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_reply_conversation_id_conversation"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_reply_decided_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["in_reply_to_post_id"], ["post.id"], name=op.f("fk_reply_in_reply_to_post_id_post")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name=op.f("fk_reply_message_id_message")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_reply_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply")),
        sa.UniqueConstraint("message_id", name=op.f("uq_reply_message_id")),
    )
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reply_agent_level",
            ["agent_id", "certification_level", "submitted_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_reply_conversation_created", ["conversation_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_reply_workspace_review", ["workspace_id", "review_state", "sent_at"], unique=False
        )
        batch_op.create_index(
            "ix_reply_workspace_state", ["workspace_id", "state", "submitted_at"], unique=False
        )

    op.create_table(
        "outbox_entry",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("reply_id", _ID, nullable=False),
        sa.Column("channel_id", _ID, nullable=False),
        sa.Column("outbox", sa.String(length=32), nullable=False),
        sa.Column("network", sa.String(length=32), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("recipient_handle", sa.String(length=255), nullable=False),
        sa.Column("in_reply_to_external_id", sa.String(length=255), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("delivered_at", _TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channel.id"], name=op.f("fk_outbox_entry_channel_id_channel")
        ),
        sa.ForeignKeyConstraint(
            ["reply_id"], ["reply.id"], name=op.f("fk_outbox_entry_reply_id_reply")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_outbox_entry_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_entry")),
        sa.UniqueConstraint("reply_id", name=op.f("uq_outbox_entry_reply_id")),
    )
    with op.batch_alter_table("outbox_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_entry_workspace_created", ["workspace_id", "created_at"], unique=False
        )

    op.create_table(
        "quality_review",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("reply_id", _ID, nullable=False),
        sa.Column("agent_id", _ID, nullable=False),
        sa.Column("reviewer_user_id", _ID, nullable=False),
        sa.Column("scores", _JSON, nullable=False),
        sa.Column("mean_score", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agent.id"], name=op.f("fk_quality_review_agent_id_agent")
        ),
        sa.ForeignKeyConstraint(
            ["reply_id"], ["reply.id"], name=op.f("fk_quality_review_reply_id_reply")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_user_id"],
            ["user_account.id"],
            name=op.f("fk_quality_review_reviewer_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_quality_review_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_review")),
        sa.UniqueConstraint(
            "reply_id", "reviewer_user_id", name=op.f("uq_quality_review_reply_id_reviewer_user_id")
        ),
    )
    with op.batch_alter_table("quality_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quality_review_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quality_review_reply_id"), ["reply_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_quality_review_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("quality_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_review_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_quality_review_reply_id"))
        batch_op.drop_index(batch_op.f("ix_quality_review_agent_id"))

    op.drop_table("quality_review")
    with op.batch_alter_table("outbox_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_entry_workspace_created")

    op.drop_table("outbox_entry")
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.drop_index("ix_reply_workspace_state")
        batch_op.drop_index("ix_reply_workspace_review")
        batch_op.drop_index("ix_reply_conversation_created")
        batch_op.drop_index("ix_reply_agent_level")

    op.drop_table("reply")
    with op.batch_alter_table("agent_certification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_certification_workspace_id"))

    op.drop_table("agent_certification")
    op.drop_table("quality_settings")
    with op.batch_alter_table("canned_response", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_canned_response_live_title", sqlite_where=_LIVE, postgresql_where=_LIVE
        )
        batch_op.drop_index(batch_op.f("ix_canned_response_workspace_id"))

    op.drop_table("canned_response")
