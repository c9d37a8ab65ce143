"""A channel that fails never loses a report: the message is stored, the case opened and the page sent whatever
the reply's fate, and a reply that failed for a moment is delivered later. Over real HTTP with the fake Bot API
(which can refuse a call or play a user who blocked the bot), real Rasa, Redis, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from hotline.services import RasaServer, RedisServer
from storage.models import Case, Message
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, new_chat_id
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.rasa

REPORT = "tolong suami saya lagi mukulin saya sekarang di rumah, kami di sukmajaya depok"


def delivered(h: Harness, chat: int) -> list[str]:
    return [str(p.get("text")) for p in h.tg.delivered_messages() if int(p.get("chat_id", 0)) == chat]


def add_on_call(h: Harness) -> int:
    counsellor_chat = new_chat_id()
    h.add_on_call(str(counsellor_chat))
    return counsellor_chat


@pytest.mark.parametrize("failure", [(502, "Bad Gateway"), (500, "Internal Server Error")])
def test_a_failed_safety_reply_loses_nothing_and_is_delivered_later(hotline: Harness,
                                                                     failure: tuple[int, str]) -> None:
    counsellor = add_on_call(hotline)
    citizen = new_chat_id()
    hotline.tg.fail_next("sendMessage", *failure)  # the very first send: the emergency numbers
    assert hotline.post_telegram(telegram_text_update(REPORT, chat_id=citizen)).status_code == 200

    # The report goes on: stored, a case opened, the counsellor paged.
    case = hotline.wait_db(lambda s: s.scalars(select(Case).where(Case.urgency == "emergency")).first())
    assert case is not None and case.region == "32.76"
    hotline.tg.wait_until(lambda _: any(case.code in t for t in delivered(hotline, counsellor)), 15)
    assert hotline.db(lambda s: s.scalars(select(Message).where(Message.text == REPORT)).first()) is not None
    # The numbers that failed are sent again, and arrive before anything else the bot said to this person.
    hotline.tg.wait_until(lambda _: any("129" in t for t in delivered(hotline, citizen)), 15)
    assert "110" in delivered(hotline, citizen)[0]


def test_a_citizen_who_blocked_the_bot_still_gets_a_case_and_a_page(hotline: Harness) -> None:
    counsellor = add_on_call(hotline)
    citizen = new_chat_id()
    hotline.tg.blocked.add(citizen)
    hotline.post_telegram(telegram_text_update(REPORT, chat_id=citizen))
    case = hotline.wait_db(lambda s: s.scalars(select(Case).where(Case.urgency == "emergency")).first())
    assert case is not None
    hotline.tg.wait_until(lambda _: any(case.code in t for t in delivered(hotline, counsellor)), 15)
    assert delivered(hotline, citizen) == []



def test_replay_after_an_outage_stores_every_message_despite_a_blocked_citizen(
        harness_factory: Callable[..., Harness], rasa_server: RasaServer, redis_server: RedisServer,
        own_postgres: PostgresServer) -> None:
    h = harness_factory(redis_url=redis_server.url, rasa_url=rasa_server.url,
                        database_url=own_postgres.create_database())
    chats = [new_chat_id() for _ in range(6)]
    h.tg.blocked.add(chats[0])  # replies to this one fail with Forbidden, during the outage and the replay
    own_postgres.pause()
    try:
        for i, chat in enumerate(chats):
            h.post_telegram(telegram_text_update(REPORT if i % 2 == 0 else "halo, mau tanya layanan", chat_id=chat))
            h.post_telegram(telegram_text_update("terima kasih", chat_id=chat))
        h.tg.wait_until(lambda _: len(h.rt.spool) == 2 * len(chats), 15)
    finally:
        own_postgres.resume()

    def stored(s: object) -> int:
        return int(s.scalar(select(func.count()).select_from(Message).where(Message.direction == "in")))  # type: ignore[attr-defined]

    h.tg.wait_until(lambda _: h.db(stored) == 2 * len(chats) and len(h.rt.spool) == 0, 40)
    cases = h.db(lambda s: s.scalars(select(Case).where(Case.urgency == "emergency")).all())
    assert len(cases) == 3  # chats 0, 2 and 4 reported an emergency, the blocked one included
    for chat in chats[1:]:
        notices = [t for t in delivered(h, chat) if "gangguan" in t]
        assert len(notices) <= 1, "one 'service disturbed' notice per person per outage, not one per retry"
