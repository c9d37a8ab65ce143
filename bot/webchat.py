"""Embedded local chat for ``hotline run`` without a Telegram or Twilio account.

``GET /chat`` serves a small self-contained page; ``POST /chat/send`` hands one message to the core and
returns, as JSON, the replies the core sent to that session during the call. Replies sent later (a
counsellor answering through the bot) go to a ``WebChatOutbox`` that the page polls via
``GET /chat/messages``. ``terminal_chat`` does the same on stdin/stdout.

Translation only; no triage or conversation logic. Nothing here logs message text.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import uuid
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final, TextIO

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, field_validator

from bot.edge import ReplyTimer, TooLarge, read_limited, refuse
from bot.models import clean_str
from bot.types import Button, IncomingMessage, OutgoingMessage, Sender
from core import metrics

logger = logging.getLogger(__name__)

Handle = Callable[[IncomingMessage, Sender], Awaitable[None]]

TERMINAL_SENDER_ID: Final = "web:terminal"
MAX_TEXT_CHARS: Final = 4000
# How long a web chat request waits for its turn before answering with the replies ready so far.
REPLY_WAIT_S: Final = 3.0
# A message body is a few KB at most (4,000 characters, up to 4 bytes each, JSON-escaped).
MAX_BODY_BYTES: Final = 64_000
# Undelivered replies kept per session for the page to poll; older ones are dropped.
_MAX_QUEUED: Final = 100
_OPTION_REPLY = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
# The page must not linger in caches or leak its address to other sites.
_PAGE_HEADERS: Final = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


class ChatSend(BaseModel):
    """Body of ``POST /chat/send``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    session: StrictStr = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    text: StrictStr = Field(default="", max_length=MAX_TEXT_CHARS)
    callback_data: StrictStr | None = Field(default=None, max_length=256)

    @field_validator("text", "callback_data")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return clean_str(value) if value is not None else None


def reply_json(message: OutgoingMessage) -> dict[str, Any]:
    """One reply as the page receives it."""
    return {
        "text": message.text,
        "buttons": [{"label": b.label, "data": b.data} for b in message.buttons],
        "urgent": message.urgent,
    }


class BufferSender:
    """A ``Sender`` that collects the replies for one web session during one request.

    Messages for other recipients (a page to an on-call counsellor on Telegram, say) are passed to
    ``fallback`` when given, and dropped otherwise: the web chat cannot deliver them.
    """

    def __init__(self, recipient_id: str, fallback: Sender | None = None) -> None:
        self.recipient_id = recipient_id
        self.replies: list[OutgoingMessage] = []
        self._fallback = fallback
        self._late: Sender | None = None

    def close(self, late: Sender) -> None:
        """The response has gone: replies of this turn still to come go to ``late`` (the polled outbox)."""
        self._late = late

    async def send(self, message: OutgoingMessage) -> str | None:
        """Buffer a reply for this session (or forward one for someone else); return a local id."""
        if message.recipient_id == self.recipient_id:
            if self._late is not None:
                return await self._late.send(message)
            self.replies.append(message)
            return f"{self.recipient_id}#{len(self.replies)}"
        if self._fallback is not None:
            return await self._fallback.send(message)
        logger.warning("web chat: dropped a message for another channel (no fallback sender)")
        return None


class WebChatOutbox:
    """A ``Sender`` for ``web:<session>`` recipients outside a request; the page polls it.

    Give it to the core as the web channel's sender for messages not triggered by a web request.
    """

    def __init__(self) -> None:
        self._queues: defaultdict[str, deque[OutgoingMessage]] = defaultdict(lambda: deque(maxlen=_MAX_QUEUED))

    async def send(self, message: OutgoingMessage) -> str | None:
        """Queue a reply for the session in ``message.recipient_id`` (``web:<session>``)."""
        if not message.recipient_id.startswith("web:"):
            raise ValueError("not a web chat recipient id")
        self._queues[message.recipient_id].append(message)
        return None

    def take(self, recipient_id: str) -> list[OutgoingMessage]:
        """Remove and return everything queued for ``recipient_id``."""
        queue = self._queues.pop(recipient_id, None)
        return list(queue) if queue else []


def _log_late_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and (exc := task.exception()) is not None:
        logger.error("web chat: processing failed after the answer: %s", type(exc).__name__)


