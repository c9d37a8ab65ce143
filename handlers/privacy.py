"""Privacy helpers for logs: sender ids are never logged in the clear."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache

_ENV_SALT = "HOTLINE_LOG_SALT"


@lru_cache(maxsize=1)
def _salt() -> bytes:
    """The salt for log pseudonyms, read on first use (not at import).

    A deployment sets HOTLINE_LOG_SALT so pseudonyms stay stable across restarts and workers (logs can be
    correlated); without it a random per-process salt is used, which is still safe, just not stable.
    """
    value = os.environ.get(_ENV_SALT)
    return value.encode("utf-8") if value else secrets.token_bytes(32)


def pseudonym(sender_id: str) -> str:
    """A short salted hash of a sender id ("tg:123", "wa:+62...") for logs: 12 hex chars, not reversible."""
    digest = hmac.new(_salt(), sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:12]
