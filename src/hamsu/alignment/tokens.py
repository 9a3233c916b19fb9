"""Invitation links: unguessable tokens of which only a hash is stored.

A stolen database therefore yields no working links, and a token cannot be recovered to
be re-sent: reminders issue a fresh token (the old link stops working).
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits of randomness, ~43 URL-safe characters


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    # A plain SHA-256 is enough: the token has 256 bits of entropy, so there is nothing to
    # brute-force that a slow, salted hash would protect.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
