"""Ingestion: validate posts into the normalised form, dedupe, thread and persist them."""
