"""Customers: CRM customers, the network identities linked to them, and their history."""
