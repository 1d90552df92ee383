"""Canned responses: written once, searched by title and text, filled in with the
conversation's `{variables}`, and suggested for the post being answered."""
