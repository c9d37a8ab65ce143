"""WhatsApp adapter (Twilio): signed webhook → ``IncomingMessage``; ``WhatsAppSender`` for replies.

Translation only: the core (``handlers/``) decides what to answer and de-duplicates on ``MessageSid``.
Nothing here logs message text, names or phone numbers; only MessageSids and exception types.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from starlette.datastructures import ImmutableMultiDict
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.edge import Quarantine, ReplyTimer, TooLarge, quarantine_for, read_limited, refuse
from bot.models import WaForm
from bot.telegram import PendingTasks
from bot.types import Button, IncomingMessage, OutgoingMessage, Sender
from core import metrics
from core.bounded import BoundedDict
from core.settings import Settings

logger = logging.getLogger(__name__)

Handle = Callable[[IncomingMessage, Sender], Awaitable[None]]
LastInboundAt = Callable[[str], Awaitable[datetime | None]]

WEBHOOK_PATH: Final = "/webhooks/whatsapp"
SIGNATURE_HEADER: Final = "X-Twilio-Signature"
# Empty TwiML: we reply through the REST API from the background task, not in the webhook response,
# so that Twilio's 15 s webhook timeout never depends on Rasa or the database.
EMPTY_TWIML: Final = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
TWIML_MEDIA_TYPE: Final = "text/xml"
# WhatsApp's customer-care window: free-form messages only within 24 h of the user's last message.
CARE_WINDOW: Final = timedelta(hours=24)
# Twilio refuses WhatsApp bodies longer than 1600 characters; longer texts go as several messages.
MAX_BODY_CHARS: Final = 1600
MAX_BODY_BYTES: Final = 64_000
# How many recipients' last numbered options we remember (bounded memory; the oldest are forgotten).
_MAX_REMEMBERED_OPTIONS: Final = 10_000
_OPTION_REPLY = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


class OutsideWindow(Exception):
    """A free-form message was not sent: the recipient has not written within the last 24 hours.

    WhatsApp (and Twilio) only allow pre-approved templates then: use ``WhatsAppSender.send_template``.
    """

    def __init__(self, recipient_id: str, last_inbound_at: datetime | None) -> None:
        super().__init__("outside the WhatsApp 24-hour window; send a template instead")
        self.recipient_id = recipient_id
        self.last_inbound_at = last_inbound_at


# --------------------------------------------------------------------------------------------------------
# Addresses and translation


def address_of(recipient_id: str) -> str:
    """Twilio's ``whatsapp:+62...`` address for a sender id ``"wa:+62..."``."""
    number = recipient_id.removeprefix("wa:").removeprefix("whatsapp:")
    if not re.fullmatch(r"\+\d{6,15}", number):
        raise ValueError("not a WhatsApp recipient id")
    return f"whatsapp:{number}"


def form_to_incoming(form: Mapping[str, str] | WaForm) -> IncomingMessage:
    """Translate one Twilio inbound-message webhook (form fields) into an ``IncomingMessage``.

    ``From: whatsapp:+62...`` becomes sender id ``wa:+62...``; ``MessageSid`` the external id;
    ``NumMedia`` the media count (the media URLs themselves are not kept); a quick-reply template
    button's ``ButtonPayload`` the callback data. Raises ``ValueError`` (``pydantic.ValidationError``) for
    a body that is not an inbound WhatsApp message the core can answer (see ``bot.models.WaForm``).
    """
    if isinstance(form, WaForm):
        parsed = form
    else:
        fields = dict(form)
        # Older webhooks carry only SmsMessageSid.
        if not fields.get("MessageSid") and fields.get("SmsMessageSid"):
            fields["MessageSid"] = fields["SmsMessageSid"]
        parsed = WaForm.model_validate(fields)
    return IncomingMessage(
        channel="whatsapp",
        sender_id="wa:" + parsed.from_.removeprefix("whatsapp:"),
        external_id=parsed.message_sid,
        text=parsed.body,
        media_count=parsed.num_media,
        callback_data=parsed.button_payload or None,
        user_display=parsed.profile_name or None,
    )


def render_text(message: OutgoingMessage) -> str:
    """The message text with its buttons as numbered options (WhatsApp has no free inline buttons)."""
    if not message.buttons:
        return message.text
    options = "\n".join(f"{number}. {button.label}" for number, button in enumerate(message.buttons, 1))
    return f"{message.text}\n\n{options}"


