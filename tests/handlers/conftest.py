"""Fixtures for the escalation and staff-desk tests: a real database (SQLite, and PostgreSQL where asked), a
real Redis, the fake Telegram Bot API over real HTTP, a recording fake of Rasa's tracker-events API, and a clock
the tests move by hand (the claim time-out never waits for real time)."""

from __future__ import annotations

import itertools
import json
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.telegram import TelegramSender, build_bot
from bot.types import IncomingMessage
from core.rasa_client import RasaClient
from core.settings import Settings
from handlers.cases import CaseService
from handlers.escalation import PagingConfig
from handlers.staff import StaffDesk
from handlers.store import Store
from handlers.triage import TriageResult
from hotline.services import RedisServer
from storage import crud
from storage.db import make_engine, make_session_factory, migrate
from storage.models import Staff
from tests.fakes.telegram_api import FakeTelegramAPI, ServerThread
from tests.support.postgres import PostgresServer, postgres_server  # noqa: F401  (fixture)

TOKEN = "123456:PAGING-TEST"
_ids = itertools.count(930001)
_update_ids = itertools.count(700001)


def new_chat_id() -> int:
    """An invented Telegram chat id unique in the session."""
    return next(_ids)


class FakeClock:
    """A clock the test moves: ``clock()`` is now; ``advance(seconds)`` moves it on."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FakeRasa:
    """Records ``POST /conversations/{id}/tracker/events`` (pause / resume) over real HTTP."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

        async def events(request: Request) -> JSONResponse:
            body = json.loads(await request.body())
            for event in body if isinstance(body, list) else [body]:
                self.events.append((request.path_params["sender"], event["event"]))
            return JSONResponse({"sender_id": request.path_params["sender"], "events": []})

        self.server = ServerThread(Starlette(routes=[
            Route("/conversations/{sender}/tracker/events", events, methods=["POST", "PUT"])]), lifespan="off")


# ------------------------------------------------------------------------------------------------- databases


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head; tests copy it."""
    path = tmp_path_factory.mktemp("paging-sqlite") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_pg(postgres_server: PostgresServer) -> str:  # noqa: F811
    """A PostgreSQL template database migrated to head."""
    name = "paging_template"
    migrate(postgres_server.create_database(name))
    return name


def _db_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if kind == "sqlite":
        target = tmp_path / "hotline.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), target)
        return f"sqlite:///{target}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database(template=request.getfixturevalue("migrated_pg"))


@pytest.fixture
def db_kind() -> str:
    """The backend; parametrised tests override it with ``@pytest.mark.parametrize("db_kind", ...)``."""
    return "sqlite"


@pytest.fixture
def store(db_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A Store on a fresh migrated database."""
    engine = make_engine(_db_url(db_kind, request, tmp_path))
    yield Store(make_session_factory(engine))
    engine.dispose()


# ------------------------------------------------------------------------------------------------ services


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    """A client of the session's real Redis."""
    client = Redis.from_url(redis_server.url, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture(scope="session")
def fake_tg() -> Iterator[FakeTelegramAPI]:
    """The fake Telegram Bot API (real HTTP)."""
    with FakeTelegramAPI(TOKEN) as fake:
        yield fake


@pytest.fixture(scope="session")
def fake_rasa() -> Iterator[FakeRasa]:
    """The fake Rasa tracker-events endpoint (real HTTP)."""
    fake = FakeRasa()
    with fake.server:
        yield fake


@pytest.fixture
def clock() -> FakeClock:
    """A hand-moved clock (today, so shifts and pages look current)."""
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path, fake_tg: FakeTelegramAPI) -> Settings:
    """Settings pointing at the fake Telegram API."""
    return Settings(_env_file=None, telegram_bot_token=fake_tg.token,  # type: ignore[call-arg]
                    telegram_api_base_url=fake_tg.api_base_url, var_dir=tmp_path, claim_timeout_s=120)


@pytest.fixture
async def tg_sender(settings: Settings) -> AsyncIterator[TelegramSender]:
    """A real TelegramSender (python-telegram-bot) talking to the fake."""
    bot = build_bot(settings)
    await bot.initialize()
    yield TelegramSender(bot)
    await bot.shutdown()


# ------------------------------------------------------------------------------------------------- harness


