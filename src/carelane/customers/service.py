"""Customers and their linked identities: create, link, and read history across channels."""

from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carelane.conversations.lane_scope import LanesSeen
from carelane.conversations.schemas import AuthorOut, ConversationOut
from carelane.conversations.service import ConversationFilters, get_conversation_page
from carelane.customers.linking import LinkedBy
from carelane.customers.schemas import (
    AuthorDetail,
    CustomerDetail,
    CustomerOut,
    IdentityOut,
)
from carelane.domain.errors import ConflictError, FieldError, InvalidInputError, NotFoundError
from carelane.domain.events import EventType
from carelane.posts.schemas import PostOut
from carelane.posts.service import PostFilters, get_post_page
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Agent, Author, Customer, Identity
from carelane.workspaces.service import get_workspace_id

HISTORY_CONVERSATIONS = 100
HISTORY_POSTS = 50


def identity_out(identity: Identity, author: Author) -> IdentityOut:
    return IdentityOut(
        id=identity.id,
        customer_id=identity.customer_id,
        author=AuthorOut.model_validate(author),
        linked_by=LinkedBy(identity.linked_by),
        consent=identity.consent,
        consent_at=identity.consent_at,
        linked_by_agent_id=identity.linked_by_agent_id,
        note=identity.note,
        created_at=identity.created_at,
    )


def do_create_customer(
    *,
    session: Session,
    workspace_id: int,
    name: str,
    email: str | None = None,
    phone: str | None = None,
    crm_ref: str | None = None,
    now: datetime,
) -> CustomerOut:
    """Create a customer of workspace `workspace_id` and log `customer.created`."""
    if not name.strip():
        raise InvalidInputError([FieldError("name", "must not be empty")])
    with unit_of_work(session):
        customer = Customer(
            workspace_id=workspace_id,
            name=name,
            email=email,
            phone=phone,
            crm_ref=crm_ref,
            created_at=now,
        )
        session.add(customer)
        session.flush()
        append_events(
            session,
            [
                EventRow(
                    workspace_id,
                    EventType.CUSTOMER_CREATED,
                    now,
                    data={"customer_id": customer.id, "crm_ref": crm_ref},
                )
            ],
            now=now,
        )
    return CustomerOut.model_validate(customer)


_Owned = TypeVar("_Owned", Customer, Author, Agent)


def _in_workspace(
    session: Session, model: type[_Owned], row_id: int, workspace_id: int, what: str
) -> _Owned:
    row = session.get(model, row_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFoundError(f"no {what} {row_id} in this workspace")
    return row


def do_link_identity(
    *,
    session: Session,
    workspace_id: int,
    customer_id: int,
    author_id: int,
    linked_by: LinkedBy,
    consent: bool,
    agent_id: int | None = None,
    note: str | None = None,
    now: datetime,
) -> IdentityOut:
    """Link author `author_id` to customer `customer_id`, recording how, by whom and with
    what consent, and log `identity.linked`.

    Customer, author and agent must all belong to workspace `workspace_id` (NotFoundError
    otherwise). An author links to one customer at most: ConflictError if already linked,
    also when a concurrent request linked it first.
    """
    try:
        with unit_of_work(session):
            _in_workspace(session, Customer, customer_id, workspace_id, "customer")
            author = _in_workspace(session, Author, author_id, workspace_id, "author")
            if agent_id is not None:
                _in_workspace(session, Agent, agent_id, workspace_id, "agent")
            linked = session.scalar(
                select(Identity.customer_id).where(Identity.author_id == author_id)
            )
            if linked is not None:
                raise ConflictError(f"author {author_id} is already linked to customer {linked}")
            identity = Identity(
                workspace_id=workspace_id,
                customer_id=customer_id,
                author_id=author_id,
                linked_by=linked_by.value,
                linked_by_agent_id=agent_id,
                consent=consent,
                consent_at=now if consent else None,
                note=note,
                created_at=now,
            )
            session.add(identity)
            session.flush()
            append_events(
                session,
                [
                    EventRow(
                        workspace_id,
                        EventType.IDENTITY_LINKED,
                        now,
                        agent_id=agent_id,
                        data={
                            "customer_id": customer_id,
                            "author_id": author_id,
                            "linked_by": linked_by.value,
                            "consent": consent,
                        },
                    )
                ],
                now=now,
            )
    except IntegrityError as error:
        raise ConflictError(f"author {author_id} is already linked to a customer") from error
    return identity_out(identity, author)


def get_customer(
    *, session: Session, workspace: str, customer_id: int, lanes_seen: LanesSeen = None
) -> CustomerDetail:
    """Customer `customer_id` of workspace `workspace` with every linked identity, and the
    conversations and recent posts of all of them, on every channel, in `lanes_seen`
    (None: every lane).

    NotFoundError when the customer is not one of the workspace's own.
    """
    workspace_id = get_workspace_id(session=session, slug=workspace)
    customer = session.get(Customer, customer_id)
    if customer is None or customer.workspace_id != workspace_id:
        raise NotFoundError(f"no customer {customer_id} in workspace {workspace!r}")
    rows = session.execute(
        select(Identity, Author)
        .join(Author, Author.id == Identity.author_id)
        .where(Identity.customer_id == customer_id, Identity.workspace_id == workspace_id)
        .order_by(Identity.created_at, Identity.id)
    ).all()
    identities = [identity_out(identity, author) for identity, author in rows]
    conversations, posts = _history(
        session, workspace_id, [identity.author.id for identity in identities], lanes_seen
    )
    return CustomerDetail(
        **CustomerOut.model_validate(customer).model_dump(),
        identities=identities,
        conversations=conversations,
        recent_posts=posts,
    )


def get_author(
    *, session: Session, workspace: str, author_id: int, lanes_seen: LanesSeen = None
) -> AuthorDetail:
    """Author `author_id` of workspace `workspace`, the customer they are linked to (if
    any), and their conversations and recent posts in `lanes_seen` (None: every lane).

    NotFoundError when the author is not one of the workspace's own.
    """
    workspace_id = get_workspace_id(session=session, slug=workspace)
    author = session.get(Author, author_id)
    if author is None or author.workspace_id != workspace_id:
        raise NotFoundError(f"no author {author_id} in workspace {workspace!r}")
    link = session.execute(
        select(Identity, Customer)
        .join(Customer, Customer.id == Identity.customer_id)
        .where(Identity.author_id == author_id)
    ).first()
    conversations, posts = _history(session, workspace_id, [author_id], lanes_seen)
    return AuthorDetail(
        **AuthorOut.model_validate(author).model_dump(),
        identity=identity_out(link[0], author) if link else None,
        customer=CustomerOut.model_validate(link[1]) if link else None,
        conversations=conversations,
        recent_posts=posts,
    )


def _history(
    session: Session, workspace_id: int, author_ids: list[int], lanes_seen: LanesSeen
) -> tuple[list[ConversationOut], list[PostOut]]:
    conversations = get_conversation_page(
        session=session,
        workspace_id=workspace_id,
        filters=ConversationFilters(author_ids=author_ids, lanes_seen=lanes_seen),
        limit=HISTORY_CONVERSATIONS,
    )
    posts = get_post_page(
        session=session,
        workspace_id=workspace_id,
        filters=PostFilters(author_ids=author_ids, lanes_seen=lanes_seen),
        limit=HISTORY_POSTS,
    )
    return conversations.items, posts.items
