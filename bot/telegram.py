"""Telegram adapter: webhook/polling → ``IncomingMessage``; ``TelegramSender`` for replies.

Translation only. Which reply to send, and whether an update is a duplicate, is decided by the core
(``handlers/``); this module authenticates the delivery, turns the Bot API JSON into an ``IncomingMessage``
and hands it to the injected ``handle``.

Privacy: nothing here logs message text, names, phone numbers or chat ids; only update ids, counts and
exception types. python-telegram-bot logs request parameters (including text) at DEBUG on the ``telegram``
logger and httpx logs request URLs (which contain the bot token) at INFO on ``httpx``: the application's
logging configuration must keep both at WARNING.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import traceback
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, Final, Protocol

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.edge import Quarantine, ReplyTimer, TooLarge, quarantine_for, read_limited, refuse
from bot.models import TgUpdate
from bot.types import Button, IncomingMessage, OutgoingMessage, Sender
from core import metrics
from core.settings import Settings

logger = logging.getLogger(__name__)

Handle = Callable[[IncomingMessage, Sender], Awaitable[None]]

WEBHOOK_PATH: Final = "/webhooks/telegram"
SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
# The update types the core understands; asking Telegram for only these keeps unrelated traffic away.
ALLOWED_UPDATES: Final = ("message", "edited_message", "callback_query")
# A Telegram update is a few KB; anything far larger is not from Telegram and is refused unread.
MAX_BODY_BYTES: Final = 1_000_000
# deleteMessages accepts at most 100 ids per call (Bot API 7.0).
_DELETE_BATCH: Final = 100
# Retry a rate-limited send only when the wait is short; longer waits are the caller's decision.
_MAX_RETRY_AFTER_S: Final = 5.0

# --------------------------------------------------------------------------------------------------------
# Background processing


# The adapter whose delivery failed, by sender-id prefix: a failure is logged under that adapter's name.
_ADAPTER_LOGGERS: Final = {"tg": "bot.telegram", "wa": "bot.whatsapp", "web": "bot.webchat"}


def _log_failure(what: str, ref: str, exc: BaseException, *, key: str = "tg:") -> None:
    """Log a failure without the exception message (it may quote user text), but with the frames.

    ``key`` (a sender id) names the adapter the delivery came through.
    """
    frames = "".join(traceback.format_tb(exc.__traceback__))
    name = _ADAPTER_LOGGERS.get(key.split(":", 1)[0], __name__)
    logging.getLogger(name).error("%s failed for %s: %s\n%s", what, ref, type(exc).__name__, frames)


# Deliveries handled concurrently by one app process (each waits mostly on Rasa and the database).
MAX_RUNNING: Final = 32


class DeliveryJournal(Protocol):
    """Where accepted deliveries are written before the webhook answers (``handlers.store.Journal``)."""

    def accepted(self, msg: IncomingMessage) -> None: ...

    def finished(self, sender_id: str, external_id: str) -> None: ...


class PendingTasks:
    """Background tasks started by the webhooks, kept referenced and ordered per conversation.

    Webhooks answer at once and process afterwards. Two messages from the same chat can arrive on
    parallel connections; running them in arrival order per ``key`` (the sender id) keeps a conversation
    coherent while different conversations still run concurrently.

    With a ``journal``, a delivery given with ``msg`` is written to it before ``spawn`` returns (so before the
    webhook answers 200) and marked finished when its task ends. ``first_aid(msg, sender)``, when given, is
    called at once for such a delivery, ahead of the queue (the core sends the emergency numbers from there).
    """

    def __init__(self, *, journal: DeliveryJournal | None = None,
                 first_aid: Callable[[IncomingMessage, Sender], None] | None = None,
                 max_running: int = MAX_RUNNING) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._last: dict[str, asyncio.Task[None]] = {}
        # At most this many deliveries are handled at once; the rest wait (journaled) for a slot. A surge then
        # cannot flood the event loop, and the webhooks and first aid stay quick.
        self._slots = asyncio.Semaphore(max_running)
        self.journal = journal
        self.first_aid = first_aid

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, key: str, ref: str, work: Callable[[], Awaitable[None]], *,
              msg: IncomingMessage | None = None, sender: Sender | None = None) -> asyncio.Task[None]:
        """Run ``work()`` after the previous task with the same ``key``; ``ref`` (a delivery id) is logged."""
        if msg is not None and self.journal is not None:
            self.journal.accepted(msg)
        if msg is not None and sender is not None and self.first_aid is not None:
            try:
                self.first_aid(msg, sender)
            except Exception as exc:  # the ordered path still sends the numbers
                _log_failure("first aid", ref, exc, key=key)
        previous = self._last.get(key)

        async def run() -> None:
            if previous is not None:
                # Wait for order only; the previous task's failure was logged by its own callback.
                await asyncio.wait({previous})
            async with self._slots:
                await work()

        task = asyncio.create_task(run())
        self._tasks.add(task)
        self._last[key] = task
        journaled = msg if self.journal is not None else None
        task.add_done_callback(lambda t: self._done(key, ref, t, journaled))
        return task

    def _done(self, key: str, ref: str, task: asyncio.Task[None], msg: IncomingMessage | None = None) -> None:
        self._tasks.discard(task)
        if self._last.get(key) is task:
            del self._last[key]
        if not task.cancelled() and (exc := task.exception()) is not None:
            _log_failure("processing", ref, exc, key=key)
        if msg is not None and self.journal is not None and not task.cancelled():
            # A cancelled task (shutdown) stays in the journal and is handled again at the next start.
            self.journal.finished(msg.sender_id, msg.external_id)

    async def drain(self, grace_s: float | None = None) -> None:
        """Wait for running tasks (on shutdown); cancel what still runs after ``grace_s`` seconds."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace_s)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)


