"""Accounts: who may sign in, with which role, to which workspaces."""
