"""Web chat over real HTTP, and the terminal chat."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import httpx
from fastapi import FastAPI

from bot.types import Button, IncomingMessage, OutgoingMessage
from bot.webchat import WebChatOutbox, terminal_chat, webchat_router
from tests.bot.conftest import NullSender, RecordingHandle


def _echo(msg: IncomingMessage) -> list[OutgoingMessage]:
    """A fake core: two replies to the sender and a page to staff on another channel."""
    return [
        OutgoingMessage(msg.sender_id, f"diterima: {msg.text or msg.callback_data}", urgent=True),
        OutgoingMessage(msg.sender_id, "Apakah anda aman?", (Button("Ya", "safe:yes"), Button("Tidak", "safe:no"))),
        OutgoingMessage("tg:900002", "kasus baru"),
    ]


async def test_send_returns_the_replies_for_the_session(serve: Callable[[FastAPI], str]) -> None:
    handle = RecordingHandle(_echo)
    staff = NullSender()
    app = FastAPI()
    app.include_router(webchat_router(handle, fallback=staff))
    base = serve(app)
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post("/chat/send", json={"session": "sesi-1", "text": "halo"})
        pressed = await client.post("/chat/send", json={"session": "sesi-1", "text": "Ya", "callback_data": "safe:yes"})
    assert response.status_code == 200
    assert response.json() == [
        {"text": "diterima: halo", "buttons": [], "urgent": True},
        {
            "text": "Apakah anda aman?",
            "buttons": [{"label": "Ya", "data": "safe:yes"}, {"label": "Tidak", "data": "safe:no"}],
            "urgent": False,
        },
    ]
    assert pressed.json()[0]["text"] == "diterima: Ya"
    first, second = handle.messages
    assert (first.channel, first.sender_id, first.text) == ("web", "web:sesi-1", "halo")
    assert second.callback_data == "safe:yes"
    assert first.external_id != second.external_id
    assert [m.recipient_id for m in staff.sent] == ["tg:900002", "tg:900002"]


async def test_bad_requests_are_refused(serve: Callable[[FastAPI], str]) -> None:
    handle = RecordingHandle()
    app = FastAPI()
    app.include_router(webchat_router(handle))
    base = serve(app)
    async with httpx.AsyncClient(base_url=base) as client:
        bad_session = await client.post("/chat/send", json={"session": "../x", "text": "halo"})
        empty = await client.post("/chat/send", json={"session": "s1", "text": "  "})
        too_long = await client.post("/chat/send", json={"session": "s1", "text": "a" * 4001})
    assert (bad_session.status_code, empty.status_code, too_long.status_code) == (422, 422, 422)
    assert handle.messages == []


async def test_late_replies_are_polled_from_the_outbox(serve: Callable[[FastAPI], str]) -> None:
    outbox = WebChatOutbox()
    app = FastAPI()
    app.include_router(webchat_router(RecordingHandle(), outbox=outbox))
    base = serve(app)
    # A counsellor answers later, outside any request.
    await outbox.send(OutgoingMessage("web:sesi-2", "Konselor sudah bergabung."))
    async with httpx.AsyncClient(base_url=base) as client:
        first = await client.get("/chat/messages", params={"session": "sesi-2"})
        again = await client.get("/chat/messages", params={"session": "sesi-2"})
    assert [r["text"] for r in first.json()] == ["Konselor sudah bergabung."]
    assert again.json() == []


async def test_page_is_self_contained_and_neutral(serve: Callable[[FastAPI], str]) -> None:
    app = FastAPI()
    app.include_router(webchat_router(RecordingHandle()))
    base = serve(app)
    async with httpx.AsyncClient(base_url=base) as client:
        page = await client.get("/chat")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<title>Layanan Informasi</title>" in page.text
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page.text)
    assert "kekerasan" not in page.text.lower()
    assert page.headers["cache-control"] == "no-store"


async def test_terminal_chat_prints_replies_and_maps_numbers() -> None:
    handle = RecordingHandle(_echo)
    out = io.StringIO()
    await terminal_chat(handle, stdin=io.StringIO("halo\n\n2\n"), stdout=out)
    first, second = handle.messages
    assert (first.sender_id, first.text, first.callback_data) == ("web:terminal", "halo", None)
    assert (second.text, second.callback_data) == ("2", "safe:no")
    printed = out.getvalue()
    assert "bot> diterima: halo" in printed
    assert "  1. Ya\n  2. Tidak" in printed
