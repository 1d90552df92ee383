"""Index conversations by latest activity within a workspace.

The conversation queue lists a workspace's conversations latest activity first, with or
without a status filter; without one, this index serves each page without sorting every
conversation of the workspace.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversation_workspace_activity",
            ["workspace_id", "last_message_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_workspace_activity")
