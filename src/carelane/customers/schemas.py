"""Customers on the wire: creating, linking identities, and history across channels."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from carelane.conversations.schemas import AuthorOut, ConversationOut
from carelane.customers.linking import LinkedBy
from carelane.posts.schemas import PostOut
from carelane.web.row_ids import BodyId


class CustomerIn(BaseModel):
    """A customer as the CRM knows them."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=255)]
    email: Annotated[str, Field(max_length=320)] | None = None
    phone: Annotated[str, Field(max_length=64)] | None = None
    crm_ref: Annotated[str, Field(max_length=255)] | None = Field(
        default=None, description="The customer's id in the CRM."
    )


class CustomerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str | None
    phone: str | None
    crm_ref: str | None
    created_at: datetime


class IdentityIn(BaseModel):
    """Link an author (a network handle) to this customer."""

    model_config = ConfigDict(extra="forbid")

    author_id: BodyId
    linked_by: LinkedBy = Field(description="How the link was made.")
    consent: bool = Field(description="Whether the customer agreed to the link.")
    agent_id: BodyId | None = Field(default=None, description="The agent who made the link.")
    note: Annotated[str, Field(max_length=1000)] | None = None


class IdentityOut(BaseModel):
    """An author linked to a customer: how, by whom, when, and with what consent."""

    id: int
    customer_id: int
    author: AuthorOut
    linked_by: LinkedBy
    consent: bool
    consent_at: datetime | None
    linked_by_agent_id: int | None
    note: str | None
    created_at: datetime


class CustomerDetail(CustomerOut):
    """A customer with every linked identity and their history across all channels."""

    identities: list[IdentityOut]
    conversations: list[ConversationOut] = Field(description="Latest activity first.")
    recent_posts: list[PostOut] = Field(description="Newest first, from every identity.")


class AuthorDetail(AuthorOut):
    """An author, the customer they are linked to (if any), and their history."""

    identity: IdentityOut | None
    customer: CustomerOut | None
    conversations: list[ConversationOut] = Field(description="Latest activity first.")
    recent_posts: list[PostOut] = Field(description="Newest first.")
