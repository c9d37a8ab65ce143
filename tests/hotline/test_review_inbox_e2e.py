"""What lands in the review inbox, end to end over real HTTP (the fake Telegram Bot API, the real trained Rasa
model, Redis, SQLite): a message only Rasa reads as a report gets the "is this about violence?" question; the
citizen answers "tidak"; that earlier message is in the inbox, redacted, with the reason. Invented data."""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
import pytest
from sqlalchemy import select

from core.rasa_client import RasaClient
from handlers.analysis import analyse
from hotline.app import quiet_libraries
from hotline.services import RasaServer
from storage.models import AuditLog, Case, Conversation, ReviewItem
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, new_chat_id

pytestmark = pytest.mark.rasa

# Invented. Rasa reads it as a report; nothing in its words marks one (checked first, below); a name and a village.
# Built on a hand-written report_other example of Rasa's training data ("aku butuh bantuan, aku gak aman di
# rumah", 0.995 with the name and village around it), so that no retraining makes it a borderline parse: "soal
# keluarga saya" fell to 0.67 once Rasa learnt everyday family stories, "saya Siti mau cerita soal rumah tangga
# saya" to out_of_scope 0.69 once Rasa trained on 20 epochs over fewer examples.
VAGUE = "saya Siti, aku butuh bantuan, aku gak aman di rumah, di desa Sukatani"
REDACTED = "saya [NAME_1], aku butuh bantuan, aku gak aman di rumah, di desa [VILLAGE_1]"


def items_of(h: Harness, sender_id: str) -> list[ReviewItem]:
    return list(h.db(lambda s: s.scalars(select(ReviewItem).join(
        Conversation, Conversation.id == ReviewItem.conversation_id).where(Conversation.sender_id == sender_id)
    ).all()))


def test_no_to_the_violence_question_lands_the_message_redacted(hotline: Harness, rasa_server: RasaServer,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    quiet_libraries()  # the libraries at the level production sets
    async def triaged() -> bool:
        async with httpx.AsyncClient() as client:
            result, ok = await analyse(VAGUE, RasaClient(rasa_server.url, client=client, timeout=10))
        return ok and result.uncertain_report and result.urgency in ("normal", "high")

    assert asyncio.run(triaged()), "the example no longer reads as an uncertain report: pick another"
    assert hotline.db(lambda s: s.scalars(select(ReviewItem)).all()) == []  # the first time: an empty inbox

    chat = new_chat_id()
    hotline.post_telegram(telegram_text_update("halo", chat_id=chat))
    n = len(hotline.wait_telegram(chat, 1))
    hotline.post_telegram(telegram_text_update(VAGUE, chat_id=chat))
    texts = hotline.wait_telegram(chat, n + 1)
    assert "kekerasan" in texts[-1]
    n = len(texts)
    hotline.post_telegram(telegram_text_update("tidak", chat_id=chat))
    assert "terima kasih" in hotline.wait_telegram(chat, n + 1)[-1].lower()

    landed = hotline.wait_db(lambda s: [i for i in s.scalars(select(ReviewItem)) if "not_violence" in i.reasons])
    assert len(landed) == 1
    item = landed[0]
    assert item.text == REDACTED and item.status == "open"
    assert item.redactions == {"NAME": 1, "VILLAGE": 1}
    assert item.verdict["urgency"] in ("normal", "high") and item.verdict["intent"]
    assert [i.id for i in items_of(hotline, f"tg:{chat}")] == [item.id]
    assert hotline.db(lambda s: s.scalars(select(Case)).all()) == []  # and still no case opened on a guess
    # No word of the message in the logs or the audit rows.
    audit = hotline.db(lambda s: [json.dumps(a.detail or {}) for a in s.scalars(select(AuditLog))])
    for word in ("Siti", "Sukatani", "rumah tangga"):
        assert word not in caplog.text and not any(word in a for a in audit)
