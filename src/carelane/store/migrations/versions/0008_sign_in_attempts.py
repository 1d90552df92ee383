"""Sign-in throttling: each failed sign-in with the email it named and the client address
it came from, counted per email and per address within the throttling window.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import carelane.store.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = carelane.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", _ID, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempt")),
    )
    op.create_index(
        "ix_sign_in_attempt_email_attempted_at", "sign_in_attempt", ["email", "attempted_at"]
    )
    op.create_index(
        "ix_sign_in_attempt_client_address_attempted_at",
        "sign_in_attempt",
        ["client_address", "attempted_at"],
    )
    op.create_index(op.f("ix_sign_in_attempt_attempted_at"), "sign_in_attempt", ["attempted_at"])


def downgrade() -> None:
    op.drop_table("sign_in_attempt")
