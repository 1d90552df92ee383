"""A batch never overwrites a change made to its conversations while it was in flight."""

import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from carelane.domain.posts import NormalisedPost
from carelane.ingest.results import ItemResult
from carelane.ingest.schema import validate_post
from carelane.ingest.service import PostToStore, do_ingest_posts
from carelane.store.models import Conversation
from tests.conftest import at
from tests.helpers import post_data


def _post(external_id: str, minutes: int, now: datetime) -> list[PostToStore]:
    post = validate_post(
        post_data(external_id, created_at=at(minutes)), now=now, max_clock_skew=timedelta(0)
    )
    assert isinstance(post, NormalisedPost), post
    return [PostToStore(0, post)]


def test_conversation_resolved_during_a_batch_stays_resolved(
    engine: Engine, sessions: sessionmaker[Session], now: datetime
) -> None:
    with sessions() as session:
        first = do_ingest_posts(
            session=session, posts=_post("1", 0, now), now=now, create_workspaces=True
        )
    conversation_id = first[0].conversation_id

    # An agent resolves the conversation in a transaction still open when the next post
    # of the same customer is being stored.
    agent = engine.connect()
    agent.execute(
        text("UPDATE conversation SET status = 'resolved' WHERE id = :id"), {"id": conversation_id}
    )
    outcome: list[ItemResult] = []

    def ingest() -> None:
        with sessions() as session:
            outcome.extend(do_ingest_posts(session=session, posts=_post("2", 30, now), now=now))

    worker = threading.Thread(target=ingest)
    worker.start()
    time.sleep(0.5)  # let the batch reach the conversation before the agent commits
    agent.commit()
    agent.close()
    worker.join(timeout=60)

    assert not worker.is_alive()
    assert outcome[0].conversation_id != conversation_id
    assert outcome[0].opened_conversation
    with sessions() as session:
        resolved = session.get(Conversation, conversation_id)
        assert resolved is not None
        assert resolved.status == "resolved"
        assert resolved.message_count == 1
