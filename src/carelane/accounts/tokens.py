"""Random secrets handed out once (session cookies, API tokens), and the digests kept
instead of them."""

import hashlib
import secrets

API_TOKEN_PREFIX = "clt_"  # noqa: S105 - a visible mark, not a secret
"""Marks carelane API tokens, so that one pasted somewhere it should not be is recognised."""


def new_secret() -> str:
    """32 random bytes, URL-safe: what a session cookie or CSRF token holds."""
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def secret_digest(secret: str) -> str:
    """The SHA-256 of `secret` in hex: what is stored and looked up. The secrets are 256
    random bits, so a fast digest is enough (no password-style stretching is needed)."""
    return hashlib.sha256(secret.encode("utf-8", errors="surrogateescape")).hexdigest()


def same_secret(given: str, expected: str) -> bool:
    """Compare in constant time."""
    return secrets.compare_digest(
        given.encode("utf-8", errors="surrogateescape"),
        expected.encode("utf-8", errors="surrogateescape"),
    )
