"""The whole hotline on a real PostgreSQL that goes down and comes back: the person still gets the emergency
numbers at once, the message is kept (spooled) and, once the database is back, stored and acted on."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from hotline.services import RasaServer, RedisServer
from storage.models import Case, Message
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, new_chat_id
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.rasa



def test_database_outage_loses_nothing(harness_factory: Callable[..., Harness], rasa_server: RasaServer,
                                       redis_server: RedisServer, own_postgres: PostgresServer) -> None:
    url = own_postgres.create_database()
    h = harness_factory(redis_url=redis_server.url, rasa_url=rasa_server.url, database_url=url)
    chat = new_chat_id()
    h.post_telegram(telegram_text_update("halo", chat_id=chat))
    h.wait_telegram(chat, 1)
    assert h.wait_db(lambda s: s.scalars(select(Message).where(Message.status == "processed")).first())

    own_postgres.pause()
    try:
        h.post_telegram(telegram_text_update("tolong suami sy mukulin sy skrg, dia masih di rumah", chat_id=chat))
        texts = h.wait_telegram(chat, 2, timeout=5)
        assert "110" in texts[1] and "129" in texts[1], "the emergency numbers never wait for the database"
        h.tg.wait_until(lambda _: len(h.rt.spool) == 1, 10)
    finally:
        own_postgres.resume()

    # The recovery loop stores the spooled message and opens (and pages) the case; the numbers are not resent.
    case = h.wait_db(lambda s: s.scalars(select(Case)).first(), timeout=30)
    assert case is not None and case.urgency == "emergency"
    stored = h.db(lambda s: [m.text for m in s.scalars(select(Message).where(Message.direction == "in"))])
    assert "tolong suami sy mukulin sy skrg, dia masih di rumah" in stored
    # The replay pass releases the spool when it ends (its messages stay on disk until then: a crash loses none).
    h.tg.wait_until(lambda _: len(h.rt.spool) == 0, 10)
    assert len(h.rt.spool) == 0
    emergency_blocks = [t for t in h.telegram_texts(chat) if t.startswith(("Kamu dalam bahaya", "Are you in"))]
    assert len(emergency_blocks) == 1
