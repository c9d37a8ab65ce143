"""Telegram adapter over real HTTP: webhook → handle, TelegramSender → FakeTelegramAPI, polling."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from bot.telegram import (
    SECRET_HEADER,
    PendingTasks,
    TelegramSender,
    build_bot,
    run_polling,
    set_webhook,
    telegram_router,
    update_to_incoming,
)
from bot.types import Button, IncomingMessage, OutgoingMessage, Sender
from core.settings import Settings
from tests.bot.conftest import PUBLIC_BASE_URL, WEBHOOK_SECRET, NullSender, RecordingHandle
from tests.factories import (
    load_fixture,
    telegram_callback_update,
    telegram_edited_update,
    telegram_photo_update,
    telegram_text_update,
    telegram_voice_update,
)
from tests.fakes.telegram_api import FakeTelegramAPI

# --------------------------------------------------------------------------------------------------------
# Translation (pure)


def test_text_fixture_translates() -> None:
    msg = update_to_incoming(load_fixture("telegram/text.json"))
    assert msg is not None
    assert msg.channel == "telegram"
    assert msg.sender_id == "tg:900001"
    assert msg.external_id == "100000001"
    assert msg.text == "halo, saya mau tanya soal layanan"
    assert msg.media_count == 0
    assert msg.chat_message_id == 11
    assert msg.received_at == datetime.fromtimestamp(1717045200, UTC)
    assert msg.callback_data is None


@pytest.mark.parametrize("name", ["telegram/photo.json", "telegram/voice.json"])
def test_media_only_fixture_has_media_and_no_text(name: str) -> None:
    msg = update_to_incoming(load_fixture(name))
    assert msg is not None
    assert (msg.text, msg.media_count) == ("", 1)


def test_caption_is_the_text() -> None:
    msg = update_to_incoming(telegram_photo_update(caption="ini buktinya"))
    assert msg is not None
    assert (msg.text, msg.media_count) == ("ini buktinya", 1)


def test_callback_query_fixture() -> None:
    msg = update_to_incoming(load_fixture("telegram/callback_query.json"))
    assert msg is not None
    assert msg.sender_id == "tg:900002"
    assert msg.callback_data == "claim:42"
    assert msg.chat_message_id == 1001
    assert msg.text == ""


def test_edited_message_is_a_message_unless_disabled() -> None:
    update = load_fixture("telegram/edited_message.json")
    msg = update_to_incoming(update)
    assert msg is not None
    assert msg.text.endswith("konseling")
    assert msg.external_id == "100000005"
    assert update_to_incoming(update, edits=False) is None


def test_unhandled_update_type_is_ignored() -> None:
    update = {"update_id": 7, "my_chat_member": {"chat": {"id": 900001, "type": "private"}}}
    assert update_to_incoming(update) is None


# --------------------------------------------------------------------------------------------------------
# Webhook


def _webhook_app(settings: Settings, handle: RecordingHandle, sender: Sender | None = None) -> FastAPI:
    app = FastAPI()
    app.include_router(telegram_router(settings, handle, sender or NullSender()))
    return app


async def test_webhook_with_secret_calls_handle_once(
    make_settings: Callable[..., Settings], serve: Callable[[FastAPI], str], handle: RecordingHandle
) -> None:
    base = serve(_webhook_app(make_settings(), handle))
    update = telegram_text_update("tolong saya", chat_id=900003)
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post("/webhooks/telegram", json=update, headers={SECRET_HEADER: WEBHOOK_SECRET})
    assert response.status_code == 200
    [msg] = await handle.wait_for(1)
    assert msg.sender_id == "tg:900003"
    assert msg.text == "tolong saya"
    assert msg.external_id == str(update["update_id"])
    assert msg.chat_message_id == update["message"]["message_id"]
    await asyncio.sleep(0.1)
    assert len(handle.messages) == 1


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ""}])
async def test_webhook_without_the_secret_is_refused(
    make_settings: Callable[..., Settings],
    serve: Callable[[FastAPI], str],
    handle: RecordingHandle,
    headers: dict[str, str],
) -> None:
    base = serve(_webhook_app(make_settings(), handle))
    async with httpx.AsyncClient(base_url=base) as client:
        refused = await client.post("/webhooks/telegram", json=telegram_text_update("palsu"), headers=headers)
        # Not even a malformed body is looked at before the secret is checked.
        garbage = await client.post("/webhooks/telegram", content=b"{not json", headers=headers)
        ok = await client.post(
            "/webhooks/telegram", json=telegram_text_update("asli"), headers={SECRET_HEADER: WEBHOOK_SECRET}
        )
    assert (refused.status_code, garbage.status_code, ok.status_code) == (403, 403, 200)
    [msg] = await handle.wait_for(1)
    assert msg.text == "asli"
    await asyncio.sleep(0.1)
    assert len(handle.messages) == 1


async def test_webhook_without_configured_secret_refuses_everything(
    make_settings: Callable[..., Settings], serve: Callable[[FastAPI], str], handle: RecordingHandle
) -> None:
    base = serve(_webhook_app(make_settings(telegram_webhook_secret=None), handle))
    async with httpx.AsyncClient(base_url=base) as client:
        for headers in ({}, {SECRET_HEADER: ""}, {SECRET_HEADER: "None"}):
            response = await client.post("/webhooks/telegram", json=telegram_text_update(), headers=headers)
            assert response.status_code == 403
    await asyncio.sleep(0.1)
    assert handle.messages == []


async def test_webhook_photo_voice_and_edit(
    make_settings: Callable[..., Settings], serve: Callable[[FastAPI], str], handle: RecordingHandle
) -> None:
    base = serve(_webhook_app(make_settings(), handle))
    updates = [telegram_photo_update(), telegram_voice_update(), telegram_edited_update("sudah aman")]
    async with httpx.AsyncClient(base_url=base) as client:
        for update in updates:
            response = await client.post("/webhooks/telegram", json=update, headers={SECRET_HEADER: WEBHOOK_SECRET})
            assert response.status_code == 200
    photo, voice, edit = await handle.wait_for(3)
    assert (photo.text, photo.media_count) == ("", 1)
    assert (voice.text, voice.media_count) == ("", 1)
    assert (edit.text, edit.media_count) == ("sudah aman", 0)


async def test_webhook_malformed_body_with_secret_is_200_and_kept_aside(
    make_settings: Callable[..., Settings], serve: Callable[[FastAPI], str], handle: RecordingHandle
) -> None:
    # Authenticated but not an update: a non-2xx would make Telegram redeliver it forever.
    settings = make_settings()
    base = serve(_webhook_app(settings, handle))
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post("/webhooks/telegram", content=b"[1, 2]", headers={SECRET_HEADER: WEBHOOK_SECRET})
    assert response.status_code == 200
    [kept] = list((settings.var_dir / "poison").glob("*-telegram-invalid-*.bin"))
    assert b"[1, 2]" not in kept.read_bytes()
    assert handle.messages == []


async def test_webhook_callback_query_is_answered_and_handled(
    make_settings: Callable[..., Settings], serve: Callable[[FastAPI], str], handle: RecordingHandle
) -> None:
    base = serve(_webhook_app(make_settings(), handle))
    update = telegram_callback_update("claim:77", chat_id=900002, message_id=1005)
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post("/webhooks/telegram", json=update, headers={SECRET_HEADER: WEBHOOK_SECRET})
    # The press is acknowledged in the webhook response (Telegram runs the method given there).
    assert response.status_code == 200
    assert response.json() == {
        "method": "answerCallbackQuery",
        "callback_query_id": update["callback_query"]["id"],
    }
    [msg] = await handle.wait_for(1)
    assert (msg.sender_id, msg.callback_data, msg.chat_message_id) == ("tg:900002", "claim:77", 1005)


async def test_webhook_keeps_order_per_chat(
    make_settings: Callable[..., Settings], serve: Callable[[FastAPI], str]
) -> None:
    seen: list[str] = []

    async def slow_first(msg: IncomingMessage, sender: Sender) -> None:
        if msg.text == "1":
            await asyncio.sleep(0.3)
        seen.append(msg.text)

    app = FastAPI()
    app.include_router(telegram_router(make_settings(), slow_first, NullSender()))
    base = serve(app)
    async with httpx.AsyncClient(base_url=base) as client:
        for text in ("1", "2"):
            await client.post(
                "/webhooks/telegram", json=telegram_text_update(text), headers={SECRET_HEADER: WEBHOOK_SECRET}
            )
    for _ in range(100):
        if len(seen) == 2:
            break
        await asyncio.sleep(0.02)
    assert seen == ["1", "2"]


# --------------------------------------------------------------------------------------------------------
# Sender and bot setup against the fake Bot API


@pytest.fixture
def tg_settings(make_settings: Callable[..., Settings], telegram_api: FakeTelegramAPI) -> Settings:
    return make_settings(telegram_bot_token=telegram_api.token, telegram_api_base_url=telegram_api.api_base_url)


async def test_sender_sends_text_and_inline_buttons(tg_settings: Settings, telegram_api: FakeTelegramAPI) -> None:
    async with build_bot(tg_settings) as bot:
        sender = TelegramSender(bot)
        buttons = (Button("Saya aman", "safe:yes"), Button("Tidak aman", "safe:no"))
        first = await sender.send(OutgoingMessage("tg:900001", "Apakah anda aman?", buttons))
        second = await sender.send(OutgoingMessage("tg:900001", "Terima kasih."))
    assert telegram_api.calls_to("getMe")  # initialize() reached the fake, with the token in the path
    calls = telegram_api.calls_to("sendMessage")
    assert len(calls) == 2
    assert calls[0].params["chat_id"] == 900001
    assert calls[0].params["text"] == "Apakah anda aman?"
    assert calls[0].params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Saya aman", "callback_data": "safe:yes"}],
            [{"text": "Tidak aman", "callback_data": "safe:no"}],
        ]
    }
    assert calls[0].params["link_preview_options"] == {"is_disabled": True}
    assert "reply_markup" not in calls[1].params
    assert first is not None and second is not None
    assert int(second) == int(first) + 1


async def test_wrong_token_is_rejected_by_the_fake(
    make_settings: Callable[..., Settings], telegram_api: FakeTelegramAPI
) -> None:
    from telegram.error import InvalidToken

    settings = make_settings(telegram_bot_token="999:WRONG", telegram_api_base_url=telegram_api.api_base_url)
    with pytest.raises(InvalidToken):
        async with build_bot(settings):
            pass
    assert telegram_api.unauthorized == 1


async def test_delete_messages_tolerates_undeletable(tg_settings: Settings, telegram_api: FakeTelegramAPI) -> None:
    async with build_bot(tg_settings) as bot:
        sender = TelegramSender(bot)
        assert await sender.delete_messages("tg:900001", [11, 12, 13]) == 3
        call = telegram_api.calls_to("deleteMessages")[0]
        assert call.params == {"chat_id": 900001, "message_ids": [11, 12, 13]}

        # The batch call fails: fall back to one by one, skipping the ones that cannot be deleted.
        telegram_api.undeletable.add((900001, 22))
        telegram_api.fail_next("deleteMessages", 400, "Bad Request: message can't be deleted")
        assert await sender.delete_messages(900001, [21, 22, 23]) == 2
        singles = [c.params["message_id"] for c in telegram_api.calls_to("deleteMessage")]
        assert singles == [21, 22, 23]

        # Nothing deletable at all: no exception.
        telegram_api.undeletable.update({(900001, 31), (900001, 32)})
        assert await sender.delete_messages(900001, [31, 32]) == 0


async def test_set_webhook_registers_public_url_and_secret(
    tg_settings: Settings, telegram_api: FakeTelegramAPI
) -> None:
    async with build_bot(tg_settings) as bot:
        assert await set_webhook(bot, tg_settings)
    call = telegram_api.calls_to("setWebhook")[0]
    assert call.params["url"] == f"{PUBLIC_BASE_URL}/webhooks/telegram"
    assert call.params["secret_token"] == WEBHOOK_SECRET
    assert call.params["allowed_updates"] == ["message", "edited_message", "callback_query"]


# --------------------------------------------------------------------------------------------------------
# Polling


async def test_polling_handles_each_update_once_with_advancing_offset(
    tg_settings: Settings, telegram_api: FakeTelegramAPI, handle: RecordingHandle
) -> None:
    telegram_api.webhook = {"url": "https://old.example.org/webhooks/telegram"}
    first_ids = [telegram_api.push_update(telegram_text_update(f"pesan {i}")) for i in range(3)]
    stop = asyncio.Event()
    tasks = PendingTasks()
    async with build_bot(tg_settings) as bot:
        sender = TelegramSender(bot)
        poller = asyncio.create_task(run_polling(bot, handle, sender, stop, poll_timeout=1, tasks=tasks))
        await handle.wait_for(3)
        later = telegram_api.push_update(telegram_callback_update("safe:yes", chat_id=900001))
        await handle.wait_for(4)
        # Let a few more polls happen: nothing may be delivered twice.
        await telegram_api.await_until(lambda calls: sum(c.method == "getUpdates" for c in calls) >= 4)
        stop.set()
        await asyncio.wait_for(poller, 5)

    handled = [m.external_id for m in handle.messages]
    assert handled == [str(i) for i in [*first_ids, later]]
    assert handle.messages[3].callback_data == "safe:yes"
    assert len(telegram_api.calls_to("answerCallbackQuery")) == 1  # the press was acknowledged
    assert telegram_api.calls_to("deleteWebhook")  # polling removed the old webhook first
    offsets = [c.params.get("offset") for c in telegram_api.calls_to("getUpdates")]
    assert offsets[0] is None
    seen = [o for o in offsets if o is not None]
    assert seen == sorted(seen)
    assert seen[-1] == later + 1
    assert telegram_api.pending_updates == []  # the last batch was confirmed on stop
    assert len(tasks) == 0
