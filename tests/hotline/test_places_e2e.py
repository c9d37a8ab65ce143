"""Places end to end over real HTTP (fake Bot API and Twilio, the real trained Rasa model, Redis, SQLite): a
place name that exists in several regencies is asked about once, with the candidates as buttons (a numbered list
on WhatsApp); the answer routes the case and pages that regency's on-call counsellor. An emergency never waits
for the question. A place abroad or unknown gets a clear answer and the case still opens, with no region."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from storage.models import Case
from tests.factories import telegram_callback_update, telegram_text_update, twilio_text_form
from tests.hotline.conftest import Harness, new_chat_id, new_phone

pytestmark = pytest.mark.rasa

# Invented. "Bekasi" is Kota Bekasi (32.75) or Kabupaten Bekasi (32.16).
HIGH_IN_BEKASI = "suami saya suka membentak dan memukul saya kalau marah, kami tinggal di Bekasi"
EMERGENCY_IN_BEKASI = "tolong suami saya lagi mukulin saya sekarang, kami di Bekasi"
WHICH = "beberapa daerah"  # words of the "which city or regency?" question


def buttons_of(h: Harness, chat: int) -> list[tuple[str, str]]:
    """(label, data) of the buttons of the last message to ``chat``."""
    last = [p for p in h.tg.sent_messages() if int(p.get("chat_id", 0)) == chat][-1]
    markup: Any = last.get("reply_markup") or {}
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]


def only_case(h: Harness) -> Case:
    return h.wait_db(lambda s: s.scalars(select(Case)).one_or_none())


def test_an_ambiguous_place_is_asked_once_and_the_button_routes_and_pages(hotline: Harness) -> None:
    kota, kab = new_chat_id(), new_chat_id()
    hotline.add_on_call(str(kota), region="32.75", name="Konselor Uji Kota Bekasi")
    hotline.add_on_call(str(kab), region="32.16", name="Konselor Uji Kab Bekasi")
    citizen = new_chat_id()

    hotline.post_telegram(telegram_text_update(HIGH_IN_BEKASI, chat_id=citizen))
    hotline.tg.wait_until(lambda _: any(WHICH in t for t in hotline.telegram_texts(citizen)), 20)
    assert buttons_of(hotline, citizen) == [("Kabupaten Bekasi", "place:32.16"), ("Kota Bekasi", "place:32.75")]
    case = only_case(hotline)
    assert case.urgency == "high" and case.region == "32" and case.place_code is None  # not guessed
    assert not hotline.telegram_texts(kota) and not hotline.telegram_texts(kab)  # nobody paged on a guess

    n = len(hotline.telegram_texts(citizen))
    hotline.post_telegram(telegram_callback_update("place:32.75", chat_id=citizen))
    pages = hotline.wait_telegram(kota, 1)
    assert case.code in pages[0] and "Kota Bekasi" in pages[0]
    routed = hotline.wait_db(lambda s: (c := s.get(Case, case.id)) is not None and c.region == "32.75" and c)
    assert routed.place_code == "32.75" and routed.city == "Kota Bekasi"
    texts = hotline.wait_telegram(citizen, n + 1)
    assert not any(WHICH in t for t in texts[n:])  # asked once: the intake goes on with its next question
    assert not hotline.telegram_texts(kab)


def test_an_emergency_in_an_ambiguous_place_gets_the_numbers_at_once(hotline: Harness) -> None:
    province = new_chat_id()
    hotline.add_on_call(str(province), region="32", name="Konselor Uji Jawa Barat")
    citizen = new_chat_id()
    hotline.post_telegram(telegram_text_update(EMERGENCY_IN_BEKASI, chat_id=citizen))
    first = hotline.wait_telegram(citizen, 1)[0]
    assert "110" in first and "129" in first  # the numbers come first, before any question
    # The page goes out at once to the province every reading shares (Jawa Barat), as for any emergency.
    case = only_case(hotline)
    assert case.code in hotline.wait_telegram(province, 1)[0]
    assert case.urgency == "emergency" and case.region == "32"
    hotline.tg.wait_until(lambda _: any(WHICH in t for t in hotline.telegram_texts(citizen)), 20)
    texts = hotline.telegram_texts(citizen)
    assert texts.index(first) < next(i for i, t in enumerate(texts) if WHICH in t)


def test_on_whatsapp_the_choices_are_numbered_and_a_number_answers(hotline: Harness) -> None:
    kab = new_chat_id()
    hotline.add_on_call(str(kab), region="32.16", name="Konselor Uji Kab Bekasi")
    phone = new_phone()
    hotline.post_whatsapp(twilio_text_form(HIGH_IN_BEKASI, from_number=phone))
    hotline.tw.wait_until(lambda _: any(WHICH in t for t in hotline.whatsapp_texts(phone)), 20)
    question = next(t for t in hotline.whatsapp_texts(phone) if WHICH in t)
    assert "1. Kabupaten Bekasi" in question and "2. Kota Bekasi" in question
    hotline.post_whatsapp(twilio_text_form("1", from_number=phone))
    case = only_case(hotline)
    assert case.code in hotline.wait_telegram(kab, 1)[0]
    assert hotline.wait_db(lambda s: s.get(Case, case.id).place_code == "32.16")


def test_a_place_abroad_is_answered_and_the_case_opens_without_a_region(hotline: Harness) -> None:
    national = new_chat_id()
    hotline.add_on_call(str(national), region="nasional", name="Konselor Uji Nasional")
    citizen = new_chat_id()
    hotline.post_telegram(telegram_text_update(
        "saya dijual ke Malaysia, dipaksa kerja tanpa gaji dan paspor ditahan majikan", chat_id=citizen))
    hotline.tg.wait_until(lambda _: any("luar Indonesia" in t for t in hotline.telegram_texts(citizen)), 20)
    case = only_case(hotline)
    assert case.region == "nasional" and case.place_code is None
    assert case.code in hotline.wait_telegram(national, 1)[0]


def test_an_unknown_place_answer_is_told_and_the_case_stays_open(hotline: Harness) -> None:
    citizen = new_chat_id()
    hotline.post_telegram(telegram_text_update("suami saya suka membentak dan memukul saya kalau marah",
                                               chat_id=citizen))
    hotline.tg.wait_until(lambda _: any("kota/kecamatan" in t for t in hotline.telegram_texts(citizen)), 20)
    # Answer the questions until the place question; the place named does not exist anywhere.
    for _ in range(3):
        texts = hotline.telegram_texts(citizen)
        if "kota/kecamatan" in texts[-1]:
            break
        hotline.post_telegram(telegram_text_update("lewati", chat_id=citizen))
        hotline.wait_telegram(citizen, len(texts) + 1)
    n = len(hotline.telegram_texts(citizen))
    hotline.post_telegram(telegram_text_update("di kampung Zzyzxqwe", chat_id=citizen))
    hotline.tg.wait_until(lambda _: any("belum menemukan wilayah" in t
                                        for t in hotline.telegram_texts(citizen)[n:]), 20)
    case = only_case(hotline)
    assert case.region == "nasional" and case.status in ("new", "paged")
