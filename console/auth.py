"""Console sign-in: Argon2 password hashes, TOTP, signed session cookies, CSRF tokens.

The cookie holds ``itsdangerous``-signed random token (its signature carries a timestamp, checked against the
session length); the database keeps only the token's SHA-256 with the session's stage, CSRF token and expiry,
so signing out or deactivating staff ends a session at once.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from itsdangerous import BadSignature, URLSafeTimedSerializer

from storage.models import utcnow

SESSION_COOKIE = "hc_session"
LOGIN_COOKIE = "hc_login"
#: Roles that must use a second factor (they see many cases or every account).
TOTP_ROLES = frozenset({"supervisor", "admin"})
MIN_PASSWORD_CHARS = 12
TOTP_ISSUER = "Hotline Konsol"

_hasher = PasswordHasher()  # argon2id with the library's current defaults (RFC 9106 low-memory profile)
# A fixed hash to verify against when the e-mail is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; an unknown account still pays one verification (no timing oracle)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with older parameters than the current ones."""
    return _hasher.check_needs_rehash(password_hash)


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret."""
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (typed or from a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def totp_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The 30-second time step ``code`` is valid for (± one step of clock drift), or None if wrong."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    at = now or utcnow()
    for drift in (0, -1, 1):
        moment = at + timedelta(seconds=30 * drift)
        if hmac.compare_digest(totp.at(moment), code):
            return int(moment.timestamp()) // 30
    return None


class TotpVault:
    """TOTP secrets encrypted at rest with the project's Fernet key (the one of the encrypted quarantine,
    ``Settings.poison_key`` or ``var/poison.key``): a copied database alone does not give anyone's second factor.

    ``staff_credentials.totp_secret`` only ever holds ``seal``'s token; migration 0008 sealed the older rows.
    """

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, secret: str) -> str:
        """The stored form of a base32 secret."""
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, stored: str | None) -> str | None:
        """The secret behind a stored token; None when there is none or it does not open with this key (a
        changed key: the member enrols again, a supervisor's ``hotline staff link`` resets the password)."""
        if not stored:
            return None
        try:
            return self._fernet.decrypt(stored.encode()).decode()
        except InvalidToken:
            return None


def new_token() -> str:
    """A random URL-safe token (session, CSRF, set-password link)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class CookieSigner:
    """Signs and checks the session and login cookies with the console's secret key."""

    secret: str

    def _serializer(self, salt: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=salt)

    def sign(self, value: str, *, purpose: str) -> str:
        """A signed, timestamped cookie value."""
        return self._serializer(purpose).dumps(value)

    def unsign(self, signed: str | None, *, purpose: str, max_age_s: float) -> str | None:
        """The value, or None if the signature is wrong or older than ``max_age_s``."""
        if not signed:
            return None
        try:
            value = self._serializer(purpose).loads(signed, max_age=int(max_age_s))
        except BadSignature:
            return None
        return value if isinstance(value, str) else None


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens (False if either is missing)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
