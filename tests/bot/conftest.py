"""Fixtures for the adapter tests: a recording core, real HTTP servers and the channel fakes."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from bot.types import IncomingMessage, OutgoingMessage, Sender
from core.settings import Settings
from tests.fakes.telegram_api import FakeTelegramAPI, ServerThread
from tests.fakes.twilio_api import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_WHATSAPP_FROM, FakeTwilioAPI

WEBHOOK_SECRET = "test-secret_0123456789"
PUBLIC_BASE_URL = "https://hotline.example.org"


class RecordingHandle:
    """A fake core ``handle``: records every call (thread-safe: the app runs in the server's thread)."""

    def __init__(self, reply: Callable[[IncomingMessage], list[OutgoingMessage]] | None = None) -> None:
        self._lock = threading.Lock()
        self._calls: list[tuple[IncomingMessage, Sender]] = []
        self._reply = reply

    async def __call__(self, msg: IncomingMessage, sender: Sender) -> None:
        with self._lock:
            self._calls.append((msg, sender))
        for out in self._reply(msg) if self._reply else []:
            await sender.send(out)

    @property
    def messages(self) -> list[IncomingMessage]:
        with self._lock:
            return [m for m, _ in self._calls]

    @property
    def senders(self) -> list[Sender]:
        with self._lock:
            return [s for _, s in self._calls]

    async def wait_for(self, count: int, within_s: float = 5.0) -> list[IncomingMessage]:
        """Await until at least ``count`` messages were handled; return them."""
        deadline = time.monotonic() + within_s
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"handled {len(self.messages)} of {count}")
            await asyncio.sleep(0.01)
        return self.messages


class NullSender:
    """A ``Sender`` that records what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    async def send(self, message: OutgoingMessage) -> str | None:
        self.sent.append(message)
        return None


@pytest.fixture
def handle() -> RecordingHandle:
    return RecordingHandle()


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings for tests: explicit values only (no .env file), local state in the test's own folder."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "telegram_bot_token": None,
            "telegram_webhook_secret": WEBHOOK_SECRET,
            "twilio_account_sid": TEST_ACCOUNT_SID,
            "twilio_auth_token": TEST_AUTH_TOKEN,
            "twilio_whatsapp_from": TEST_WHATSAPP_FROM,
            "twilio_api_base_url": "http://127.0.0.1:9",
            "public_base_url": PUBLIC_BASE_URL,
            "var_dir": tmp_path / "var",
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
def serve() -> Iterator[Callable[[FastAPI], str]]:
    """Serve a FastAPI app over real HTTP (uvicorn in a thread); returns its base URL."""
    servers: list[ServerThread] = []

    def start(app: FastAPI) -> str:
        server = ServerThread(app)
        server.start()
        servers.append(server)
        return server.base_url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def telegram_api() -> Iterator[FakeTelegramAPI]:
    with FakeTelegramAPI() as fake:
        yield fake


@pytest.fixture
def twilio_api() -> Iterator[FakeTwilioAPI]:
    with FakeTwilioAPI() as fake:
        yield fake
