"""A reply's states and the moves between them: pure.

```
draft ──send──> awaiting_approval ──approve / edit and approve──> sent | failed
  │                    └──reject (with a comment)──> rejected ──edit──> draft
  └──send (no approval needed)──> sent | failed ──send again──> sent | failed
```

The agent edits a draft, a rejected reply (it comes back to them with the supervisor's
comment) or a failed one; any of those may be sent (again). Only a supervisor moves a
reply out of awaiting approval. A sent reply never changes.
"""

from enum import StrEnum


class ReplyState(StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    SENT = "sent"
    FAILED = "failed"
    REJECTED = "rejected"


EDITABLE = frozenset({ReplyState.DRAFT, ReplyState.REJECTED, ReplyState.FAILED})
"""States in which the agent may change the text and send."""


class Decision(StrEnum):
    """A supervisor's decision on a reply awaiting approval."""

    APPROVED = "approved"
    EDITED = "edited"  # approved with the supervisor's changes
    REJECTED = "rejected"


class ReviewState(StrEnum):
    """Where a reply stands in the review after sending."""

    PENDING = "pending"
    REVIEWED = "reviewed"


def edit_refusal(state: ReplyState) -> str | None:
    """Why the agent may not change or send a reply in `state`; None when they may."""
    if state is ReplyState.AWAITING_APPROVAL:
        return "the reply waits for a supervisor's approval: it changes only by their decision"
    if state is ReplyState.SENT:
        return "the reply was sent: a sent reply never changes"
    return None
