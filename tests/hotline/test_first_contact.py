"""The first message a person ever sends, when it is an emergency, gets the emergency numbers on every channel:
with a fresh database, with the database stopped (refusing), frozen (hanging), and after the person erased their
data with ``hapus``. The whole app over real HTTP, the local fakes of the Bot API and Twilio, real Rasa and Redis.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from hotline.services import RasaServer, RedisServer
from storage.models import Case, Message
from tests.factories import telegram_text_update, twilio_text_form
from tests.hotline.conftest import Harness, new_chat_id, new_phone
from tests.support.postgres import PostgresServer, start_postgres

pytestmark = pytest.mark.rasa

EMERGENCY = "tolong saya dipukuli suami sekarang"
WITHIN_S = 5.0  # the numbers' goal (p100), whatever the database does


def has_numbers(text: str) -> bool:
    return "110" in text and "129" in text


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresServer]:
    server = start_postgres()
    try:
        yield server
    finally:
        server.thaw()
        server.stop()


class Citizen:
    """One new person on one channel: sends a text, returns the texts the channel delivered to them."""

    def __init__(self, h: Harness, channel: str) -> None:
        self.h, self.channel = h, channel
        self.chat = new_chat_id()
        self.phone = new_phone()
        self.session = uuid.uuid4().hex
        self._web_replies: list[str] = []

    def send(self, text: str) -> None:
        if self.channel == "telegram":
            assert self.h.post_telegram(telegram_text_update(text, chat_id=self.chat)).status_code == 200
        elif self.channel == "whatsapp":
            assert self.h.post_whatsapp(twilio_text_form(text, from_number=self.phone)).status_code == 200
        else:
            r = httpx.post(f"{self.h.base_url}/chat/send", json={"session": self.session, "text": text},
                           timeout=WITHIN_S)
            assert r.status_code == 200
            self._web_replies.extend(m["text"] for m in r.json())

    def texts(self) -> list[str]:
        if self.channel == "telegram":
            return self.h.telegram_texts(self.chat)
        if self.channel == "whatsapp":
            return self.h.whatsapp_texts(self.phone)
        return list(self._web_replies)

    def wait_for(self, predicate: Callable[[list[str]], bool], timeout: float = WITHIN_S) -> list[str]:
        """The texts once ``predicate`` holds; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        fake: Any = self.h.tg if self.channel == "telegram" else self.h.tw
        while not predicate(self.texts()):
            if time.monotonic() > deadline:
                raise AssertionError(f"not delivered within {timeout} s on {self.channel}: {len(self.texts())} texts")
            if self.channel == "web":
                time.sleep(0.05)  # the web chat answers in the response; nothing to wait on but the clock
            else:
                fake.wait_until(lambda _: predicate(self.texts()), min(1.0, max(0.01, deadline - time.monotonic())))
        return self.texts()


CHANNELS = ["telegram", "whatsapp", "web"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_first_ever_message_in_danger_gets_the_numbers(harness_factory: Callable[..., Harness],
                                                       rasa_server: RasaServer, redis_server: RedisServer,
                                                       channel: str) -> None:
    h = harness_factory(redis_url=redis_server.url, rasa_url=rasa_server.url)  # a fresh SQLite database
    person = Citizen(h, channel)
    person.send(EMERGENCY)
    person.wait_for(lambda texts: any(has_numbers(t) for t in texts))
    # And the report is not lost: stored, a case opened.
    assert h.wait_db(lambda s: s.scalars(select(Case).where(Case.urgency == "emergency")).first(), timeout=10)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_first_message_in_danger_with_the_database_down(harness_factory: Callable[..., Harness],
                                                        rasa_server: RasaServer, redis_server: RedisServer,
                                                        pg: PostgresServer, channel: str, outage: str) -> None:
    h = harness_factory(redis_url=redis_server.url, rasa_url=rasa_server.url, database_url=pg.create_database())
    person = Citizen(h, channel)
    if outage == "stopped":
        pg.pause()
    else:
        pg.freeze()
    try:
        person.send(EMERGENCY)
        person.wait_for(lambda texts: any(has_numbers(t) for t in texts))
    finally:
        if outage == "stopped":
            pg.resume()
        else:
            pg.thaw()
    # Once the database answers again, the message is stored and the case opened.
    stored = h.wait_db(lambda s: s.scalars(select(Message).where(Message.text == EMERGENCY)).first(), timeout=30)
    assert stored is not None
    assert h.wait_db(lambda s: s.scalars(select(Case).where(Case.urgency == "emergency")).first(), timeout=30)


@pytest.mark.parametrize("channel", CHANNELS)
def test_emergency_right_after_hapus_gets_the_numbers(harness_factory: Callable[..., Harness],
                                                      rasa_server: RasaServer, redis_server: RedisServer,
                                                      channel: str) -> None:
    h = harness_factory(redis_url=redis_server.url, rasa_url=rasa_server.url)
    person = Citizen(h, channel)
    person.send("halo")
    person.wait_for(lambda texts: len(texts) >= 1, timeout=15)
    before = len(person.texts())
    person.send("hapus")
    # The erasure is confirmed on every channel (on WhatsApp the row that held the last inbound time is gone).
    person.wait_for(lambda texts: any("dihapus" in t for t in texts[before:]), timeout=15)
    assert h.db(lambda s: s.scalars(select(Message).where(Message.text == "halo")).first()) is None
    after = len(person.texts())
    person.send(EMERGENCY)
    person.wait_for(lambda texts: any(has_numbers(t) for t in texts[after:]))
