"""WhatsApp adapter over real HTTP: signed webhooks → handle, WhatsAppSender → FakeTwilioAPI."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from bot.types import Button, OutgoingMessage, Sender
from bot.whatsapp import (
    EMPTY_TWIML,
    OutsideWindow,
    WhatsAppSender,
    build_twilio_client,
    form_to_incoming,
    split_text,
    whatsapp_router,
)
from core.settings import Settings
from tests.bot.conftest import PUBLIC_BASE_URL, NullSender, RecordingHandle
from tests.factories import TEST_PHONE, load_fixture, twilio_media_form, twilio_text_form
from tests.fakes.twilio_api import TEST_AUTH_TOKEN, TEST_WHATSAPP_FROM, FakeTwilioAPI, sign_twilio_request

PUBLIC_URL = f"{PUBLIC_BASE_URL}/webhooks/whatsapp"

# twilio 9.13's AsyncTwilioHttpClient still passes aiohttp's deprecated BasicAuth; not ours to fix.
pytestmark = [
    pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The 'auth' parameter is deprecated:DeprecationWarning"),
]

# --------------------------------------------------------------------------------------------------------
# Translation (pure)


def test_text_fixture_translates() -> None:
    msg = form_to_incoming(load_fixture("twilio/text.json"))
    assert msg.channel == "whatsapp"
    assert msg.sender_id == "wa:+6281200000001"
    assert msg.external_id == "SM00000000000000000000000000000001"
    assert msg.text == "halo, saya mau tanya soal layanan"
    assert msg.media_count == 0


def test_media_fixture_translates() -> None:
    msg = form_to_incoming(load_fixture("twilio/media.json"))
    assert (msg.text, msg.media_count) == ("", 1)
    assert msg.external_id.startswith("MM")


def test_quick_reply_payload_is_callback_data() -> None:
    form = twilio_text_form("Ya") | {"ButtonPayload": "safe:yes", "ButtonText": "Ya"}
    assert form_to_incoming(form).callback_data == "safe:yes"


@pytest.mark.parametrize("change", [{"From": "+6281200000001"}, {"MessageSid": "", "SmsMessageSid": ""}])
def test_not_a_whatsapp_message_is_rejected(change: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        form_to_incoming(twilio_text_form() | change)


def test_split_text_respects_twilio_limit() -> None:
    text = "\n\n".join(["kata " * 100] * 6)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(p) <= 1600 for p in parts)
    assert " ".join(parts).split() == text.split()


# --------------------------------------------------------------------------------------------------------
# Webhook


def _app(
    settings: Settings, handle: RecordingHandle, sender: Sender | None = None, options: WhatsAppSender | None = None
) -> FastAPI:
    app = FastAPI()
    app.include_router(whatsapp_router(settings, handle, sender or NullSender(), options=options))
    return app


def _signed(form: dict[str, str], url: str = PUBLIC_URL, token: str = TEST_AUTH_TOKEN) -> dict[str, str]:
    return {"X-Twilio-Signature": sign_twilio_request(token, url, form)}


async def test_signed_form_gets_twiml_and_is_handled(
    make_settings: Callable[..., Settings], serve: Callable[[FastAPI], str], handle: RecordingHandle
) -> None:
    base = serve(_app(make_settings(), handle))
    form = twilio_text_form("saya dipukul suami")
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post("/webhooks/whatsapp", data=form, headers=_signed(form))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text == EMPTY_TWIML
    [msg] = await handle.wait_for(1)
    assert msg.sender_id == f"wa:{TEST_PHONE}"
    assert msg.external_id == form["MessageSid"]
    assert msg.text == "saya dipukul suami"


async def test_signature_uses_public_base_url_not_host_header(
    make_settings: Callable[..., Settings], serve: Callable[[FastAPI], str], handle: RecordingHandle
) -> None:
    base = serve(_app(make_settings(), handle))
    form = twilio_text_form("lewat proxy")
    async with httpx.AsyncClient(base_url=base) as client:
        # Behind a proxy the app sees another Host; the signature is over the public URL and still holds.
        proxied = await client.post(
            "/webhooks/whatsapp", data=form, headers=_signed(form) | {"Host": "app.internal:8080"}
        )
        # A signature over the URL the app itself sees is not what Twilio signs: refused.
        local = twilio_text_form("pakai host lokal")
        host_signed = await client.post(
            "/webhooks/whatsapp", data=local, headers=_signed(local, url=f"{base}/webhooks/whatsapp")
        )
        # The query string is part of the signed URL.
        query = twilio_text_form("dengan query")
        with_query = await client.post(
            "/webhooks/whatsapp?region=depok", data=query, headers=_signed(query, url=f"{PUBLIC_URL}?region=depok")
        )
    assert (proxied.status_code, host_signed.status_code, with_query.status_code) == (200, 403, 200)
    messages = await handle.wait_for(2)
    await asyncio.sleep(0.1)
    assert sorted(m.text for m in handle.messages) == ["dengan query", "lewat proxy"]
    assert len(messages) == 2


async def test_forged_or_missing_signature_is_refused(
    make_settings: Callable[..., Settings], serve: Callable[[FastAPI], str], handle: RecordingHandle
) -> None:
    base = serve(_app(make_settings(), handle))
    form = twilio_text_form("palsu")
    tampered = dict(form, Body="diubah")
    async with httpx.AsyncClient(base_url=base) as client:
        statuses = [
            (await client.post("/webhooks/whatsapp", data=form)).status_code,
            (await client.post("/webhooks/whatsapp", data=form, headers={"X-Twilio-Signature": ""})).status_code,
            (await client.post("/webhooks/whatsapp", data=form, headers=_signed(form, token="other"))).status_code,
            (await client.post("/webhooks/whatsapp", data=tampered, headers=_signed(form))).status_code,
        ]
        genuine = twilio_text_form("asli")
        ok = await client.post("/webhooks/whatsapp", data=genuine, headers=_signed(genuine))
    assert statuses == [403, 403, 403, 403]
    assert ok.status_code == 200
    [msg] = await handle.wait_for(1)
    assert msg.text == "asli"
    await asyncio.sleep(0.1)
    assert len(handle.messages) == 1


async def test_no_auth_token_configured_refuses_everything(
    make_settings: Callable[..., Settings], serve: Callable[[FastAPI], str], handle: RecordingHandle
) -> None:
    base = serve(_app(make_settings(twilio_auth_token=None), handle))
    form = twilio_text_form()
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post("/webhooks/whatsapp", data=form, headers=_signed(form))
    assert response.status_code == 403
    await asyncio.sleep(0.1)
    assert handle.messages == []


async def test_media_only_message(
    make_settings: Callable[..., Settings], serve: Callable[[FastAPI], str], handle: RecordingHandle
) -> None:
    base = serve(_app(make_settings(), handle))
    form = twilio_media_form(2)
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post("/webhooks/whatsapp", data=form, headers=_signed(form))
    assert response.status_code == 200
    [msg] = await handle.wait_for(1)
    assert (msg.text, msg.media_count) == ("", 2)


async def test_status_callback_is_acknowledged_not_handled(
    make_settings: Callable[..., Settings], serve: Callable[[FastAPI], str], handle: RecordingHandle
) -> None:
    base = serve(_app(make_settings(), handle))
    form = {"MessageSid": "SM" + "1" * 32, "MessageStatus": "delivered", "From": TEST_WHATSAPP_FROM}
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post("/webhooks/whatsapp", data=form, headers=_signed(form))
    assert response.status_code == 200
    await asyncio.sleep(0.1)
    assert handle.messages == []


# --------------------------------------------------------------------------------------------------------
# Sender against the fake Twilio API


class Inbound:
    """An injectable ``last_inbound_at`` with a settable answer."""

    def __init__(self, at: datetime | None) -> None:
        self.at = at
        self.asked: list[str] = []

    async def __call__(self, recipient_id: str) -> datetime | None:
        self.asked.append(recipient_id)
        return self.at


@pytest.fixture
async def wa_settings(make_settings: Callable[..., Settings], twilio_api: FakeTwilioAPI) -> Settings:
    return make_settings(twilio_api_base_url=twilio_api.base_url)


@pytest.fixture
async def twilio_client(wa_settings: Settings) -> AsyncIterator[Client]:
    client = build_twilio_client(wa_settings)
    yield client
    await client.http_client.close()


async def test_sender_posts_to_twilio_with_basic_auth(
    wa_settings: Settings, twilio_client: Client, twilio_api: FakeTwilioAPI
) -> None:
    inbound = Inbound(datetime.now(UTC) - timedelta(hours=1))
    sender = WhatsAppSender(wa_settings, twilio_client, inbound)
    sid = await sender.send(
        OutgoingMessage(f"wa:{TEST_PHONE}", "Apakah anda aman?", (Button("Ya", "safe:yes"), Button("Tidak", "safe:no")))
    )
    [sent] = twilio_api.sent()
    assert sent["To"] == f"whatsapp:{TEST_PHONE}"
    assert sent["From"] == TEST_WHATSAPP_FROM
    assert sent["Body"] == "Apakah anda aman?\n\n1. Ya\n2. Tidak"
    assert sid is not None and sid.startswith("SM") and len(sid) == 34
    assert twilio_api.unauthorized == 0
    assert inbound.asked == [f"wa:{TEST_PHONE}"]
    # The numbered reply maps back to the button; other numbers or text do not.
    assert sender.option_for(f"wa:{TEST_PHONE}", " 2 ") == "safe:no"
    assert sender.option_for(f"wa:{TEST_PHONE}", "3") is None
    assert sender.option_for(f"wa:{TEST_PHONE}", "ya") is None
    await sender.send(OutgoingMessage(f"wa:{TEST_PHONE}", "Berapa umur anak?"))
    assert sender.option_for(f"wa:{TEST_PHONE}", "2") is None


async def test_long_text_is_sent_in_parts(
    wa_settings: Settings, twilio_client: Client, twilio_api: FakeTwilioAPI
) -> None:
    sender = WhatsAppSender(wa_settings, twilio_client, Inbound(datetime.now(UTC)))
    await sender.send(OutgoingMessage(f"wa:{TEST_PHONE}", "\n".join(["baris informasi layanan"] * 120)))
    bodies = [p["Body"] for p in twilio_api.sent()]
    assert len(bodies) == 2
    assert all(len(b) <= 1600 for b in bodies)


async def test_wrong_credentials_are_refused_by_the_fake(
    make_settings: Callable[..., Settings], twilio_api: FakeTwilioAPI
) -> None:
    settings = make_settings(twilio_api_base_url=twilio_api.base_url, twilio_auth_token="wrong")
    client = build_twilio_client(settings)
    try:
        sender = WhatsAppSender(settings, client, Inbound(datetime.now(UTC)))
        with pytest.raises(TwilioRestException) as raised:
            await sender.send(OutgoingMessage(f"wa:{TEST_PHONE}", "halo"))
    finally:
        await client.http_client.close()
    assert raised.value.status == 401
    assert twilio_api.unauthorized == 1
    assert twilio_api.sent() == []


@pytest.mark.parametrize("last", [None, datetime.now(UTC) - timedelta(hours=25)])
async def test_outside_24h_window_nothing_is_sent(
    wa_settings: Settings, twilio_client: Client, twilio_api: FakeTwilioAPI, last: datetime | None
) -> None:
    sender = WhatsAppSender(wa_settings, twilio_client, Inbound(last))
    with pytest.raises(OutsideWindow) as raised:
        await sender.send(OutgoingMessage(f"wa:{TEST_PHONE}", "Kami menghubungi anda kembali."))
    assert raised.value.recipient_id == f"wa:{TEST_PHONE}"
    assert raised.value.last_inbound_at == last
    await asyncio.sleep(0.05)
    assert twilio_api.calls == []


async def test_naive_timestamp_is_utc_and_window_edge(wa_settings: Settings, twilio_client: Client) -> None:
    now = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    inside = WhatsAppSender(
        wa_settings,
        twilio_client,
        Inbound(datetime(2024, 5, 31, 12, 1)),
        now=lambda: now,
    )
    outside = WhatsAppSender(
        wa_settings,
        twilio_client,
        Inbound(datetime(2024, 5, 31, 12, 0)),
        now=lambda: now,
    )
    assert await inside.in_window(f"wa:{TEST_PHONE}")
    assert not await outside.in_window(f"wa:{TEST_PHONE}")


async def test_template_is_sent_outside_the_window(
    wa_settings: Settings, twilio_client: Client, twilio_api: FakeTwilioAPI
) -> None:
    sender = WhatsAppSender(wa_settings, twilio_client, Inbound(None))
    sid = await sender.send_template(f"wa:{TEST_PHONE}", "HX" + "0" * 32, {"1": "Depok", "2": "darurat"})
    [sent] = twilio_api.sent()
    assert sid.startswith("SM")
    assert sent["ContentSid"] == "HX" + "0" * 32
    assert json.loads(sent["ContentVariables"]) == {"1": "Depok", "2": "darurat"}
    assert "Body" not in sent


async def test_numbered_reply_reaches_the_core_as_callback_data(
    wa_settings: Settings,
    twilio_client: Client,
    serve: Callable[[FastAPI], str],
    handle: RecordingHandle,
) -> None:
    sender = WhatsAppSender(wa_settings, twilio_client, Inbound(datetime.now(UTC)))
    await sender.send(
        OutgoingMessage(f"wa:{TEST_PHONE}", "Pilih:", (Button("Ya", "safe:yes"), Button("Tidak", "safe:no")))
    )
    # As in the app: handle gets a dispatcher over all channels; options come from the WhatsApp sender.
    base = serve(_app(wa_settings, handle, NullSender(), options=sender))
    form = twilio_text_form("1")
    async with httpx.AsyncClient(base_url=base) as client:
        await client.post("/webhooks/whatsapp", data=form, headers=_signed(form))
    [msg] = await handle.wait_for(1)
    assert (msg.text, msg.callback_data) == ("1", "safe:yes")


class DatabaseDown:
    """A ``last_inbound_at`` whose database cannot answer."""

    def __init__(self) -> None:
        self.asked = 0

    async def __call__(self, recipient_id: str) -> datetime | None:
        self.asked += 1
        raise ConnectionError("database down")


@pytest.mark.parametrize("inbound", [Inbound(None), DatabaseDown()], ids=["first-message", "database-down"])
async def test_a_reply_to_a_message_that_just_arrived_is_inside_the_window(
    wa_settings: Settings, twilio_client: Client, twilio_api: FakeTwilioAPI, inbound: Inbound | DatabaseDown
) -> None:
    # A new sender (no stored inbound) or a database that cannot answer: the delivery being answered opened the
    # window, so the reply goes out without asking storage.
    sender = WhatsAppSender(wa_settings, twilio_client, inbound)
    await sender.send(OutgoingMessage(f"wa:{TEST_PHONE}", "Nomor darurat: 110, 129",
                                      reply_to_at=datetime.now(UTC) - timedelta(seconds=2)))
    assert [p["Body"] for p in twilio_api.sent()] == ["Nomor darurat: 110, 129"]
    assert (inbound.asked == []) if isinstance(inbound, Inbound) else inbound.asked == 0


async def test_a_late_reply_is_still_refused(wa_settings: Settings, twilio_client: Client,
                                             twilio_api: FakeTwilioAPI) -> None:
    # A counsellor answering 30 hours after the citizen's last message: outside, even with the old arrival time.
    last = datetime.now(UTC) - timedelta(hours=30)
    sender = WhatsAppSender(wa_settings, twilio_client, Inbound(last))
    with pytest.raises(OutsideWindow):
        await sender.send(OutgoingMessage(f"wa:{TEST_PHONE}", "Halo, ini konselor.", reply_to_at=last))
    assert twilio_api.calls == []


async def test_without_a_database_answer_twilio_decides(wa_settings: Settings, twilio_client: Client,
                                                        twilio_api: FakeTwilioAPI) -> None:
    sender = WhatsAppSender(wa_settings, twilio_client, DatabaseDown())
    assert await sender.in_window(f"wa:{TEST_PHONE}")
