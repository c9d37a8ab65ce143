"""Escalation end to end over real HTTP: an emergency on Telegram pages the on-call counsellor of the region at
the fake Bot API, who claims it with the inline button, talks to the citizen through the bot, and closes it."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select

from hotline.services import RasaServer, RedisServer
from storage.models import Case
from tests.factories import telegram_callback_update, telegram_text_update
from tests.hotline.conftest import Harness, new_chat_id

pytestmark = pytest.mark.rasa


def _reply_markup_data(params: dict[str, object]) -> list[str]:
    markup = params.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return [b["callback_data"] for row in rows for b in row]


def test_page_claim_relay_both_ways_and_close(hotline: Harness) -> None:
    counsellor_chat = new_chat_id()
    citizen = new_chat_id()

    hotline.add_on_call(str(counsellor_chat))

    hotline.post_telegram(telegram_text_update(
        "tolong suami saya lagi mukulin saya sekarang di rumah, kami di sukmajaya depok", chat_id=citizen))
    assert "110" in hotline.wait_telegram(citizen, 1)[0]

    # The page reaches the Depok counsellor with a claim button, and never contains the citizen's words.
    pages = hotline.wait_telegram(counsellor_chat, 1)
    case = hotline.db(lambda s: s.scalars(select(Case)).one())
    assert case.code in pages[0] and case.region == "32.76" and case.urgency == "emergency"
    assert case.place_code == "32.76.05" and case.kecamatan == "Sukmajaya"
    assert "mukulin" not in pages[0]
    page_params = next(p for p in hotline.tg.sent_messages() if int(p["chat_id"]) == counsellor_chat)
    assert f"claim:{case.code}" in _reply_markup_data(page_params)

    # Claim with the button: the citizen is told a counsellor joined.
    before = len(hotline.telegram_texts(citizen))
    hotline.post_telegram(telegram_callback_update(f"claim:{case.code}", chat_id=counsellor_chat))
    hotline.tg.wait_until(lambda _: any("konselor" in t.lower() and "bergabung" in t.lower()
                                        for t in hotline.telegram_texts(citizen)[before:]), 15)
    assert hotline.wait_db(lambda s: s.get(Case, case.id).status == "claimed")

    # Citizen -> counsellor, through the bot (the bot itself stays silent).
    n_staff = len(hotline.telegram_texts(counsellor_chat))
    n_citizen = len(hotline.telegram_texts(citizen))
    hotline.post_telegram(telegram_text_update("dia udah keluar rumah, saya di kamar", chat_id=citizen))
    hotline.tg.wait_until(lambda _: any("dia udah keluar rumah, saya di kamar" in t and case.code in t
                                        for t in hotline.telegram_texts(counsellor_chat)[n_staff:]), 15)
    assert len(hotline.telegram_texts(citizen)) == n_citizen

    # Counsellor -> citizen.
    hotline.post_telegram(telegram_text_update("Baik, kunci pintunya ya. Saya tetap di sini.", chat_id=counsellor_chat))
    hotline.tg.wait_until(lambda _: any("kunci pintunya" in t for t in hotline.telegram_texts(citizen)[n_citizen:]),
                          15)

    # Close with an outcome: the bot takes the conversation back.
    hotline.post_telegram(telegram_text_update(f"/selesai {case.code} konseling", chat_id=counsellor_chat))
    assert hotline.wait_db(lambda s: s.get(Case, case.id).status == "closed")
    n_citizen = len(hotline.telegram_texts(citizen))
    hotline.post_telegram(telegram_text_update("apa itu puspaga", chat_id=citizen))
    texts = hotline.tg.wait_until(
        lambda _: any("Pusat Pembelajaran Keluarga" in t for t in hotline.telegram_texts(citizen)[n_citizen:]), 15)
    assert texts


def test_a_citizen_sending_staff_commands_learns_nothing(hotline: Harness) -> None:
    citizen = new_chat_id()
    hotline.post_telegram(telegram_text_update("/antrian", chat_id=citizen))
    texts = hotline.wait_telegram(citizen, 1)
    joined = " ".join(hotline.wait_telegram(citizen, len(texts)))
    assert "K-" not in joined and "antrian" not in joined.lower()


def test_a_whatsapp_counsellor_is_paged_with_the_approved_template(
    harness_factory: Callable[..., Harness], rasa_server: RasaServer, redis_server: RedisServer
) -> None:
    # A counsellor on WhatsApp who has not written to the bot today can only be reached with a template.
    template = "HX00000000000000000000000000000001"
    hotline = harness_factory(redis_url=redis_server.url, rasa_url=rasa_server.url,
                              whatsapp_page_template_sid=template)
    counsellor = "+6281200000077"

    hotline.add_on_call(counsellor, channel="whatsapp", name="Konselor WA Depok")
    citizen = new_chat_id()
    hotline.post_telegram(telegram_text_update(
        "tolong suami saya lagi mukulin saya sekarang di rumah, kami di sukmajaya depok", chat_id=citizen))
    assert "110" in hotline.wait_telegram(citizen, 1)[0]

    def pages() -> list[dict[str, object]]:
        return [p for p in hotline.tw.sent() if p.get("To") == f"whatsapp:{counsellor}"]

    hotline.tw.wait_until(lambda _: bool(pages()), 15)
    page = pages()[0]
    case = hotline.db(lambda s: s.scalars(select(Case)).one())
    assert page["ContentSid"] == template and not page.get("Body")
    variables = json.loads(str(page["ContentVariables"]))
    assert variables["1"] == case.code and "mukulin" not in json.dumps(variables)
    assert hotline.wait_db(lambda s: s.get(Case, case.id).status == "paged")
