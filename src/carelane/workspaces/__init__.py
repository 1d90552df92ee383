"""Workspaces: one brand each, and what has been loaded into them."""
