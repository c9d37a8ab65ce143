"""Factories for channel payloads: Telegram updates and Twilio WhatsApp webhook bodies.

Each factory starts from a recorded, real-shaped fixture in ``tests/fixtures/`` and changes only what a
test cares about; ids increase on every call so that de-duplication never hides a test message.
All data is invented (chat ids 9000xx, numbers +62812000000xx).
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

TEST_CHAT_ID = 900001
TEST_PHONE = "+6281200000001"

_update_ids = itertools.count(200000001)
_message_ids = itertools.count(2001)
_callback_ids = itertools.count(3865000000000001001)
_twilio_sids = itertools.count(1001)


@cache
def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def load_fixture(name: str) -> dict[str, Any]:
    """A fresh copy of ``tests/fixtures/<name>`` (e.g. ``"telegram/text.json"``)."""
    return copy.deepcopy(_load(name))


# --------------------------------------------------------------------------------------------------------
# Telegram


def _message_update(
    fixture: str,
    *,
    key: str = "message",
    chat_id: int = TEST_CHAT_ID,
    update_id: int | None = None,
    message_id: int | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    update = load_fixture(fixture)
    message = update[key]
    update["update_id"] = update_id if update_id is not None else next(_update_ids)
    message["message_id"] = message_id if message_id is not None else next(_message_ids)
    message["chat"]["id"] = chat_id
    message["from"]["id"] = chat_id
    message["date"] = int(time.time())
    return update, message


def telegram_text_update(
    text: str = "halo, saya mau tanya soal layanan",
    *,
    chat_id: int = TEST_CHAT_ID,
    update_id: int | None = None,
    message_id: int | None = None,
) -> dict[str, Any]:
    """A private-chat text message update."""
    update, message = _message_update("telegram/text.json", chat_id=chat_id, update_id=update_id, message_id=message_id)
    message["text"] = text
    return update


def telegram_photo_update(
    caption: str | None = None, *, chat_id: int = TEST_CHAT_ID, update_id: int | None = None
) -> dict[str, Any]:
    """A photo update (three sizes), without caption unless one is given."""
    update, message = _message_update("telegram/photo.json", chat_id=chat_id, update_id=update_id)
    if caption is not None:
        message["caption"] = caption
    return update


def telegram_voice_update(*, chat_id: int = TEST_CHAT_ID, update_id: int | None = None) -> dict[str, Any]:
    """A voice-note update."""
    update, _ = _message_update("telegram/voice.json", chat_id=chat_id, update_id=update_id)
    return update


def telegram_edited_update(
    text: str = "halo, saya mau tanya soal layanan konseling",
    *,
    chat_id: int = TEST_CHAT_ID,
    update_id: int | None = None,
    message_id: int | None = None,
) -> dict[str, Any]:
    """An ``edited_message`` update (``edit_date`` a little after ``date``)."""
    update, message = _message_update(
        "telegram/edited_message.json",
        key="edited_message",
        chat_id=chat_id,
        update_id=update_id,
        message_id=message_id,
    )
    message["text"] = text
    message["edit_date"] = message["date"] + 30
    return update


def telegram_callback_update(
    data: str = "claim:42",
    *,
    chat_id: int = 900002,
    message_id: int = 1001,
    update_id: int | None = None,
) -> dict[str, Any]:
    """A ``callback_query`` update: the user pressed an inline button under bot message ``message_id``."""
    update = load_fixture("telegram/callback_query.json")
    update["update_id"] = update_id if update_id is not None else next(_update_ids)
    query = update["callback_query"]
    query["id"] = str(next(_callback_ids))
    query["data"] = data
    query["from"]["id"] = chat_id
    query["message"]["chat"]["id"] = chat_id
    query["message"]["message_id"] = message_id
    query["message"]["date"] = int(time.time())
    return update


# --------------------------------------------------------------------------------------------------------
# Twilio (WhatsApp inbound webhook form bodies)


def _twilio_sid(prefix: str) -> str:
    return f"{prefix}{next(_twilio_sids):032d}"


def _whatsapp_form(fixture: str, prefix: str, from_number: str, message_sid: str | None) -> dict[str, str]:
    form: dict[str, str] = load_fixture(fixture)
    sid = message_sid or _twilio_sid(prefix)
    form.update(
        MessageSid=sid,
        SmsMessageSid=sid,
        SmsSid=sid,
        From=f"whatsapp:{from_number}",
        WaId=from_number.removeprefix("+"),
    )
    return form


def twilio_text_form(
    body: str = "halo, saya mau tanya soal layanan",
    *,
    from_number: str = TEST_PHONE,
    message_sid: str | None = None,
) -> dict[str, str]:
    """An inbound WhatsApp text message as Twilio posts it (form fields)."""
    form = _whatsapp_form("twilio/text.json", "SM", from_number, message_sid)
    form["Body"] = body
    return form


def twilio_media_form(
    num_media: int = 1,
    *,
    body: str = "",
    from_number: str = TEST_PHONE,
    message_sid: str | None = None,
) -> dict[str, str]:
    """An inbound WhatsApp media message (image/jpeg), media-only unless ``body`` is given."""
    form = _whatsapp_form("twilio/media.json", "MM", from_number, message_sid)
    sid = form["MessageSid"]
    del form["MediaUrl0"]
    content_type = form.pop("MediaContentType0")
    media_base = f"https://api.twilio.com/2010-04-01/Accounts/{form['AccountSid']}/Messages/{sid}/Media"
    for index in range(num_media):
        form[f"MediaUrl{index}"] = f"{media_base}/ME{index + 1:032d}"
        form[f"MediaContentType{index}"] = content_type
    form["NumMedia"] = str(num_media)
    form["Body"] = body
    form["MessageType"] = "image" if num_media else "text"
    return form


# --------------------------------------------------------------------------------------------------------
# Cases with invented places (Kemendagri-shaped codes) and response times, for figures and exports

_case_senders = itertools.count(1)


def make_case(
    session: Any,
    *,
    region: str = "32.76",
    place_code: str | None = None,
    kecamatan: str | None = None,
    city: str | None = None,
    violence_type: str = "physical",
    victim_age_group: str = "unknown",
    victim_sex: str | None = None,
    relationship: str | None = None,
    place: str | None = None,
    channel: str | None = "telegram",
    created_at: Any = None,
    page_after_s: float | None = None,
    claim_after_s: float | None = None,
    counsellor_after_s: float | None = None,
    timed_out_pages: int = 0,
) -> Any:
    """A case through ``crud.create_case_with_outbox``, placed at ``place_code``, with optional response events
    at chosen offsets from ``created_at``: pages (``crud.record_escalation_attempt``; timed-out ones first, at
    +1 s), the claim, and the counsellor's first message (``crud.note_staff_reply``). Only invented data."""
    from datetime import timedelta

    from storage import crud
    from storage.models import Message, utcnow

    at = created_at or utcnow()
    conv = None
    if channel is not None:
        conv = crud.get_or_create_conversation(session, sender_id=f"test:{channel}:{next(_case_senders)}",
                                               channel=channel)
    case, _ = crud.create_case_with_outbox(
        session, conversation=conv, region=region, violence_type=violence_type, urgency="normal",
        page_payload={}, victim_age_group=victim_age_group, victim_sex=victim_sex, city=city, kecamatan=kecamatan,
        relationship=relationship, place=place, now=at)
    case.place_code = place_code
    session.commit()
    for n in range(timed_out_pages):
        page = crud.record_escalation_attempt(session, case=case, staff=None, attempt_no=100 + n,
                                              sent_at=at + timedelta(seconds=1))
        assert page is not None
        crud.mark_escalation_timed_out(session, attempt_id=page.id, at=at + timedelta(seconds=301))
    if page_after_s is not None:
        crud.record_escalation_attempt(session, case=case, staff=None, attempt_no=1,
                                       sent_at=at + timedelta(seconds=page_after_s))
    session.refresh(case)
    if claim_after_s is not None:  # crud.claim_case stamps the current time; a test needs a chosen one
        case.status = "claimed"
        case.claimed_at = at + timedelta(seconds=claim_after_s)
    if counsellor_after_s is not None:
        assert conv is not None
        sent = at + timedelta(seconds=counsellor_after_s)
        session.add(Message(conversation_id=conv.id, direction="out", channel=conv.channel, text=None,
                            media_count=0, status="processed", created_at=sent))
        crud.note_staff_reply(session, case_code=case.code, at=sent)
    session.commit()
    return case
