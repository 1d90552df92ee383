"""Service-level alarms fired: each warning and breach of a conversation's clock, once."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carelane.store.models.base import Base
from carelane.store.types import Id, UTCDateTime


class SlaAlarm(Base):
    """A warning or breach of one service-level clock, fired.

    A clock is named by its kind and the instant it started, which a pause or a later
    message never changes; the unique key makes firing it twice impossible, also across
    restarts of the scheduler and between concurrent schedulers.
    """

    __tablename__ = "sla_alarm"
    __table_args__ = (UniqueConstraint("conversation_id", "kind", "alarm", "clock_started_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspace.id"), index=True)
    conversation_id: Mapped[int] = mapped_column(Id, ForeignKey("conversation.id"))
    kind: Mapped[str] = mapped_column(String(16))
    alarm: Mapped[str] = mapped_column(String(16))
    clock_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime)
