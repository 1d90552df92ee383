"""Channels: the accounts, searches, forums and review sites a workspace listens on."""