def _option_data(buttons: Sequence[Button], text: str) -> str | None:
    match = _OPTION_REPLY.match(text)
    if not match or not buttons:
        return None
    index = int(match.group(1)) - 1
    return buttons[index].data if 0 <= index < len(buttons) else None


def webchat_router(handle: Handle, *, outbox: WebChatOutbox | None = None, fallback: Sender | None = None) -> APIRouter:
    """``GET /chat`` (the page), ``POST /chat/send`` (one turn) and ``GET /chat/messages`` (late replies).

    ``outbox`` holds replies the core sends to a web session outside a request; ``fallback`` receives
    messages the core sends to other channels during a web request.
    """
    router = APIRouter()
    late = outbox if outbox is not None else WebChatOutbox()

    @router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
    async def chat_page() -> HTMLResponse:
        return HTMLResponse(CHAT_PAGE, headers=_PAGE_HEADERS)

    @router.post("/chat/send")
    async def chat_send(request: Request) -> Response:
        # Read and validated by hand rather than by FastAPI's body parsing: the size limit must hold for a
        # chunked body, and a deeply nested JSON body must be a 422, not a RecursionError and a 500.
        try:
            body = ChatSend.model_validate_json(await read_limited(request, MAX_BODY_BYTES))
        except TooLarge:
            metrics.REJECTED.labels(route="/chat/send", status="413").inc()
            return refuse(413)
        except ValidationError:
            metrics.REJECTED.labels(route="/chat/send", status="422").inc()
            return JSONResponse({"detail": "malformed message"}, status_code=422)
        if not body.text.strip() and body.callback_data is None:
            return JSONResponse({"detail": "empty message"}, status_code=422)
        recipient = f"web:{body.session}"
        buffer = BufferSender(recipient, fallback)
        msg = IncomingMessage(
            channel="web",
            sender_id=recipient,
            external_id=uuid.uuid4().hex,
            text=body.text,
            callback_data=body.callback_data,
        )
        metrics.MESSAGES.labels(channel="web").inc()
        # The turn runs as a task: if it is slow (a database that hangs, say), the replies it already has,
        # the emergency numbers first among them, are answered now and the rest reach the page by polling.
        turn = asyncio.ensure_future(handle(msg, ReplyTimer(buffer, msg)))
        done, _ = await asyncio.wait({turn}, timeout=REPLY_WAIT_S)
        if not done:
            buffer.close(late)
            turn.add_done_callback(_log_late_failure)
            logger.warning("web chat: turn still running after %.0f s; answering with what is ready", REPLY_WAIT_S)
        elif (exc := turn.exception()) is not None:
            # The replies sent before the failure (the emergency numbers come first) still reach the page.
            metrics.PROCESSING_FAILURES.labels(channel="web").inc()
            logger.error("web chat: processing failed (%s)", type(exc).__name__)
        # Replies queued earlier (outside a request) come first, in the order they were sent.
        return JSONResponse([reply_json(m) for m in (*late.take(recipient), *buffer.replies)])

    @router.get("/chat/messages")
    async def chat_messages(session: str) -> list[dict[str, Any]]:
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", session):
            raise HTTPException(status_code=422, detail="bad session")
        return [reply_json(m) for m in late.take(f"web:{session}")]

    return router


def format_reply(message: OutgoingMessage) -> str:
    """A reply as printed in the terminal: text, then numbered options."""
    lines = [message.text]
    lines += [f"  {number}. {button.label}" for number, button in enumerate(message.buttons, 1)]
    return "\n".join(lines)


class _PrintSender:
    def __init__(self, out: TextIO) -> None:
        self._out = out
        self.last_buttons: tuple[Button, ...] = ()

    async def send(self, message: OutgoingMessage) -> str | None:
        if message.recipient_id == TERMINAL_SENDER_ID:
            self.last_buttons = message.buttons
            print(f"bot> {format_reply(message)}", file=self._out, flush=True)
        else:
            # A page to staff in local mode: show that it happened, not to whom.
            print(f"[pesan untuk {message.recipient_id.split(':', 1)[0]}] {message.text}", file=self._out)
        return None


