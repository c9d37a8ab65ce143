"""An end-to-end harness: the whole hotline app over real HTTP, with local fakes of Telegram and Twilio,
the real trained Rasa model and a real Redis."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn

from core.settings import Settings
from hotline.app import Runtime, build_app, build_runtime
from hotline.services import RasaServer, RedisServer
from storage import crud
from tests.conftest import NLG_TOKEN
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.twilio_api import (
    TEST_ACCOUNT_SID,
    TEST_AUTH_TOKEN,
    TEST_WHATSAPP_FROM,
    FakeTwilioAPI,
    sign_twilio_request,
)
from tests.support.postgres import PostgresServer, start_postgres

T = TypeVar("T")
SECRET = "tg-webhook-secret-test-0001"
_chat_ids = itertools.count(910001)
_phones = itertools.count(1001)


def new_chat_id() -> int:
    """A chat id no other test used (Rasa trackers persist in Redis across tests)."""
    return next(_chat_ids)


def new_phone() -> str:
    """An invented Indonesian mobile number no other test used."""
    return f"+62812{next(_phones):07d}"


class AppThread:
    """uvicorn serving the hotline app on a fixed port (Rasa's NLG endpoint points there) in a thread."""

    def __init__(self, app: Any, port: int) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                                    timeout_graceful_shutdown=3))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("hotline app did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.sock.close()


@dataclass
class Harness:
    """A running hotline and the fakes around it."""

    rt: Runtime
    settings: Settings
    base_url: str
    tg: FakeTelegramAPI
    tw: FakeTwilioAPI
    http: httpx.Client

    # -- delivering ------------------------------------------------------------------------------------
    def post_telegram(self, update: dict[str, Any], *, secret: str | None = SECRET) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return self.http.post(f"{self.base_url}/webhooks/telegram", json=update, headers=headers)

    def post_whatsapp(self, form: dict[str, str], *, signature: str | None = "sign") -> httpx.Response:
        url = f"{self.settings.public_base_url}/webhooks/whatsapp"
        headers = {}
        if signature == "sign":
            headers["X-Twilio-Signature"] = sign_twilio_request(TEST_AUTH_TOKEN, url, form)
        elif signature is not None:
            headers["X-Twilio-Signature"] = signature
        return self.http.post(f"{self.base_url}/webhooks/whatsapp", data=form, headers=headers)

    # -- observing -------------------------------------------------------------------------------------
    def telegram_texts(self, chat_id: int) -> list[str]:
        return [str(p.get("text")) for p in self.tg.sent_messages() if int(p.get("chat_id", 0)) == chat_id]

    def wait_telegram(self, chat_id: int, count: int, timeout: float = 15.0) -> list[str]:
        """Block until ``count`` messages went to ``chat_id``; return their texts."""
        self.tg.wait_until(lambda _: len(self.telegram_texts(chat_id)) >= count, timeout)
        return self.telegram_texts(chat_id)

    def whatsapp_texts(self, phone: str) -> list[str]:
        return [p["Body"] for p in self.tw.sent() if p.get("To") == f"whatsapp:{phone}"]

    def wait_whatsapp(self, phone: str, count: int, timeout: float = 15.0) -> list[str]:
        self.tw.wait_until(lambda _: len(self.whatsapp_texts(phone)) >= count, timeout)
        return self.whatsapp_texts(phone)

    def wait_db(self, fn: Callable[[Any], T], *, timeout: float = 10.0) -> T:
        """Poll ``fn(session)`` until it returns a truthy value (replies go out before bookkeeping ends)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.db(fn)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.02)

    def db(self, fn: Callable[[Any], T]) -> T:
        """Run ``fn(session)`` against the app's database (read-only use in assertions)."""
        with self.rt.store.sessions() as session:
            return fn(session)

    def add_on_call(self, contact_id: str, *, channel: str = "telegram", region: str = "32.76",
                    name: str = "Konselor Uji Depok") -> None:
        """An on-call counsellor of ``region`` reached at ``contact_id`` on ``channel`` (a shift started now)."""

        def add(session: Any) -> None:
            staff = crud.add_staff(session, name=name, role="counsellor", region=region, channel=channel,
                                   contact_id=contact_id)
            crud.start_shift(session, staff=staff)

        with self.rt.store.sessions() as session:
            add(session)
            session.commit()


def make_settings(tmp_path: Path, port: int, tg: FakeTelegramAPI, tw: FakeTwilioAPI, *, redis_url: str,
                  rasa_url: str, database_url: str | None = None, **extra: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=tg.token, telegram_mode="webhook", telegram_api_base_url=tg.api_base_url,
        telegram_webhook_secret=SECRET, twilio_account_sid=TEST_ACCOUNT_SID, twilio_auth_token=TEST_AUTH_TOKEN,
        twilio_whatsapp_from=TEST_WHATSAPP_FROM, twilio_api_base_url=tw.base_url,
        public_base_url="https://hotline.example.test", port=port,
        database_url=database_url or f"sqlite:///{tmp_path / 'hotline.db'}", redis_url=redis_url, rasa_url=rasa_url,
        var_dir=tmp_path / "var", rasa_timeout_s=2.0, nlg_token=NLG_TOKEN, **extra,
    )


@pytest.fixture
def harness_factory(tmp_path: Path, nlg_port: int) -> Iterator[Callable[..., Harness]]:
    """Build and start a hotline (own SQLite file) on the NLG port with fresh fakes; stopped after the test."""
    running: list[tuple[AppThread, FakeTelegramAPI, FakeTwilioAPI, httpx.Client]] = []

    def start(*, redis_url: str, rasa_url: str, database_url: str | None = None, **extra: Any) -> Harness:
        tg, tw = FakeTelegramAPI(), FakeTwilioAPI()
        tg.start()
        tw.start()
        settings = make_settings(tmp_path, nlg_port, tg, tw, redis_url=redis_url, rasa_url=rasa_url,
                                 database_url=database_url, **extra)
        rt = build_runtime(settings, rasa_url=rasa_url, redis_url=redis_url)
        server = AppThread(build_app(rt), nlg_port)
        server.start()
        http = httpx.Client(timeout=10)
        running.append((server, tg, tw, http))
        return Harness(rt=rt, settings=settings, base_url=f"http://127.0.0.1:{nlg_port}", tg=tg, tw=tw, http=http)

    yield start
    for server, tg, tw, http in running:
        http.close()
        server.stop()
        tg.stop()
        tw.stop()


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, to stop and start (an outage) without disturbing others."""
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def hotline(harness_factory: Callable[..., Harness], rasa_server: RasaServer, redis_server: RedisServer) -> Harness:
    """The hotline with real Rasa and Redis."""
    return harness_factory(redis_url=redis_server.url, rasa_url=rasa_server.url)
