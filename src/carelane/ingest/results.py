"""What became of each item handed to ingestion."""

from dataclasses import dataclass, field
from enum import StrEnum

from carelane.domain.errors import FieldError


class ItemStatus(StrEnum):
    CREATED = "created"  # stored as a new post
    DUPLICATE = "duplicate"  # the same post (channel + external id) was already stored
    REJECTED = "rejected"  # invalid: nothing of it was stored


@dataclass(slots=True)
class ItemResult:
    """The outcome for the item at `index` of the caller's input."""

    index: int
    status: ItemStatus
    post_id: int | None = None
    conversation_id: int | None = None
    opened_conversation: bool = False
    errors: list[FieldError] = field(default_factory=list)


@dataclass(slots=True)
class IngestSummary:
    """Counts over many batches, for progress bars and closing summaries."""

    created: int = 0
    duplicate: int = 0
    rejected: int = 0
    conversations_opened: int = 0

    def add(self, results: list[ItemResult]) -> None:
        for result in results:
            if result.status is ItemStatus.CREATED:
                self.created += 1
                self.conversations_opened += result.opened_conversation
            elif result.status is ItemStatus.DUPLICATE:
                self.duplicate += 1
            else:
                self.rejected += 1

    @property
    def total(self) -> int:
        return self.created + self.duplicate + self.rejected
