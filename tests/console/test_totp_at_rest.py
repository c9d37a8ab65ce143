"""TOTP secrets are encrypted at rest (the project's Fernet key): the column never holds the base32 secret, and
signing in with the authenticator still works, the first time and the next."""

from __future__ import annotations

import time

import pyotp
from sqlalchemy import select

from console import auth
from storage.models import StaffCredential
from tests.console.conftest import ConsoleHarness


async def test_the_column_never_holds_the_secret_and_totp_sign_in_works(ch: ConsoleHarness) -> None:
    account = await ch.account(role="supervisor")  # supervisors must use TOTP
    b = ch.browser()
    await b.get("/console/login")
    first = await b.post("/console/login", {"email": account.email, "password": account.password})
    assert first.headers["location"] == "/console/totp"
    enrol = await b.get("/console/totp")  # enrolment: the secret is shown once, here
    stored = await ch.db(lambda s: s.scalars(select(StaffCredential.totp_secret).where(
        StaffCredential.staff_id == account.staff_id)).one())
    shown = enrol.text.split('id="totp-secret">')[1].split("<")[0]
    assert stored and shown not in stored and stored.startswith("gAAAAA")
    assert auth.TotpVault(_key(ch)).open(stored) == shown
    # The page shown again (a reload) gives the same secret: the stored token opens.
    assert shown in (await b.get("/console/totp")).text

    done = await b.post("/console/totp", {"code": pyotp.TOTP(shown).now()})
    assert done.status_code == 303 and done.headers["location"] == "/console/"
    assert (await b.get("/console/queue")).status_code == 200

    # Sign out and in again: the second factor is checked against the sealed secret (the next time step, as the
    # one just used is refused as a replay).
    await b.post("/console/logout")
    again = ch.browser()
    await again.get("/console/login")
    assert (await again.post("/console/login", {"email": account.email, "password": account.password})
            ).headers["location"] == "/console/totp"
    page = await again.get("/console/totp")
    assert shown not in page.text  # enrolled: the secret is never shown again
    wrong = await again.post("/console/totp", {"code": "000000" if pyotp.TOTP(shown).now() != "000000" else "111111"})
    assert wrong.status_code == 401
    ok = await again.post("/console/totp", {"code": pyotp.TOTP(shown).at(time.time() + 30)})
    assert ok.status_code == 303 and ok.headers["location"] == "/console/"
    after = await ch.db(lambda s: s.scalars(select(StaffCredential.totp_secret).where(
        StaffCredential.staff_id == account.staff_id)).one())
    assert after == stored and shown not in after


def _key(ch: ConsoleHarness) -> bytes:
    """The key the console uses: the one in its var directory (the test's settings set no POISON_KEY)."""
    return (ch.console.settings.var_dir / "poison.key").read_bytes().strip()