# --------------------------------------------------------------------------------------------------------
# Sender


def chat_id_of(recipient: int | str) -> int | str:
    """The Telegram ``chat_id`` for a sender id ``"tg:<chat_id>"`` (or a bare chat id)."""
    if isinstance(recipient, int):
        return recipient
    raw = recipient.removeprefix("tg:")
    try:
        return int(raw)
    except ValueError:
        # "@channelusername" is a valid chat_id for channels; anything else is a caller bug.
        if raw.startswith("@"):
            return raw
        raise ValueError("not a Telegram recipient id") from None


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One inline button per row: labels are sentences in Indonesian and would be cut off side by side."""
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data)] for b in buttons])


class TelegramSender:
    """``Sender`` for Telegram: ``OutgoingMessage(recipient_id="tg:<chat_id>")`` → ``sendMessage``.

    Messages are plain text (no parse mode, so user-facing texts need no escaping) without link previews
    (a preview makes Telegram fetch the link, and shows it large on a phone the abuser may read).
    Errors other than a short rate limit propagate (``telegram.error.Forbidden`` when the user blocked
    the bot): the core decides what a failed delivery means.
    """

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, message: OutgoingMessage) -> str | None:
        """Send one message; return its Telegram ``message_id`` as a string."""
        kwargs: dict[str, Any] = {
            "chat_id": chat_id_of(message.recipient_id),
            "text": message.text,
            "reply_markup": keyboard(message.buttons),
            "link_preview_options": LinkPreviewOptions(is_disabled=True),
        }
        try:
            sent = await self.bot.send_message(**kwargs)
        except RetryAfter as exc:
            wait = exc.retry_after if isinstance(exc.retry_after, int) else exc.retry_after.total_seconds()
            if wait > _MAX_RETRY_AFTER_S:
                raise
            await asyncio.sleep(wait)
            sent = await self.bot.send_message(**kwargs)
        return str(sent.message_id)

    async def delete_messages(self, chat_id: int | str, message_ids: Iterable[int]) -> int:
        """Delete messages in a chat (the ``hapus`` command); return how many Telegram accepted.

        Messages that can no longer be deleted (older than 48 h, already deleted, ...) are skipped:
        deleting as much as possible is the goal, and a partial failure must not stop the rest.
        """
        chat = chat_id_of(chat_id)
        ids = sorted({int(i) for i in message_ids})
        deleted = 0
        for start in range(0, len(ids), _DELETE_BATCH):
            batch = ids[start : start + _DELETE_BATCH]
            try:
                if await self.bot.delete_messages(chat, batch):
                    deleted += len(batch)
                continue
            except BadRequest:
                # The batch call fails as a whole when none of them can be deleted; retry one by one
                # so that the deletable ones still go.
                pass
            for message_id in batch:
                try:
                    if await self.bot.delete_message(chat, message_id):
                        deleted += 1
                except BadRequest:
                    # "message can't be deleted" / "message to delete not found": nothing more we can do.
                    continue
        return deleted

    async def answer_callback(self, callback_query_id: str) -> None:
        """Acknowledge a button press so the user's client stops its loading spinner."""
        try:
            await self.bot.answer_callback_query(callback_query_id)
        except BadRequest:
            # "query is too old": the press is still processed, only the spinner was not stopped.
            logger.info("callback query could not be answered (too old)")


