"""HTTP: customers, their linked identities, and authors with their history."""

from fastapi import APIRouter, status

from carelane.accounts.roles import Permission
from carelane.customers.schemas import (
    AuthorDetail,
    CustomerDetail,
    CustomerIn,
    CustomerOut,
    IdentityIn,
    IdentityOut,
)
from carelane.customers.service import (
    do_create_customer,
    do_link_identity,
    get_author,
    get_customer,
)
from carelane.web.auth import allowed, allowed_in_lanes
from carelane.web.dependencies import SessionDep, WorkspaceIdDep, utc_now
from carelane.web.errors import ERROR_RESPONSES
from carelane.web.lane_access import LanesSeenDep
from carelane.web.row_ids import PathId

router = APIRouter(
    tags=["customers"],
    responses=ERROR_RESPONSES,
    dependencies=[allowed_in_lanes("see customers")],
)
_LINK = allowed(Permission.HANDLE_CONVERSATIONS, "create or link customers")


@router.post(
    "/workspaces/{workspace}/customers",
    response_model=CustomerOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[_LINK],
)
def create_customer(
    workspace_id: WorkspaceIdDep, body: CustomerIn, session: SessionDep
) -> CustomerOut:
    """Create a customer as the CRM knows them."""
    return do_create_customer(
        session=session,
        workspace_id=workspace_id,
        name=body.name,
        email=body.email,
        phone=body.phone,
        crm_ref=body.crm_ref,
        now=utc_now(),
    )


@router.get("/workspaces/{workspace}/customers/{customer_id}", response_model=CustomerDetail)
def show_customer(
    workspace: str, customer_id: PathId, session: SessionDep, lanes_seen: LanesSeenDep
) -> CustomerDetail:
    """A customer with linked identities and their history across every channel (in the
    lanes the reader sees)."""
    return get_customer(
        session=session, workspace=workspace, customer_id=customer_id, lanes_seen=lanes_seen
    )


@router.post(
    "/workspaces/{workspace}/customers/{customer_id}/identities",
    response_model=IdentityOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[_LINK],
)
def link_identity(
    workspace_id: WorkspaceIdDep, customer_id: PathId, body: IdentityIn, session: SessionDep
) -> IdentityOut:
    """Link an author to the customer; 409 if the author is already linked."""
    return do_link_identity(
        session=session,
        workspace_id=workspace_id,
        customer_id=customer_id,
        author_id=body.author_id,
        linked_by=body.linked_by,
        consent=body.consent,
        agent_id=body.agent_id,
        note=body.note,
        now=utc_now(),
    )


@router.get("/workspaces/{workspace}/authors/{author_id}", response_model=AuthorDetail)
def show_author(
    workspace: str, author_id: PathId, session: SessionDep, lanes_seen: LanesSeenDep
) -> AuthorDetail:
    """An author, the customer they are linked to (if any), and their history (in the
    lanes the reader sees)."""
    return get_author(
        session=session, workspace=workspace, author_id=author_id, lanes_seen=lanes_seen
    )
