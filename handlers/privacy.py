"""Privacy helpers for logs: sender ids are never logged in the clear."""

from __future__ import annotations

import hashlib
import hmac
import secrets

_salt: bytes = secrets.token_bytes(32)


def configure(salt: str | None) -> None:
    """Set the pseudonym salt from ``Settings.log_salt`` (called once at start-up by ``configure_logging``).

    With a salt, pseudonyms are stable across restarts and workers so logs can be correlated; without one a
    random per-process salt stays in place, which is still safe, just not stable.
    """
    global _salt
    if salt:
        _salt = salt.encode("utf-8")


def pseudonym(sender_id: str) -> str:
    """A short salted hash of a sender id ("tg:123", "wa:+62...") for logs: 12 hex chars, not reversible."""
    digest = hmac.new(_salt, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:12]


def mask(contact: str | None) -> str:
    """``+6281200000001`` → ``+62…0001``; chat ids likewise keep only the last 4 characters (staff screens);
    no contact (an e-mail-only account) is ``—``."""
    if not contact:
        return "—"
    return contact if len(contact) <= 4 else f"{contact[:3]}…{contact[-4:]}"