def build_bot(settings: Settings) -> Bot:
    """A ``telegram.Bot`` for ``settings.telegram_bot_token`` talking to ``settings.telegram_api_base_url``.

    The token is appended to the base URL as python-telegram-bot does (``.../bot`` + token), so the
    default reaches api.telegram.org and tests point it at the local fake. Call ``await bot.initialize()``
    (or ``async with bot:``) before use and ``await bot.shutdown()`` at exit.
    """
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    return Bot(
        token=settings.telegram_bot_token,
        base_url=settings.telegram_api_base_url,
        request=HTTPXRequest(connection_pool_size=32, read_timeout=10.0, write_timeout=10.0),
        # Long polling holds one connection open; give it its own pool so sends never wait behind it.
        get_updates_request=HTTPXRequest(connection_pool_size=1, read_timeout=10.0),
    )


def webhook_url(settings: Settings) -> str:
    """The public URL Telegram posts updates to."""
    return settings.public_base_url.rstrip("/") + WEBHOOK_PATH


async def set_webhook(bot: Bot, settings: Settings) -> bool:
    """Register ``{PUBLIC_BASE_URL}/webhooks/telegram`` with the secret token Telegram will echo back."""
    if not settings.telegram_webhook_secret:
        raise ValueError("TELEGRAM_WEBHOOK_SECRET is required in webhook mode")
    return await bot.set_webhook(
        url=webhook_url(settings),
        secret_token=settings.telegram_webhook_secret,
        allowed_updates=list(ALLOWED_UPDATES),
    )


# --------------------------------------------------------------------------------------------------------
# Update → IncomingMessage


def update_to_incoming(update: Mapping[str, Any] | TgUpdate, *, edits: bool = True) -> IncomingMessage | None:
    """Translate one Bot API ``Update`` into an ``IncomingMessage``.

    ``update`` is a validated ``TgUpdate`` or the JSON dict (validated here: ``pydantic.ValidationError``, a
    ``ValueError``, when it does not fit). Returns ``None`` for updates the core has no use for (channel posts,
    membership changes, ...). An ``edited_message`` is delivered like a new message (its own ``update_id``)
    unless ``edits`` is false: an edit can add what makes the situation urgent, and the safety net must see it.
    """
    upd = update if isinstance(update, TgUpdate) else TgUpdate.model_validate(update)
    external_id = str(upd.update_id)

    if (query := upd.callback_query) is not None:
        origin = query.message
        # An inaccessible/inline origin has no chat; the presser's private chat has the user's id.
        chat_id = origin.chat.id if origin is not None and origin.chat is not None else query.from_.id
        return IncomingMessage(
            channel="telegram",
            sender_id=f"tg:{chat_id}",
            external_id=external_id,
            callback_data=query.data,
            chat_message_id=origin.message_id if origin is not None else None,
            user_display=query.from_.first_name,
        )

    message = upd.message
    if message is None and edits:
        message = upd.edited_message
    if message is None:
        return None
    return IncomingMessage(
        channel="telegram",
        sender_id=f"tg:{message.chat.id}",
        external_id=external_id,
        text=message.text or message.caption or "",
        media_count=message.media_count,
        received_at=message.sent_at,
        chat_message_id=message.message_id,
        user_display=message.from_.first_name if message.from_ is not None else None,
    )


def _schedule(
    tasks: PendingTasks,
    update: TgUpdate,
    handle: Handle,
    sender: Sender,
    *,
    edits: bool,
    answer: Callable[[str], Awaitable[None]] | None = None,
) -> bool:
    """Start processing one update in the background; False if the update is not for the core."""
    msg = update_to_incoming(update, edits=edits)
    if msg is None:
        return False
    query_id = update.callback_query.id if update.callback_query is not None else None
    timed = ReplyTimer(sender, msg)

    async def work() -> None:
        try:
            if query_id is not None and answer is not None:
                await answer(query_id)
            await handle(msg, timed)
        except Exception:
            # Counted here, logged (type and frames, no message) by PendingTasks.
            metrics.PROCESSING_FAILURES.labels(channel="telegram").inc()
            raise

    metrics.MESSAGES.labels(channel="telegram").inc()
    tasks.spawn(msg.sender_id, msg.external_id, work, msg=msg, sender=timed)
    return True


# --------------------------------------------------------------------------------------------------------
# Webhook


def _secret_ok(configured: str | None, received: str | None) -> bool:
    if not configured or received is None:
        return False
    return hmac.compare_digest(received.encode(), configured.encode())


