"""End to end: a content editor changes an FAQ answer in the console of the running hotline (real HTTP), and
the citizen's very next question gets it from the real Rasa through the NLG endpoint on the fake Telegram API."""

from __future__ import annotations

import time

import httpx
import pytest

from console import auth
from handlers import texts
from storage import console as db
from storage import crud
from storage.models import utcnow
from tests.console.conftest import PASSWORD, Account, Browser
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, harness_factory, hotline, new_chat_id  # noqa: F401  (fixtures)

pytestmark = pytest.mark.rasa

NEW_ANSWER = ("Puspaga adalah tempat konsultasi keluarga yang gratis. Datang saja atau tanya di chat ini "
              "(jawaban uji).")


def add_editor(h: Harness, email: str) -> None:
    chat = new_chat_id()

    def make(s: object) -> None:
        staff = crud.add_staff(s, name=f"Editor Uji {chat}", role="content_editor",  # type: ignore[arg-type]
                               region="32.76", channel="telegram", contact_id=str(chat))
        db.set_staff_email(s, staff=staff, email=email)  # type: ignore[arg-type]
        db.issue_setup_token(s, staff=staff, token_hash=db.token_digest(email),  # type: ignore[arg-type]
                             expires_at=utcnow().replace(year=utcnow().year + 1))
        db.redeem_setup_token(s, token_hash=db.token_digest(email),  # type: ignore[arg-type]
                              password_hash=auth.hash_password(PASSWORD), now=utcnow())

    h.db(make)


async def test_an_edited_faq_answer_is_the_next_reply(hotline: Harness) -> None:  # noqa: F811
    chat = new_chat_id()
    hotline.post_telegram(telegram_text_update("halo", chat_id=chat))
    hotline.wait_telegram(chat, 1)
    hotline.post_telegram(telegram_text_update("puspaga itu apa sih kak", chat_id=chat))
    before = hotline.wait_telegram(chat, 2)
    assert before[-1] == texts.FAQ["puspaga"]["id"]

    add_editor(hotline, "editor.e2e@contoh.test")
    async with httpx.AsyncClient(base_url=hotline.base_url, timeout=10) as http:
        b = Browser(http)
        signed = await b.login(Account(0, 0, "editor.e2e@contoh.test", "content_editor", "32.76"))
        assert signed.status_code == 303 and signed.headers["location"] == "/console/"
        await b.get("/console/content/faq/puspaga/id")
        saved = await b.post("/console/content/faq/puspaga/id",
                             {"body": NEW_ANSWER, "note": "lebih ramah", "action": "save"})
        assert saved.status_code == 303
    saved_at = time.monotonic()

    # No training, no restart: the next question gets the new answer.
    hotline.post_telegram(telegram_text_update("puspaga itu apa sih kak", chat_id=chat))
    after = hotline.wait_telegram(chat, 3)
    took = time.monotonic() - saved_at
    assert after[-1] == NEW_ANSWER
    print(f"\nsaved in the console -> next FAQ reply with the new answer: {took * 1000:.0f} ms")
    # The other language and the other answers are untouched.
    assert texts.faq("puspaga", "en") == texts.FAQ["puspaga"]["en"]