async def terminal_chat(handle: Handle, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
    """Chat with the core on the terminal as sender ``web:terminal`` until EOF (Ctrl-D).

    A number answering a message with options is passed as that option's ``callback_data``.
    """
    source = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else sys.stdout
    sender = _PrintSender(out)
    while True:
        print("anda> ", end="", file=out, flush=True)
        # readline blocks; run it in a thread so the event loop (webhooks, pages) keeps running.
        line = await asyncio.to_thread(source.readline)
        if not line:
            print(file=out)
            return
        text = line.strip()
        if not text:
            continue
        msg = IncomingMessage(
            channel="web",
            sender_id=TERMINAL_SENDER_ID,
            external_id=uuid.uuid4().hex,
            text=text,
            callback_data=_option_data(sender.last_buttons, text),
        )
        sender.last_buttons = ()
        await handle(msg, sender)


# Self-contained page: no external scripts, fonts or images (works offline and leaks nothing). The
# neutral title is deliberate: the tab title may be seen by someone else using the device.
CHAT_PAGE: Final = """<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Layanan Informasi</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font-family: system-ui, sans-serif; background: #f4f4f4; color: #222; }
  main { max-width: 40rem; margin: 0 auto; height: 100vh; display: flex; flex-direction: column; }
  header { padding: .8rem 1rem; background: #37474f; color: #fff; font-weight: 600; }
  #log { flex: 1; overflow-y: auto; padding: 1rem; }
  .msg { max-width: 85%; margin: .4rem 0; padding: .55rem .8rem; border-radius: .8rem;
         white-space: pre-wrap; word-wrap: break-word; }
  .me { margin-left: auto; background: #cfe8d5; }
  .bot { background: #fff; border: 1px solid #ddd; }
  .urgent { border: 2px solid #c62828; }
  .buttons button { display: block; margin: .3rem 0 0; padding: .4rem .7rem; border: 1px solid #37474f;
                    border-radius: .5rem; background: #fff; cursor: pointer; text-align: left; }
  form { display: flex; gap: .5rem; padding: .7rem; background: #fff; border-top: 1px solid #ddd; }
  input { flex: 1; padding: .6rem; font-size: 1rem; border: 1px solid #bbb; border-radius: .5rem; }
  form button { padding: .6rem 1rem; font-size: 1rem; border: 0; border-radius: .5rem;
                background: #37474f; color: #fff; }
</style>
</head>
<body>
<main>
  <header>Layanan Informasi</header>
  <div id="log" aria-live="polite"></div>
  <form id="form" autocomplete="off">
    <input id="text" maxlength="4000" placeholder="Tulis pesan..." aria-label="Pesan">
    <button type="submit">Kirim</button>
  </form>
</main>
<script>
(function () {
  "use strict";
  // The session lives in sessionStorage only: closing the tab forgets it.
  var session = sessionStorage.getItem("session");
  if (!session) {
    session = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random())
      .replace(/[^A-Za-z0-9_-]/g, "");
    sessionStorage.setItem("session", session);
  }
  var log = document.getElementById("log");
  var input = document.getElementById("text");

  function add(text, who, urgent) {
    var div = document.createElement("div");
    div.className = "msg " + who + (urgent ? " urgent" : "");
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function show(replies) {
    replies.forEach(function (r) {
      var div = add(r.text, "bot", r.urgent);
      if (r.buttons && r.buttons.length) {
        var box = document.createElement("div");
        box.className = "buttons";
        r.buttons.forEach(function (b) {
          var btn = document.createElement("button");
          btn.type = "button";
          btn.textContent = b.label;
          btn.onclick = function () { send(b.label, b.data); };
          box.appendChild(btn);
        });
        div.appendChild(box);
      }
    });
  }

  function send(text, data) {
    add(text, "me", false);
    fetch("chat/send", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({session: session, text: text, callback_data: data || null})
    }).then(function (r) { return r.ok ? r.json() : []; }).then(show)
      .catch(function () { add("Pesan belum terkirim. Coba lagi.", "bot", false); });
  }

  document.getElementById("form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (text) { input.value = ""; send(text, null); }
  });

  setInterval(function () {
    fetch("chat/messages?session=" + encodeURIComponent(session))
      .then(function (r) { return r.ok ? r.json() : []; }).then(show).catch(function () {});
  }, 3000);
})();
</script>
</body>
</html>
"""
