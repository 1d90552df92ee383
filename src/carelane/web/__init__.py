"""The HTTP edge: the app factory, error mapping, per-request sessions, the landing page."""
