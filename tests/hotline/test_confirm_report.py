"""Ask instead of guessing: a message that only Rasa reads as a report (nothing in its words marks one) gets one
kind question before a case is opened; the answer decides. An emergency never waits for the question. Over real
HTTP with the fake Bot API, the real trained Rasa model, Redis and SQLite."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import select

from core.rasa_client import RasaClient
from handlers.analysis import analyse
from hotline.services import RasaServer
from storage.models import Case
from tests.factories import telegram_callback_update, telegram_text_update
from tests.hotline.conftest import Harness, new_chat_id

pytestmark = pytest.mark.rasa

# Invented. Rasa reads it as a report; no act, no danger cue in it (checked first, below). ("soal keluarga saya"
# fell to 0.70 once Rasa had learnt everyday family stories: too close to the line to pick.)
VAGUE = "saya mau cerita soal rumah tangga saya"


def buttons(h: Harness, chat: int) -> list[str]:
    last = [p for p in h.tg.sent_messages() if int(p.get("chat_id", 0)) == chat][-1]
    markup = last.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def cases(h: Harness) -> list[Case]:
    return list(h.db(lambda s: s.scalars(select(Case)).all()))


def ask(h: Harness, rasa_server: RasaServer) -> int:
    """A new chat says hello, then the vague message; returns the chat id once the question is asked."""

    async def triaged() -> bool:
        async with httpx.AsyncClient() as client:
            result, ok = await analyse(VAGUE, RasaClient(rasa_server.url, client=client, timeout=10))
        return ok and result.uncertain_report and result.urgency in ("normal", "high")

    assert asyncio.run(triaged()), "the example no longer reads as an uncertain report: pick another"
    chat = new_chat_id()
    h.post_telegram(telegram_text_update("halo", chat_id=chat))
    n = len(h.wait_telegram(chat, 1))
    h.post_telegram(telegram_text_update(VAGUE, chat_id=chat))
    texts = h.wait_telegram(chat, n + 1)
    assert "kekerasan" in texts[-1] and buttons(h, chat) == ["confirm:yes", "confirm:no"]
    assert cases(h) == []  # nothing opened on a guess
    return chat


def test_yes_opens_the_case_and_the_intake_goes_on(hotline: Harness, rasa_server: RasaServer) -> None:
    chat = ask(hotline, rasa_server)
    n = len(hotline.telegram_texts(chat))
    hotline.post_telegram(telegram_callback_update("confirm:yes", chat_id=chat))
    hotline.wait_telegram(chat, n + 1)
    opened = hotline.wait_db(lambda s: s.scalars(select(Case)).all())
    assert len(opened) == 1 and opened[0].urgency in ("normal", "high")


def test_no_opens_nothing(hotline: Harness, rasa_server: RasaServer) -> None:
    chat = ask(hotline, rasa_server)
    n = len(hotline.telegram_texts(chat))
    hotline.post_telegram(telegram_text_update("bukan, saya cuma mau tanya", chat_id=chat))
    texts = hotline.wait_telegram(chat, n + 1)
    assert "terima kasih" in texts[-1].lower()
    assert cases(hotline) == []


def test_an_emergency_instead_of_an_answer_is_paged_at_once(hotline: Harness, rasa_server: RasaServer) -> None:
    chat = ask(hotline, rasa_server)
    n = len(hotline.telegram_texts(chat))
    hotline.post_telegram(telegram_text_update("tolong dia mukulin saya sekarang", chat_id=chat))
    texts = hotline.wait_telegram(chat, n + 1)
    assert "110" in texts[n]
    assert hotline.wait_db(lambda s: s.scalars(select(Case).where(Case.urgency == "emergency")).first())
