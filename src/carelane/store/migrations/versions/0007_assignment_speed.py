"""Assignments at speed: the waiting queue indexed in queue order, and a roster version.

"Next conversation" reads the head of a workspace's queue from a partial index of the
conversations waiting for an agent (new or open, held by nobody) in queue order: higher
priority, then the response due sooner, then waiting longer, then the lower id. The
index is on three columns the database computes from the stored ones (priority, none
being 0; the next response's deadline, else the first's; since when it waits, else
since it opened). A workspace's roster version is bumped by every teams file applied,
so a process that keeps agents' profiles, teams and lanes between decisions knows when
what it keeps is out of date.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import carelane.store.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = carelane.store.types.UTCDateTime(timezone=True)
_WAITING = "assignee_id IS NULL AND status IN ('new', 'open')"


def upgrade() -> None:
    # Plain ALTER TABLEs, also on SQLite: rebuilding a table other tables refer to would
    # fail their foreign keys once it holds rows.
    op.add_column(
        "workspace", sa.Column("roster_version", sa.Integer(), server_default="0", nullable=False)
    )
    # Stored on PostgreSQL (its only kind before version 18); on SQLite computed when read,
    # the only kind a table can be given after it is made, and as good for an index.
    stored = op.get_bind().dialect.name == "postgresql"
    for name, kind, expression in (
        ("queue_priority", sa.Integer(), "coalesce(priority, 0)"),
        ("response_due_at", _TIME, "coalesce(next_response_due_at, first_response_due_at)"),
        ("queued_since", _TIME, "coalesce(waiting_since, opened_at)"),
    ):
        op.add_column(
            "conversation", sa.Column(name, kind, sa.Computed(expression, persisted=stored))
        )
    op.create_index(
        "ix_conversation_waiting",
        "conversation",
        [
            "workspace_id",
            sa.text("queue_priority DESC"),
            "response_due_at",
            "queued_since",
            "id",
        ],
        unique=False,
        sqlite_where=sa.text(_WAITING),
        postgresql_where=sa.text(_WAITING),
    )


def downgrade() -> None:
    op.drop_index("ix_conversation_waiting", table_name="conversation")
    for column in ("queued_since", "response_due_at", "queue_priority"):
        op.drop_column("conversation", column)
    op.drop_column("workspace", "roster_version")
