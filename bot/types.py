"""Channel-agnostic message types shared by the adapters and the handlers.

Adapters (``bot/telegram.py``, ``bot/whatsapp.py``, ``bot/webchat.py``) translate a webhook into one
``IncomingMessage`` and deliver ``OutgoingMessage`` objects back; everything else happens in ``handlers/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol

Channel = Literal["telegram", "whatsapp", "web"]


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One message from a citizen or a staff member, whatever channel it came from."""

    channel: Channel
    sender_id: str  # "tg:<chat_id>", "wa:+62...", "web:<session>"; the conversation key everywhere
    external_id: str  # the channel's delivery id (Telegram update_id, Twilio MessageSid) for de-duplication
    text: str = ""
    media_count: int = 0  # media attached (photos, voice notes, ...); we keep the fact, not the media
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    chat_message_id: int | None = None  # Telegram message_id, so `hapus` can delete it later
    callback_data: str | None = None  # inline button press (e.g. a counsellor claiming a case)
    user_display: str | None = None  # never logged; used only to address staff


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button (Telegram) or a numbered option (WhatsApp/web)."""

    label: str
    data: str


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One reply to send to ``recipient_id`` (a sender id such as ``tg:123``)."""

    recipient_id: str
    text: str
    buttons: tuple[Button, ...] = ()
    urgent: bool = False  # emergency replies: sent first, never batched
    # When the message this one answers arrived. A reply to a delivery that just came in is inside any channel's
    # reply window (WhatsApp's 24 hours) whatever the database holds, or whether it answers at all.
    reply_to_at: datetime | None = None


class Sender(Protocol):
    """What an adapter offers the handlers: deliver a message; return the channel's message id if any."""

    async def send(self, message: OutgoingMessage) -> str | None: ...
