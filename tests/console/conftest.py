"""Console fixtures: the console's routes on the paging harness of ``tests/handlers`` (real database, real
Redis, the fake Telegram Bot API over real HTTP), driven over HTTP by httpx in the test's own event loop."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pyotp
import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from console import auth
from console.web import Console, build_router
from storage import console as db
from storage import crud
from storage.models import utcnow
from tests.handlers.conftest import (  # noqa: F401  (fixtures)
    Desk,
    clock,
    db_kind,
    desk,
    fake_rasa,
    fake_tg,
    migrated_pg,
    migrated_sqlite,
    redis,
    settings,
    store,
    tg_sender,
)
from tests.support.postgres import postgres_server  # noqa: F401  (fixture: one server for every console test)

PASSWORD = "kata-sandi-uji-yang-panjang"
_emails = itertools.count(1)
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Account:
    """An invented console account."""

    staff_id: int
    chat: int
    email: str
    role: str
    region: str
    password: str = PASSWORD
    totp_secret: str | None = None
    regions: tuple[str, ...] = ()  # every region covered, the primary one first

    def __post_init__(self) -> None:
        self.regions = self.regions or (self.region,)


@dataclass
class Browser:
    """One signed-in (or not) HTTP client of the console, with its last page's CSRF token."""

    http: httpx.AsyncClient
    csrf: str | None = None
    pages: list[str] = field(default_factory=list)

    async def get(self, path: str) -> httpx.Response:
        response = await self.http.get(path)
        m = _CSRF.search(response.text)
        if m:
            self.csrf = m.group(1)
        return response

    async def post(self, path: str, data: dict[str, str] | None = None, *, csrf: str | None = None,
                   follow: bool = False) -> httpx.Response:
        form = {"csrf": csrf if csrf is not None else (self.csrf or ""), **(data or {})}
        response = await self.http.post(path, data=form, follow_redirects=follow)
        m = _CSRF.search(response.text)
        if m:
            self.csrf = m.group(1)
        return response

    async def login(self, account: Account, *, password: str | None = None) -> httpx.Response:
        """Sign in (and pass the second factor when the account has or needs one)."""
        await self.get("/console/login")
        response = await self.post("/console/login", {"email": account.email,
                                                      "password": password or account.password})
        if response.status_code == 303 and response.headers["location"] == "/console/totp":
            page = await self.get("/console/totp")
            if account.totp_secret is None:
                m = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
                assert m, "enrolment page shows the secret"
                account.totp_secret = m.group(1)
            response = await self.post("/console/totp", {"code": pyotp.TOTP(account.totp_secret).now()})
        return response


@dataclass
class ConsoleHarness:
    """The console app on the paging desk."""

    desk: Desk
    app: FastAPI
    console: Console

    async def account(self, *, role: str = "counsellor", region: str = "32.76", on_shift: bool = False,
                      regions: tuple[str, ...] = (), telegram: bool = True) -> Account:
        staff_id, chat = await self.desk.add_staff(role=role, region=region, on_shift=on_shift, regions=regions,
                                                   telegram=telegram)
        email = f"petugas{next(_emails)}@contoh.test"
        hashed = auth.hash_password(PASSWORD)

        def make(s: Session) -> None:
            staff = crud.get_staff(s, staff_id=staff_id)
            assert staff is not None
            db.set_staff_email(s, staff=staff, email=email)
            db.issue_setup_token(s, staff=staff, token_hash=db.token_digest(email), expires_at=utcnow().replace(
                year=utcnow().year + 1))
            assert db.redeem_setup_token(s, token_hash=db.token_digest(email), password_hash=hashed, now=utcnow())

        await self.desk.store.run(make)
        return Account(staff_id, chat, email, role, region, regions=(region, *regions))

    def browser(self) -> Browser:
        return Browser(httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"))

    async def signed_in(self, account: Account) -> Browser:
        b = self.browser()
        response = await b.login(account)
        assert response.status_code == 303, response.text
        return b

    async def db(self, fn: Any) -> Any:
        return await self.desk.store.run(fn)


@pytest.fixture
async def ch(desk: Desk) -> AsyncIterator[ConsoleHarness]:  # noqa: F811
    """The console on a fresh database with the paging desk behind it."""
    console = Console(store=desk.store, desk=desk.staff, settings=desk.staff.settings)
    app = FastAPI()
    app.include_router(build_router(console))
    yield ConsoleHarness(desk=desk, app=app, console=console)
    await console.feed.stop()
