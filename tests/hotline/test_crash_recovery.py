"""``kill -9`` of the app while deliveries stream in, then a restart: every delivery that got a 200 is handled
exactly once. ``hotline run`` in its own process (the way production runs it), the fake Bot API over HTTP, real
Rasa, Redis and SQLite."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from hotline.services import RasaServer, RedisServer, free_port
from storage.models import Case, Message
from tests.factories import telegram_text_update
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.hotline.conftest import SECRET, new_chat_id
from tests.support.app_process import AppProcess

pytestmark = pytest.mark.rasa

EMERGENCY = "tolong saya dipukuli suami sekarang"


@pytest.fixture
def fake_tg() -> Iterator[FakeTelegramAPI]:
    tg = FakeTelegramAPI()
    tg.start()
    yield tg
    tg.stop()


def test_kill_9_loses_no_accepted_delivery(tmp_path: Path, fake_tg: FakeTelegramAPI, rasa_server: RasaServer,
                                           redis_server: RedisServer) -> None:
    port = free_port()
    database = tmp_path / "hotline.db"
    env = {"TELEGRAM_BOT_TOKEN": fake_tg.token, "TELEGRAM_MODE": "webhook",
           "TELEGRAM_API_BASE_URL": fake_tg.api_base_url, "TELEGRAM_WEBHOOK_SECRET": SECRET,
           "PUBLIC_BASE_URL": "https://hotline.example.test", "PORT": str(port),
           "DATABASE_URL": f"sqlite:///{database}", "REDIS_URL": redis_server.url, "RASA_URL": rasa_server.url,
           "VAR_DIR": str(tmp_path / "var"), "RASA_TIMEOUT_S": "2"}
    app = AppProcess(env, port, tmp_path / "app.log")
    chats = [new_chat_id() for _ in range(10)]
    accepted: list[str] = []

    def delivery(i: int) -> tuple[dict[str, object], str]:
        text = EMERGENCY if i % 5 == 0 else f"halo, saya mau tanya layanan nomor {i}"
        return telegram_text_update(text, chat_id=chats[i % len(chats)]), text

    async def burst(first: int, count: int) -> None:
        async with httpx.AsyncClient(timeout=5) as client:
            async def one(i: int) -> None:
                update, text = delivery(i)
                r = await client.post(f"http://127.0.0.1:{port}/webhooks/telegram", json=update,
                                      headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                if r.status_code == 200:
                    accepted.append(text)
            await asyncio.gather(*(one(i) for i in range(first, first + count)))

    try:
        with httpx.Client(timeout=5) as http:
            for i in range(20):  # about 20 a second
                update, text = delivery(i)
                if http.post(f"http://127.0.0.1:{port}/webhooks/telegram", json=update,
                             headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}).status_code == 200:
                    accepted.append(text)
                time.sleep(0.05)
        asyncio.run(burst(20, 40))  # then 40 at once, and the process is killed with that work in flight
        app.kill9()
        engine = create_engine(f"sqlite:///{database}")
        with Session(engine) as s:
            stored_before = s.scalar(select(func.count()).select_from(Message).where(Message.direction == "in"))
        app = AppProcess(env, port, tmp_path / "app.log")

        def stored() -> list[str]:
            with Session(engine) as s:
                return list(s.scalars(select(Message.text).where(Message.direction == "in")))

        deadline = time.monotonic() + 60
        while len(stored()) < len(accepted):
            assert time.monotonic() < deadline, f"{len(stored())} of {len(accepted)} stored after the restart"
            time.sleep(0.2)
        assert len(accepted) == 60
        assert stored_before is not None and stored_before < len(accepted), "nothing was in flight at the kill"
        assert sorted(stored()) == sorted(accepted)  # every accepted delivery once, none twice
        with Session(engine) as s:
            emergencies = s.scalar(select(func.count()).select_from(Case).where(Case.urgency == "emergency"))
        assert emergencies and emergencies >= 1
        print(f"stored before the kill: {stored_before} of {len(accepted)}; after the restart: {len(stored())}")
    finally:
        app.stop()
