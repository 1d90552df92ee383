"""The values of canned responses' variables for one conversation and one agent, read
from the conversation's author and customer, the agent, the workspace and the customer's
posts."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.domain.channels import Network
from carelane.replies.conversation_facts import ConversationFacts, customer_texts
from carelane.replies.length_limits import NETWORK_NAMES
from carelane.store.models import Agent, Customer, Identity, Workspace
from carelane.triage.personal_data import PersonalDataKind, find_personal_data

_AT_HANDLE_NETWORKS = frozenset({Network.TWITTER, Network.INSTAGRAM})


def _first_word(name: str | None) -> str | None:
    words = (name or "").split()
    return words[0] if words else None


def _initials(name: str) -> str | None:
    letters = [word[0].upper() for word in name.split() if word[0].isalpha()]
    return "".join(letters) or None


def booking_reference(texts: list[str]) -> str | None:
    """The booking reference in the newest of `texts` that has one."""
    for text in texts:
        for span in find_personal_data(text).spans:
            if span.kind is PersonalDataKind.BOOKING:
                return text[span.start : span.end]
    return None


def variable_values(
    session: Session, facts: ConversationFacts, agent: Agent | None
) -> dict[str, str | None]:
    """Each variable's value for the conversation of `facts` answered by `agent` (None
    where nothing gives one)."""
    customer_name = session.scalar(
        select(Customer.name)
        .join(Identity, Identity.customer_id == Customer.id)
        .where(Identity.author_id == facts.author_id)
    )
    if customer_name is None and facts.customer_id is not None:
        customer_name = session.scalar(
            select(Customer.name).where(Customer.id == facts.customer_id)
        )
    handle = facts.author_handle.lstrip("@")
    shown_handle = f"@{handle}" if facts.network in _AT_HANDLE_NETWORKS else handle
    author_name = (facts.author_display_name or "").strip() or None
    workspace_name, triage_settings = session.execute(
        select(Workspace.name, Workspace.triage_settings).where(Workspace.id == facts.workspace_id)
    ).one()
    brand_handles = list((triage_settings or {}).get("brand_handles") or [])
    return {
        "customer_first_name": _first_word(customer_name or author_name) or handle,
        "customer_name": customer_name or author_name or handle,
        "author_handle": shown_handle,
        "author_name": author_name or handle,
        "agent_name": agent.name if agent is not None else None,
        "agent_first_name": _first_word(agent.name) if agent is not None else None,
        "agent_initials": _initials(agent.name) if agent is not None else None,
        "brand": workspace_name,
        "brand_handle": f"@{brand_handles[0].lstrip('@')}" if brand_handles else None,
        "booking_reference": booking_reference(customer_texts(session, facts.id)),
        "network": NETWORK_NAMES[facts.network],
    }
