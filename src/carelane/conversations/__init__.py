"""Conversations: threads of care with one customer on one channel, and their timelines."""
