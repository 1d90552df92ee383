"""Replies: drafts, sending through each channel's outbox, length limits, the
personal-data guard and internal notes with @mentions."""