@dataclass
class Desk:
    """Everything one paging test drives by hand."""

    store: Store
    cases: CaseService
    staff: StaffDesk
    tg: FakeTelegramAPI
    sender: TelegramSender
    clock: FakeClock
    redis: Redis
    rasa: FakeRasa
    config: PagingConfig
    sent_before: int = 0
    chats: list[int] = field(default_factory=list)

    # -- data ------------------------------------------------------------------------------------------
    async def add_staff(self, *, role: str = "counsellor", region: str = "32.76", on_shift: bool = True,
                        name: str | None = None, regions: tuple[str, ...] = (),
                        telegram: bool = True) -> tuple[int, int]:
        """Register invented staff (``regions``: more besides the primary ``region``; ``telegram=False``: an
        e-mail-only account without a contact); returns (staff id, Telegram chat id, unused without one)."""
        chat = new_chat_id()

        def add(session: Session) -> int:
            staff = crud.add_staff(session, name=name or f"Petugas Uji {chat}", role=role, region=region,
                                   regions=regions, channel="telegram" if telegram else None,
                                   contact_id=str(chat) if telegram else None)
            if on_shift:
                crud.start_shift(session, staff=staff, at=self.clock() - timedelta(minutes=5))
            return staff.id

        return await self.store.run(add), chat

    async def citizen(self) -> tuple[int, str]:
        """A citizen conversation on Telegram; returns (conversation id, sender id)."""
        sender_id = f"tg:{new_chat_id()}"

        def make(session: Session) -> int:
            got: Any = crud.get_or_create_conversation(session, sender_id=sender_id, channel="telegram")
            conv = got[0] if isinstance(got, tuple) else got  # tolerant of either return shape
            crud.record_inbound(session, conversation=conv, channel="telegram",
                                external_id=str(next(_update_ids)), text="(uji)")
            return int(conv.id)

        return await self.store.run(make), sender_id

    async def open(self, *, urgency: str = "emergency", region: str | None = "32.76", category: str = "physical",
                   victim: str = "child") -> tuple[str, int, str]:
        """Open a case through CaseService; returns (code, conversation id, citizen sender id)."""
        conv_id, sender_id = await self.citizen()
        result = TriageResult(urgency=urgency, category=category, victim=victim,  # type: ignore[arg-type]
                              language="id", intent=None, confidence=None, faq_key=None, region=region)
        code = await self.cases.open_case(conversation_id=conv_id, result=result)
        return code, conv_id, sender_id

    # -- driving the workers ------------------------------------------------------------------------------
    async def pump(self) -> int:
        """Publish and deliver everything pending (no blocking): one dispatcher + notifier pass."""
        published = await self.cases.workers.dispatcher.run_once()
        handled = await self.cases.workers.notifier.run_once()
        return published + handled

    async def timeout(self, seconds: float | None = None) -> int:
        """Move the clock past the claim time-out and run the timer, then deliver what it queued."""
        self.clock.advance(seconds if seconds is not None else self.config.claim_timeout_s + 1)
        queued = await self.cases.workers.timer.run_once()
        await self.pump()
        return queued

    # -- observing the fake ---------------------------------------------------------------------------------
    def sent(self) -> list[dict[str, Any]]:
        """sendMessage params since this test started."""
        return self.tg.sent_messages()[self.sent_before:]

    def sent_to(self, chat: int | str) -> list[dict[str, Any]]:
        """Messages sent to one chat id (int, or a ``tg:`` sender id)."""
        chat_id = int(str(chat).removeprefix("tg:"))
        return [m for m in self.sent() if int(m["chat_id"]) == chat_id]

    def pages_to(self, chat: int) -> list[dict[str, Any]]:
        """Pages (messages with a claim button) sent to one staff chat."""
        return [m for m in self.sent_to(chat) if "claim:" in json.dumps(m.get("reply_markup") or {})]

    # -- acting as staff -------------------------------------------------------------------------------------
    async def staff_says(self, chat: int, text: str = "", *, callback: str | None = None) -> bool:
        """A staff (or citizen) message arriving from Telegram chat ``chat``."""
        msg = IncomingMessage(channel="telegram", sender_id=f"tg:{chat}", external_id=str(next(_update_ids)),
                              text=text, callback_data=callback)
        return await self.staff.try_handle(msg, self.sender)


def paging_config(settings: Settings, **overrides: Any) -> PagingConfig:
    """Test policy: unique stream names per test, short blocking reads (the loops only)."""
    values: dict[str, Any] = {"stream_prefix": f"test:pages:{uuid.uuid4().hex[:8]}", "block_ms": 100}
    return PagingConfig.from_settings(settings, **{**values, **overrides})


@pytest.fixture
async def desk(store: Store, settings: Settings, redis: Redis, tg_sender: TelegramSender, fake_tg: FakeTelegramAPI,
               fake_rasa: FakeRasa, clock: FakeClock) -> AsyncIterator[Desk]:
    """CaseService + StaffDesk on a fresh database, with the fakes, driven step by step."""
    config = paging_config(settings)
    cases = CaseService(store=store, settings=settings, redis_url=None, redis=redis, sender=tg_sender,
                        clock=clock, config=config, consumer="worker-a")
    async with httpx.AsyncClient(timeout=5) as http:
        rasa = RasaClient(fake_rasa.server.base_url, client=http)
        desk = StaffDesk(store=store, settings=settings, rasa=rasa, cases=cases, sender=tg_sender)
        yield Desk(store=store, cases=cases, staff=desk, tg=fake_tg, sender=tg_sender, clock=clock, redis=redis,
                   rasa=fake_rasa, config=config, sent_before=len(fake_tg.sent_messages()))
    await cases.stop()


def staff_row(store_session: Session, staff_id: int) -> Staff:
    """Read a staff row (tests)."""
    row = store_session.get(Staff, staff_id)
    assert row is not None
    return row
