"""How a network identity came to be linked to a customer."""

from enum import StrEnum


class LinkedBy(StrEnum):
    """How the contact centre learned that an author is a customer: asked, never guessed."""

    CUSTOMER_PROVIDED = "customer_provided"  # the customer told us (e.g. by DM), with consent
    AGENT_VERIFIED = "agent_verified"  # an agent checked it against the CRM with the customer
    CRM_IMPORT = "crm_import"  # the CRM already held the handle the customer gave it
