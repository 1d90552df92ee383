"""Customer services on both databases: events, one customer per author, workspace rules."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.customers.linking import LinkedBy
from carelane.customers.service import do_create_customer, do_link_identity, get_customer
from carelane.domain.errors import ConflictError, InvalidInputError, NotFoundError
from carelane.ingest.schema import validate_post
from carelane.ingest.service import PostToStore, do_ingest_posts
from carelane.store.models import Event, Post
from carelane.workspaces.service import do_create_workspace
from tests.conftest import at
from tests.helpers import post_data


def _author(session: Session, now: datetime, workspace: str, handle: str) -> int:
    post = validate_post(
        post_data(f"{workspace}-{handle}", created_at=at(0), workspace=workspace, author=handle),
        now=now,
        max_clock_skew=timedelta(minutes=5),
    )
    assert not isinstance(post, list)
    (result,) = do_ingest_posts(session=session, posts=[PostToStore(0, post)], now=now)
    author_id = session.scalar(select(Post.author_id).where(Post.id == result.post_id))
    assert author_id is not None
    return author_id


def test_link_records_how_who_and_consent_with_events(session: Session, now: datetime) -> None:
    acme = do_create_workspace(session=session, slug="acme", name="Acme", now=now)
    author_id = _author(session, now, "acme", "bill")
    customer = do_create_customer(
        session=session, workspace_id=acme.id, name="Bill", crm_ref="C-1", now=now
    )
    identity = do_link_identity(
        session=session,
        workspace_id=acme.id,
        customer_id=customer.id,
        author_id=author_id,
        linked_by=LinkedBy.CRM_IMPORT,
        consent=False,
        note="matched on the handle the customer gave the CRM",
        now=now,
    )
    assert identity.consent_at is None
    assert identity.linked_by is LinkedBy.CRM_IMPORT
    events = session.execute(
        select(Event.type, Event.data)
        .where(Event.type.in_(["customer.created", "identity.linked"]))
        .order_by(Event.id)
    ).all()
    assert [(t, d["customer_id"]) for t, d in events] == [
        ("customer.created", customer.id),
        ("identity.linked", customer.id),
    ]
    assert events[1][1]["linked_by"] == "crm_import"
    detail = get_customer(session=session, workspace="acme", customer_id=customer.id)
    assert [i.author.handle for i in detail.identities] == ["bill"]

    other = do_create_customer(session=session, workspace_id=acme.id, name="Will", now=now)
    with pytest.raises(ConflictError):
        do_link_identity(
            session=session,
            workspace_id=acme.id,
            customer_id=other.id,
            author_id=author_id,
            linked_by=LinkedBy.AGENT_VERIFIED,
            consent=True,
            now=now,
        )


def test_nothing_links_across_workspaces(session: Session, now: datetime) -> None:
    acme = do_create_workspace(session=session, slug="acme", name="Acme", now=now)
    globex = do_create_workspace(session=session, slug="globex", name="Globex", now=now)
    acme_author = _author(session, now, "acme", "bill")
    globex_customer = do_create_customer(
        session=session, workspace_id=globex.id, name="Bill", now=now
    )
    with pytest.raises(NotFoundError):
        do_link_identity(
            session=session,
            workspace_id=globex.id,
            customer_id=globex_customer.id,
            author_id=acme_author,
            linked_by=LinkedBy.CUSTOMER_PROVIDED,
            consent=True,
            now=now,
        )
    with pytest.raises(NotFoundError):
        do_link_identity(
            session=session,
            workspace_id=acme.id,
            customer_id=globex_customer.id,
            author_id=acme_author,
            linked_by=LinkedBy.CUSTOMER_PROVIDED,
            consent=True,
            now=now,
        )
    with pytest.raises(NotFoundError):
        get_customer(session=session, workspace="acme", customer_id=globex_customer.id)


def test_workspace_and_customer_input_rules(session: Session, now: datetime) -> None:
    do_create_workspace(session=session, slug="acme", name="Acme", now=now)
    with pytest.raises(ConflictError):
        do_create_workspace(session=session, slug="acme", name="Acme again", now=now)
    with pytest.raises(InvalidInputError):
        do_create_workspace(session=session, slug="Acme Air", name="Acme", now=now)
    with pytest.raises(InvalidInputError):
        do_create_customer(session=session, workspace_id=1, name="  ", now=now)