def split_text(text: str, limit: int = MAX_BODY_CHARS) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` characters, preferring paragraph and line breaks."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return parts


# --------------------------------------------------------------------------------------------------------
# Sender


def build_twilio_client(settings: Settings) -> Client:
    """A Twilio REST client with the non-blocking ``AsyncTwilioHttpClient``.

    Call it inside the running event loop (e.g. the FastAPI lifespan): the aiohttp session binds to it.
    Close it with ``await client.http_client.close()`` at shutdown.
    """
    if not settings.twilio_account_sid or not settings.twilio_auth_token:
        raise ValueError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required for WhatsApp")
    client = Client(
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        http_client=AsyncTwilioHttpClient(),
        # A non-empty mapping stops the client from reading os.environ: TWILIO_REGION / TWILIO_EDGE
        # there would rewrite every hostname, including the configured base URL.
        environment={"HOTLINE": "settings-only"},
    )
    client.api.base_url = settings.twilio_api_base_url
    return client


class WhatsAppSender:
    """``Sender`` for WhatsApp through Twilio's Messages resource.

    ``last_inbound_at(recipient_id)`` (injected, e.g. from storage) tells when the recipient last wrote;
    outside the 24-hour window ``send`` raises ``OutsideWindow`` and sends nothing. Buttons become
    numbered options; the options last sent to each recipient are remembered so that a reply "2" can be
    given to the core as that button's ``callback_data`` (see ``option_for``).
    """

    def __init__(
        self,
        settings: Settings,
        client: Client,
        last_inbound_at: LastInboundAt,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        window: timedelta = CARE_WINDOW,
    ) -> None:
        if not settings.twilio_whatsapp_from:
            raise ValueError("TWILIO_WHATSAPP_FROM is required for WhatsApp")
        self.client = client
        # The Twilio client has no constructor argument for the API host; set it here so that a client
        # built elsewhere still talks to the configured base URL (the local fake in tests).
        client.api.base_url = settings.twilio_api_base_url
        self.from_address = (
            settings.twilio_whatsapp_from
            if settings.twilio_whatsapp_from.startswith("whatsapp:")
            else f"whatsapp:{settings.twilio_whatsapp_from}"
        )
        self._last_inbound_at = last_inbound_at
        self._now = now
        self._window = window
        self._options: BoundedDict[str, tuple[Button, ...]] = BoundedDict(_MAX_REMEMBERED_OPTIONS)

    async def in_window(self, recipient_id: str, *, reply_to_at: datetime | None = None) -> bool:
        """Whether a free-form message to ``recipient_id`` is allowed now.

        ``reply_to_at`` is when the message being answered arrived: a reply to it needs no look-up, so the
        answer to a first message (or to one that arrived while the database is down) is never refused.
        Without it, the last inbound time comes from storage; if storage cannot answer, the send is allowed
        and Twilio, which knows the window for certain, has the last word.
        """
        if reply_to_at is not None and self._recent(reply_to_at):
            return True
        try:
            last = await self._last_inbound_at(recipient_id)
        except Exception as exc:  # the database is down: let Twilio decide rather than stay silent
            logger.warning("whatsapp window unknown (%s); sending", type(exc).__name__)
            return True
        return last is not None and self._recent(last)

    def _recent(self, at: datetime) -> bool:
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)  # storage keeps UTC; naive values are UTC
        return self._now() - at < self._window

    async def send(self, message: OutgoingMessage) -> str | None:
        """Send a free-form message; return the (last) Twilio ``MessageSid``.

        Raises ``OutsideWindow`` when the recipient has not written within 24 hours (a reply to a message
        that arrived within 24 hours is always inside) and ``twilio.base.exceptions.TwilioRestException``
        when Twilio refuses the message.
        """
        to = address_of(message.recipient_id)
        if not await self.in_window(message.recipient_id, reply_to_at=message.reply_to_at):
            raise OutsideWindow(message.recipient_id, await self._last_inbound_at(message.recipient_id))
        sid: str | None = None
        for part in split_text(render_text(message)):
            created = await self.client.messages.create_async(to=to, from_=self.from_address, body=part)
            sid = created.sid
        self._remember(message.recipient_id, message.buttons)
        return sid

    async def send_template(self, to: str, content_sid: str, variables: Mapping[str, str]) -> str:
        """Send an approved template (Twilio Content API ``ContentSid``); allowed outside the window.

        ``to`` is a sender id (``wa:+62...``); ``variables`` fill the template's ``{{1}}``, ``{{2}}``, ...
        Used for staff pages, which must reach counsellors who have not written to the bot today.
        """
        created = await self.client.messages.create_async(
            to=address_of(to),
            from_=self.from_address,
            content_sid=content_sid,
            content_variables=json.dumps(dict(variables)),
        )
        return str(created.sid)

    def _remember(self, recipient_id: str, buttons: Sequence[Button]) -> None:
        # A message without options makes earlier numbers meaningless ("7" may now be an age).
        self._options.pop(recipient_id, None)
        if buttons:
            self._options[recipient_id] = tuple(buttons)

    def option_for(self, sender_id: str, text: str) -> str | None:
        """The ``Button.data`` chosen by a numbered reply such as ``"2"``, if the last message had options."""
        match = _OPTION_REPLY.match(text)
        options = self._options.get(sender_id)
        if not match or not options:
            return None
        index = int(match.group(1)) - 1
        return options[index].data if 0 <= index < len(options) else None


# --------------------------------------------------------------------------------------------------------
# Webhook


def webhook_url(settings: Settings) -> str:
    """The public URL Twilio posts to: the base of its signature, whatever Host the proxy forwards."""
    return settings.public_base_url.rstrip("/") + WEBHOOK_PATH


def _twiml(status_code: int = 200) -> Response:
    return Response(content=EMPTY_TWIML, status_code=status_code, media_type=TWIML_MEDIA_TYPE)


def whatsapp_router(
    settings: Settings,
    handle: Handle,
    sender: Sender,
    *,
    options: WhatsAppSender | None = None,
    tasks: PendingTasks | None = None,
    quarantine: Quarantine | None = None,
) -> APIRouter:
    """``POST /webhooks/whatsapp``: verify ``X-Twilio-Signature``, answer empty TwiML, process in background.

    The signature is checked with the auth token over ``PUBLIC_BASE_URL + /webhooks/whatsapp`` (plus the
    query string) and the form fields, so it also holds behind a reverse proxy that changes Host. Without a
    configured auth token every request is refused. Status callbacks posted to the same URL are ignored. The
    body is read up to ``MAX_BODY_BYTES`` (413 beyond, also when chunked); a signed body that is not an inbound
    message the core can answer is answered 200, kept in ``quarantine`` (encrypted; default
    ``var/poison/``) and counted.

    ``sender`` is what ``handle`` receives (any ``Sender``, e.g. a dispatcher over all channels).
    ``options`` is the ``WhatsAppSender`` whose numbered options turn a reply "2" into ``callback_data``
    (defaults to ``sender`` when that is a ``WhatsAppSender``).
    """
    router = APIRouter()
    pending = tasks if tasks is not None else PendingTasks()
    metrics.track_queue("webhook_tasks", lambda: len(pending))
    validator = RequestValidator(settings.twilio_auth_token) if settings.twilio_auth_token else None
    numbered = options if options is not None else sender if isinstance(sender, WhatsAppSender) else None

    @router.post(WEBHOOK_PATH, include_in_schema=False)
    async def whatsapp_webhook(request: Request) -> Response:
        signature = request.headers.get(SIGNATURE_HEADER)
        if validator is None or not signature:
            metrics.REJECTED.labels(route=WEBHOOK_PATH, status="403").inc()
            return refuse(403)
        # The signature covers the form fields, so the body must be read (within the limit, counted as it
        # streams in); it is only decoded into key/value pairs here, and nothing is interpreted or stored
        # before the check passes.
        try:
            raw_bytes = await read_limited(request, MAX_BODY_BYTES)
        except TooLarge:
            metrics.REJECTED.labels(route=WEBHOOK_PATH, status="413").inc()
            return refuse(413)
        raw = raw_bytes.decode("utf-8", errors="replace")
        form: ImmutableMultiDict[str, str] = ImmutableMultiDict(parse_qsl(raw, keep_blank_values=True))
        url = webhook_url(settings)
        if request.url.query:
            url += "?" + request.url.query
        if not validator.validate(url, form, signature):
            metrics.REJECTED.labels(route=WEBHOOK_PATH, status="403").inc()
            return refuse(403)

        if "MessageStatus" in form and "Body" not in form:
            return _twiml()
        try:
            msg = form_to_incoming(form)
        except ValidationError:
            # Signed by Twilio but not a message we can answer: 200 (a 4xx/5xx only makes Twilio try its
            # fallback URL and log errors), kept aside encrypted and counted.
            poison = quarantine if quarantine is not None else quarantine_for(settings.var_dir, settings.poison_key)
            await poison.keep("whatsapp", "invalid", raw_bytes)
            return _twiml()
        if numbered is not None and msg.callback_data is None:
            if (data := numbered.option_for(msg.sender_id, msg.text)) is not None:
                msg = dataclasses.replace(msg, callback_data=data)

        incoming = msg
        timed = ReplyTimer(sender, incoming)

        async def work() -> None:
            try:
                await handle(incoming, timed)
            except Exception:
                # Counted here, logged (type and frames, no message) by PendingTasks.
                metrics.PROCESSING_FAILURES.labels(channel="whatsapp").inc()
                raise

        metrics.MESSAGES.labels(channel="whatsapp").inc()
        pending.spawn(incoming.sender_id, incoming.external_id, work, msg=incoming, sender=timed)
        return _twiml()

    return router
