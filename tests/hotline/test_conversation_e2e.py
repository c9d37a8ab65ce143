"""Scripted conversations over real HTTP: webhooks in, replies at the fake Telegram / Twilio APIs.

Real trained Rasa model, real Redis (Rasa's tracker and lock store), real SQLite.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sqlalchemy import func, select

from hotline.services import RasaServer, RedisServer
from storage.models import Case, Conversation, Message
from tests.factories import telegram_photo_update, telegram_text_update, twilio_media_form, twilio_text_form
from tests.hotline.conftest import Harness, new_chat_id, new_phone

pytestmark = pytest.mark.rasa


def count(h: Harness, model: type, **where: object) -> int:
    def q(s: object) -> int:
        stmt = select(func.count()).select_from(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return int(s.scalar(stmt))  # type: ignore[attr-defined]

    return h.db(q)


def test_report_intake_asks_only_what_is_missing_and_opens_a_case(hotline: Harness) -> None:
    chat = new_chat_id()
    # The report already says who (a child, 9) and where (Sukmajaya, Depok): those are not asked.
    assert hotline.post_telegram(telegram_text_update(
        "anak saya umur 9 sering dipukul ayah tirinya pake ikat pinggang, kami di sukmajaya depok", chat_id=chat,
    )).status_code == 200
    texts = hotline.wait_telegram(chat, 2)
    assert "129" in texts[0] and "aman" in texts[0], "first contact: welcome, safety question, numbers"
    joined = " ".join(texts)
    assert "umurnya" not in joined and "kecamatan" not in joined.lower()
    case = hotline.db(lambda s: s.scalars(select(Case)).one())
    assert (case.urgency, case.violence_type, case.victim_age_group, case.region) == ("high", "physical", "child",
                                                                                    "32.76")
    assert (case.place_code, case.city, case.kecamatan) == ("32.76.05", "Kota Depok", "Sukmajaya")
    # Next question: is the perpetrator near (high urgency) -> "tidak"; then a safe way to contact -> done.
    assert "pelaku" in texts[-1].lower()
    hotline.post_telegram(telegram_text_update("tidak", chat_id=chat))
    texts = hotline.wait_telegram(chat, len(texts) + 1)
    assert "menghubungimu" in texts[-1]
    hotline.post_telegram(telegram_text_update("lewat chat ini aja sore jam 4", chat_id=chat))
    texts = hotline.wait_telegram(chat, len(texts) + 1)
    assert case.code in texts[-1] and "24 jam" in texts[-1]
    case = hotline.db(lambda s: s.scalars(select(Case)).one())
    assert case.safe_contact == "lewat chat ini aja sore jam 4"


def test_skip_is_respected(hotline: Harness) -> None:
    chat = new_chat_id()
    hotline.post_telegram(telegram_text_update("suami saya sering memaki dan mengancam saya", chat_id=chat))
    texts = hotline.wait_telegram(chat, 2)
    asked = texts[-1]
    hotline.post_telegram(telegram_text_update("lewati", chat_id=chat))
    texts = hotline.wait_telegram(chat, len(texts) + 2)
    assert "lewati" in texts[-2].lower() or "tidak apa-apa" in texts[-2].lower()
    assert texts[-1] != asked, "a skipped question is not asked again"


def test_faq_answer_comes_through_rasa_dialogue_and_nlg(hotline: Harness, rasa_server: RasaServer) -> None:
    chat = new_chat_id()
    hotline.post_telegram(telegram_text_update("halo", chat_id=chat))
    hotline.wait_telegram(chat, 1)
    hotline.post_telegram(telegram_text_update("puspaga itu apa sih kak", chat_id=chat))
    texts = hotline.wait_telegram(chat, 2)
    assert "Pusat Pembelajaran Keluarga" in texts[-1]
    assert count(hotline, Case) == 0, "a question is not a case"
    # The turn went through Rasa's dialogue (tracker in Redis): the intent and its slot are there, the words not.
    tracker = httpx.get(f"{rasa_server.url}/conversations/tg:{chat}/tracker", timeout=10).json()
    users = [e for e in tracker["events"] if e.get("event") == "user"]
    assert users and users[-1]["parse_data"]["intent"]["name"] == "faq"
    assert tracker["slots"]["faq_topic"] == "puspaga"
    assert "puspaga itu apa" not in json.dumps(tracker).lower(), "the tracker holds no message text"


def test_english_gets_english(hotline: Harness) -> None:
    chat = new_chat_id()
    hotline.post_telegram(telegram_text_update("hello, what is the sapa 129 whatsapp number please", chat_id=chat))
    texts = hotline.wait_telegram(chat, 2)
    assert "Are you safe" in texts[0]
    assert "08111-129-129" in texts[-1]


def test_emergency_numbers_come_first_and_fast(hotline: Harness) -> None:
    chat = new_chat_id()
    t0 = time.monotonic()
    hotline.post_telegram(telegram_text_update("tolongg suami sy mukul sy skrg dia msh di rumah bawa pisau",
                                               chat_id=chat))
    first = hotline.wait_telegram(chat, 1)[0]
    elapsed = time.monotonic() - t0
    assert "110" in first and "112" in first and "129" in first
    assert elapsed < 5.0
    texts = hotline.wait_telegram(chat, 3)
    assert any("Petugas" in t for t in texts)
    case = hotline.db(lambda s: s.scalars(select(Case)).one())
    assert case.urgency == "emergency"


def _rasa_user_events(rasa_server: RasaServer, sender: str) -> int:
    tracker = httpx.get(f"{rasa_server.url}/conversations/{sender}/tracker", timeout=10).json()
    return sum(1 for e in tracker.get("events", []) if e.get("event") == "user")


def test_hapus_deletes_data_and_telegram_messages(hotline: Harness, rasa_server: RasaServer) -> None:
    chat = new_chat_id()
    hotline.post_telegram(telegram_text_update("halo", chat_id=chat))
    hotline.wait_telegram(chat, 1)
    hotline.post_telegram(telegram_text_update("apa itu satgas ppa", chat_id=chat))
    hotline.wait_telegram(chat, 2)
    assert _rasa_user_events(rasa_server, f"tg:{chat}") >= 1
    hotline.post_telegram(telegram_text_update("pacar saya ngancam sebar foto saya", chat_id=chat))
    hotline.wait_telegram(chat, 3)
    hotline.wait_db(lambda s: s.scalars(select(Case)).first())
    sender = f"tg:{chat}"
    assert count(hotline, Conversation, sender_id=sender) == 1
    hotline.post_telegram(telegram_text_update("hapus", chat_id=chat))
    texts = hotline.tg.wait_until(lambda _: any("dihapus" in t for t in hotline.telegram_texts(chat)), 15)
    assert texts
    assert count(hotline, Conversation, sender_id=sender) == 0
    assert count(hotline, Message) == 0
    case = hotline.db(lambda s: s.scalars(select(Case)).one())
    assert case.conversation_id is None and case.safe_contact is None and case.erased_at is not None
    deleted = hotline.tg.calls_to("deleteMessages") + hotline.tg.calls_to("deleteMessage")
    assert deleted, "the citizen's Telegram messages the bot can still delete are deleted"
    assert _rasa_user_events(rasa_server, f"tg:{chat}") == 0, "Rasa's tracker is emptied too"


def test_duplicate_delivery_is_processed_once(hotline: Harness) -> None:
    chat = new_chat_id()
    update = telegram_text_update("halo kak", chat_id=chat)
    assert hotline.post_telegram(update).status_code == 200
    hotline.wait_telegram(chat, 1)
    assert hotline.post_telegram(update).status_code == 200
    phone = new_phone()
    form = twilio_text_form("halo", from_number=phone)
    assert hotline.post_whatsapp(form).status_code == 200
    assert hotline.post_whatsapp(form).status_code == 200
    hotline.wait_whatsapp(phone, 1)
    # Give a wrongly-processed duplicate every chance to show up before counting.
    hotline.post_telegram(telegram_text_update("makasih", chat_id=chat))
    hotline.wait_telegram(chat, 2)
    assert count(hotline, Message, direction="in") == 3
    assert len(hotline.telegram_texts(chat)) == 2
    assert len(hotline.whatsapp_texts(phone)) == 1


@pytest.mark.parametrize("first", [True, False], ids=["first-message", "after-a-conversation"])
def test_berhenti_opts_out_and_is_processed(hotline: Harness, first: bool) -> None:
    chat = new_chat_id()
    if not first:
        hotline.post_telegram(telegram_text_update("halo", chat_id=chat))
        hotline.wait_telegram(chat, 1)
    n = len(hotline.telegram_texts(chat))
    hotline.post_telegram(telegram_text_update("berhenti", chat_id=chat))
    assert "tidak akan mengirim" in hotline.wait_telegram(chat, n + 1)[-1]
    stored = hotline.wait_db(lambda s: s.scalars(select(Message).where(Message.text == "berhenti",
                                                                      Message.status == "processed")).first())
    assert stored is not None, "the opt-out message is marked processed, not left 'received'"
    conv = hotline.db(lambda s: s.scalars(select(Conversation).where(Conversation.sender_id == f"tg:{chat}")).one())
    assert conv.opted_out


def test_forged_webhooks_get_403_and_store_nothing(hotline: Harness) -> None:
    chat = new_chat_id()
    assert hotline.post_telegram(telegram_text_update("halo", chat_id=chat), secret="wrong").status_code == 403
    assert hotline.post_telegram(telegram_text_update("halo", chat_id=chat), secret=None).status_code == 403
    form = twilio_text_form("halo", from_number=new_phone())
    assert hotline.post_whatsapp(form, signature="bm90LWEtc2lnbmF0dXJl").status_code == 403
    assert hotline.post_whatsapp(form, signature=None).status_code == 403
    assert count(hotline, Message) == 0 and count(hotline, Conversation) == 0
    assert hotline.tg.sent_messages() == [] and hotline.tw.sent() == []


def test_whatsapp_report_and_media_only(hotline: Harness) -> None:
    phone = new_phone()
    assert hotline.post_whatsapp(twilio_media_form(1, from_number=phone)).status_code == 200
    texts = hotline.wait_whatsapp(phone, 2)
    assert any("foto" in t for t in texts)
    msg = hotline.db(lambda s: s.scalars(select(Message).where(Message.direction == "in")).one())
    assert msg.media_count == 1
    hotline.post_whatsapp(twilio_text_form("majikan sy nahan paspor dan ga bayar gaji 4 bulan", from_number=phone))
    texts = hotline.wait_whatsapp(phone, len(texts) + 1)
    case = hotline.db(lambda s: s.scalars(select(Case)).one())
    assert case.violence_type in {"trafficking", "exploitation"}


def test_oversized_emoji_and_zero_width_messages(hotline: Harness) -> None:
    chat = new_chat_id()
    hotline.post_telegram(telegram_text_update("halo", chat_id=chat))
    hotline.wait_telegram(chat, 1)
    hotline.post_telegram(telegram_text_update("😭🙏😭", chat_id=chat))
    texts = hotline.wait_telegram(chat, 2)
    assert "kata-kata" in texts[-1]
    hotline.post_telegram(telegram_text_update("\u200b\u200c\u200d", chat_id=chat))
    texts = hotline.wait_telegram(chat, 3)
    assert "kata-kata" in texts[-1]
    hotline.post_telegram(telegram_text_update("cerita " * 3000, chat_id=chat))  # 21,000 characters
    texts = hotline.wait_telegram(chat, 4)
    assert any("panjang" in t for t in texts[3:])
    photo_chat = new_chat_id()
    hotline.post_telegram(telegram_photo_update(chat_id=photo_chat))
    texts = hotline.wait_telegram(photo_chat, 2)
    assert "foto" in texts[-1]
    stored = hotline.db(lambda s: [len(m.text or "") for m in s.scalars(select(Message))])
    assert max(stored) <= 4000


def test_rasa_down_still_answers_with_numbers_and_keeps_the_message(
    harness_factory: object, redis_server: RedisServer, rasa_server: RasaServer
) -> None:
    h: Harness = harness_factory(redis_url=redis_server.url, rasa_url="http://127.0.0.1:9")  # type: ignore[operator]
    chat = new_chat_id()
    t0 = time.monotonic()
    hotline_msg = "kantor dp3a buka jam berapa ya"
    h.post_telegram(telegram_text_update(hotline_msg, chat_id=chat))
    texts = h.wait_telegram(chat, 2)
    assert time.monotonic() - t0 < 5.0
    assert "129" in texts[-1] and "simpan" in texts[-1]
    msg = h.wait_db(lambda s: s.scalars(select(Message).where(Message.status == "pending_retry")).first())
    assert msg is not None and msg.text == hotline_msg
    # Rasa is back: the app's recovery loop answers the kept message properly, with no new delivery.
    assert h.rt.rasa is not None
    h.rt.rasa.base_url = rasa_server.url
    texts = h.wait_telegram(chat, 3, timeout=20)
    assert "buka" in texts[-1].lower() or "jam" in texts[-1].lower()
    msg = h.wait_db(lambda s: s.scalars(select(Message).where(Message.status == "processed")).first())
    assert msg is not None and msg.text == hotline_msg


def test_rasa_down_emergency_still_first(harness_factory: object, redis_server: RedisServer) -> None:
    h: Harness = harness_factory(redis_url=redis_server.url, rasa_url="http://127.0.0.1:9")  # type: ignore[operator]
    chat = new_chat_id()
    h.post_telegram(telegram_text_update("tolong aku dikurung pacar di kamar kos, dia ngancam bunuh", chat_id=chat))
    texts = h.wait_telegram(chat, 2)
    assert "110" in texts[0]
    case = h.db(lambda s: s.scalars(select(Case)).one())
    assert case.urgency == "emergency", "without Rasa the rules still open and page the case"


def test_redis_down_the_person_still_gets_an_answer(hotline: Harness, redis_server: RedisServer) -> None:
    chat = new_chat_id()
    hotline.post_telegram(telegram_text_update("halo", chat_id=chat))
    hotline.wait_telegram(chat, 1)
    redis_server.stop()
    try:
        hotline.post_telegram(telegram_text_update("apa itu uptd ppa", chat_id=chat))
        texts = hotline.wait_telegram(chat, 2, timeout=10)
        assert "UPTD PPA" in texts[-1], "answered even though Rasa's tracker store is down"
        assert "110" in texts[-1] and "129" in texts[-1]
    finally:
        redis_server.start()


def test_a_service_question_during_the_intake_is_answered_and_the_question_repeated(hotline: Harness) -> None:
    chat = new_chat_id()
    hotline.post_telegram(telegram_text_update("pacar saya sering nampar saya kalau cemburu", chat_id=chat))
    texts = hotline.wait_telegram(chat, 2)
    pending = texts[-1]
    hotline.post_telegram(telegram_text_update("konseling di uptd ppa bayar ga?", chat_id=chat))
    texts = hotline.wait_telegram(chat, len(texts) + 2)
    assert "gratis" in texts[-2].lower()
    assert texts[-1] == pending
