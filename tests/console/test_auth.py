"""Console sign-in over HTTP: passwords, TOTP for supervisors, cookies, CSRF, lock-out, sign-out."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pyotp
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from console import auth
from storage import console as db
from storage import crud
from storage.models import AuditLog, Case, ConsoleSession, StaffCredential, utcnow
from tests.console.conftest import ConsoleHarness


async def test_counsellor_signs_in_with_a_password_and_cookies_are_locked_down(ch: ConsoleHarness) -> None:
    account = await ch.account()
    b = ch.browser()
    assert (await b.get("/console/queue")).headers["location"] == "/console/login"  # no session, no console

    response = await b.login(account)

    assert response.status_code == 303 and response.headers["location"] == "/console/"
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "hc_session=" in v)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=" in cookie and "Path=/console" in cookie
    assert (await b.get("/console/")).headers["location"] == "/console/queue"
    page = await b.get("/console/queue")
    assert page.status_code == 200 and "Antrian kasus" in page.text
    assert page.headers["x-frame-options"] == "DENY" and page.headers["referrer-policy"] == "no-referrer"
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'self': no inline script
    assert page.headers["cache-control"] == "no-store"


async def test_wrong_password_and_unknown_email_look_the_same(ch: ConsoleHarness) -> None:
    account = await ch.account()
    b = ch.browser()
    wrong = await b.login(account, password="bukan-kata-sandinya")
    await b.get("/console/login")
    unknown = await b.post("/console/login", {"email": "tidak.ada@contoh.test", "password": "apa saja"})
    assert wrong.status_code == unknown.status_code == 401
    assert "Email atau kata sandi salah." in wrong.text and "Email atau kata sandi salah." in unknown.text
    assert "hc_session" not in b.http.cookies


async def test_supervisor_must_enrol_totp_then_use_it_and_a_code_works_once(ch: ConsoleHarness) -> None:
    account = await ch.account(role="supervisor")
    b = ch.browser()
    await b.get("/console/login")
    first = await b.post("/console/login", {"email": account.email, "password": account.password})
    assert first.headers["location"] == "/console/totp"
    # Half signed in: the queue is out of reach until the second factor.
    assert (await b.get("/console/queue")).headers["location"] == "/console/totp"
    page = await b.get("/console/totp")
    assert "otpauth://totp/" in page.text
    assert (await b.post("/console/totp", {"code": "000000"})).status_code == 401
    secret = page.text.split('id="totp-secret">')[1].split("<")[0]
    code = pyotp.TOTP(secret).now()
    assert (await b.post("/console/totp", {"code": code})).headers["location"] == "/console/"
    assert (await b.get("/console/queue")).status_code == 200

    # Next sign-in: the enrolled factor is asked again, and the code just used is refused (no replay).
    b2 = ch.browser()
    await b2.get("/console/login")
    await b2.post("/console/login", {"email": account.email, "password": account.password})
    await b2.get("/console/totp")
    replay = await b2.post("/console/totp", {"code": code})
    assert replay.status_code == 401 and "otpauth://" not in replay.text


async def test_forged_or_missing_csrf_is_refused_and_changes_nothing(ch: ConsoleHarness) -> None:
    account = await ch.account()
    code, _, _ = await ch.desk.open(region="32.76")
    b = await ch.signed_in(account)
    await b.get(f"/console/cases/{code}")

    forged = await b.post(f"/console/cases/{code}/note", {"text": "catatan palsu"}, csrf="forged-token")
    missing = await b.http.post(f"/console/cases/{code}/claim", data={})

    assert forged.status_code == 403 and missing.status_code == 403
    case = await ch.db(lambda s: s.scalars(select(Case).where(Case.code == code)).one())
    notes = await ch.db(lambda s: crud.list_case_notes(s, case=case))
    assert notes == [] and case.status in ("new", "paged")
    # The sign-in form is protected too (login CSRF).
    fresh = ch.browser()
    assert (await fresh.http.post("/console/login", data={"email": account.email,
                                                          "password": account.password})).status_code == 403


async def test_ten_wrong_passwords_lock_the_account_with_back_off(ch: ConsoleHarness) -> None:
    account = await ch.account()
    b = ch.browser()
    statuses = [(await b.login(account, password=f"salah-{i}")).status_code for i in range(10)]

    assert statuses[:4] == [401] * 4 and statuses[4:] == [423] * 6
    right = await b.login(account)
    assert right.status_code == 423 and "dikunci" in right.text and "hc_session" not in b.http.cookies
    cred = await ch.db(lambda s: s.get(StaffCredential, account.staff_id))
    assert cred.failed_logins == 5 and cred.locked_until is not None
    rows = await ch.db(lambda s: list(s.scalars(select(AuditLog).where(AuditLog.entity == "staff",
                                                                       AuditLog.entity_id == str(account.staff_id)))))
    actions = [r.action for r in rows]
    assert actions.count("login_failed") == 5 and actions.count("login_locked") == 6
    assert all("salah" not in str(r.detail) and account.email not in str(r.detail) for r in rows)

    # The lock expires; the next failure doubles it (back-off).
    await ch.db(lambda s: (s.execute(update(StaffCredential).where(StaffCredential.staff_id == account.staff_id)
                                     .values(locked_until=cred.locked_until - timedelta(hours=2))), s.commit()))
    assert (await b.login(account, password="salah-lagi")).status_code == 423
    again = await ch.db(lambda s: s.get(StaffCredential, account.staff_id))
    assert again.failed_logins == 6
    # A set-password link (hotline staff link) unlocks the account.


async def test_logout_ends_the_session_on_the_server(ch: ConsoleHarness) -> None:
    account = await ch.account()
    b = await ch.signed_in(account)
    await b.get("/console/queue")
    stolen = dict(b.http.cookies)

    assert (await b.post("/console/logout")).headers["location"] == "/console/login"

    thief = ch.browser()
    thief.http.cookies.update(stolen)
    assert (await thief.get("/console/queue")).headers["location"] == "/console/login"
    assert await ch.db(lambda s: s.scalars(select(ConsoleSession)).all()) == []


async def test_an_expired_session_or_a_tampered_cookie_is_refused(ch: ConsoleHarness) -> None:
    account = await ch.account()
    b = await ch.signed_in(account)
    assert (await b.get("/console/queue")).status_code == 200
    signed = b.http.cookies["hc_session"]
    tampered = ch.browser()
    tampered.http.cookies.set("hc_session", signed[:-2] + ("AA" if not signed.endswith("AA") else "BB"),
                              domain="testserver", path="/console")
    assert (await tampered.get("/console/queue")).headers["location"] == "/console/login"
    await ch.db(lambda s: (s.execute(update(ConsoleSession).values(expires_at=auth.utcnow() - timedelta(seconds=1))),
                           s.commit()))
    assert (await b.get("/console/queue")).headers["location"] == "/console/login"


async def test_an_open_live_queue_stream_ends_when_its_session_does(ch: ConsoleHarness) -> None:
    account = await ch.account()
    b = await ch.signed_in(account)
    await b.get("/console/queue")
    stream = asyncio.create_task(b.http.get("/console/queue/events"))
    await asyncio.sleep(0.5)  # let the stream send its first snapshot and wait for changes
    assert not stream.done()

    await b.post("/console/logout")
    await ch.desk.open(region="32.76")  # a change wakes the stream, which finds its session gone

    response = await asyncio.wait_for(stream, 10)
    assert response.status_code == 200 and "event: queue" in response.text


async def test_a_lost_phone_reset_ends_the_sessions_and_needs_a_new_password_and_enrolment(
        ch: ConsoleHarness) -> None:
    account = await ch.account(role="supervisor")
    b = await ch.signed_in(account)  # enrolled
    old_secret = account.totp_secret
    assert old_secret and (await b.get("/console/queue")).status_code == 200

    await ch.db(lambda s: db.reset_second_factor(s, staff_id=account.staff_id, actor="cli"))

    # The open session ends, the old password opens nothing (a thief with it and the lost phone is out).
    assert (await b.get("/console/queue")).headers["location"] == "/console/login"
    assert (await ch.browser().login(account)).status_code == 401
    audit = await ch.db(lambda s: list(s.scalars(select(AuditLog).where(AuditLog.action == "second_factor_reset"))))
    assert [(r.actor, r.entity_id) for r in audit] == [("cli", str(account.staff_id))]
    assert old_secret not in str(audit[0].detail)

    # A new set-password link, then a new enrolment with a new secret.
    def new_password(s: Session) -> None:
        staff = crud.get_staff(s, staff_id=account.staff_id)
        assert staff is not None
        db.issue_setup_token(s, staff=staff, token_hash=db.token_digest("neu"),
                             expires_at=utcnow() + timedelta(hours=1))
        assert db.redeem_setup_token(s, token_hash=db.token_digest("neu"), now=utcnow(),
                                     password_hash=auth.hash_password("sandi-baru-uji-123"))

    await ch.db(new_password)
    account.password, account.totp_secret = "sandi-baru-uji-123", None
    again = await ch.signed_in(account)
    assert account.totp_secret and account.totp_secret != old_secret
    assert (await again.get("/console/queue")).status_code == 200