def telegram_router(
    settings: Settings,
    handle: Handle,
    sender: Sender,
    *,
    tasks: PendingTasks | None = None,
    edits: bool = True,
    quarantine: Quarantine | None = None,
) -> APIRouter:
    """``POST /webhooks/telegram``: authenticate, answer 200 at once, process in the background.

    The ``X-Telegram-Bot-Api-Secret-Token`` header is compared (constant time) with
    ``settings.telegram_webhook_secret`` before the body is read; with no secret configured every
    request is refused, so a missing setting can never open the webhook. The body is read up to
    ``MAX_BODY_BYTES`` (413 beyond, chunked or not) and validated as a ``TgUpdate``. An authenticated body
    that does not fit is answered 200 (Telegram would otherwise redeliver it forever, holding back the bot's
    later updates), kept in ``quarantine`` (encrypted; default ``var/poison/``) and counted. Button presses
    are acknowledged in the response (``answerCallbackQuery``). ``sender`` is what ``handle`` receives (any
    ``Sender``, e.g. a dispatcher over all channels). Pass ``tasks`` to drain the background work on shutdown.
    """
    router = APIRouter()
    pending = tasks if tasks is not None else PendingTasks()
    metrics.track_queue("webhook_tasks", lambda: len(pending))

    @router.post(WEBHOOK_PATH, include_in_schema=False)
    async def telegram_webhook(request: Request) -> Response:
        if not _secret_ok(settings.telegram_webhook_secret, request.headers.get(SECRET_HEADER)):
            metrics.REJECTED.labels(route=WEBHOOK_PATH, status="403").inc()
            return refuse(403)
        try:
            body = await read_limited(request, MAX_BODY_BYTES)
        except TooLarge:
            metrics.REJECTED.labels(route=WEBHOOK_PATH, status="413").inc()
            return refuse(413)
        try:
            update = TgUpdate.model_validate_json(body)
        except ValidationError:
            poison = quarantine if quarantine is not None else quarantine_for(settings.var_dir, settings.poison_key)
            await poison.keep("telegram", "invalid", body)
            return Response(status_code=200)
        if not _schedule(pending, update, handle, sender, edits=edits):
            logger.debug("telegram update %s ignored (type not handled)", update.update_id)
        elif update.callback_query is not None:
            # Telegram runs a Bot API method given in the webhook's response: the button press is
            # acknowledged (the client's spinner stops) without a request of our own or a bot object.
            return JSONResponse({"method": "answerCallbackQuery", "callback_query_id": update.callback_query.id})
        return Response(status_code=200)

    return router


# --------------------------------------------------------------------------------------------------------
# Long polling (local use without a public URL)


async def run_polling(
    bot: Bot,
    handle: Handle,
    sender: Sender,
    stop_event: asyncio.Event,
    *,
    poll_timeout: int = 25,
    tasks: PendingTasks | None = None,
    edits: bool = True,
) -> None:
    """Long-poll ``getUpdates`` until ``stop_event`` is set, handling each update once.

    The offset is advanced past every update received, so Telegram drops it on the next call; a
    webhook, if one is registered, is removed first because Telegram refuses ``getUpdates`` while it is
    active. On stop, the poll in flight is cancelled and running handlers are awaited.
    """
    pending = tasks if tasks is not None else PendingTasks()
    answerer = TelegramSender(bot)  # acknowledges button presses; replies go through ``sender``
    await bot.delete_webhook(drop_pending_updates=False)
    offset: int | None = None
    backoff = 1.0
    stopper = asyncio.create_task(stop_event.wait())
    try:
        while not stop_event.is_set():
            poll = asyncio.create_task(
                bot.get_updates(offset=offset, timeout=poll_timeout, allowed_updates=list(ALLOWED_UPDATES))
            )
            await asyncio.wait({poll, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if not poll.done():
                poll.cancel()
                await asyncio.wait({poll})
                break
            try:
                updates = poll.result()
            except (Forbidden, InvalidToken):
                raise  # a bad token: polling can never succeed
            except TelegramError as exc:
                logger.warning("getUpdates failed (%s); retrying in %.0f s", type(exc).__name__, backoff)
                try:
                    await asyncio.wait_for(stop_event.wait(), timeout=backoff)
                except TimeoutError:
                    pass
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            for update in updates:
                offset = update.update_id + 1
                try:
                    parsed = TgUpdate.model_validate(update.to_dict())
                except ValidationError:
                    # Telegram forgets it once the offset moves on: counted, never retried.
                    metrics.POISON.labels(channel="telegram", reason="invalid").inc()
                    logger.warning("telegram update %s not processable; skipped", update.update_id)
                    continue
                _schedule(pending, parsed, handle, sender, edits=edits, answer=answerer.answer_callback)
    finally:
        stopper.cancel()
        if offset is not None:
            # Telegram forgets updates only when a later call carries the offset; confirm the last
            # batch now so a restart does not deliver it again.
            try:
                await bot.get_updates(offset=offset, limit=1, timeout=0)
            except (TelegramError, RuntimeError) as exc:
                # RuntimeError: the bot was already shut down by the application's closers.
                logger.info("could not confirm the last updates (%s)", type(exc).__name__)
        await pending.drain(grace_s=10.0)
