"""Replies that are delivered even when a channel fails for a while, and never undo a turn.

A send that fails (Telegram's 429 "retry after", a 502, a timeout, Twilio's 5xx) must not end the handling of the
message: the message is still stored, the case opened and the page sent. ``Delivery.send`` makes one attempt
inline; a transient failure moves the reply to a per-recipient queue that a background task retries with
back-off, in order (later replies to the same person wait behind it, so the emergency numbers are never
overtaken by the next question). A refusal (blocked bot, bad chat id, outside WhatsApp's window) is logged and
dropped: retrying cannot change it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.types import OutgoingMessage, Sender
from handlers.privacy import pseudonym

log = logging.getLogger(__name__)

# Exception class names (anywhere in the MRO) by meaning. Names, not imports: handlers do not depend on the
# channels' SDKs, and each adapter raises its SDK's own errors.
_REFUSALS = frozenset({"BadRequest", "Forbidden", "InvalidToken", "OutsideWindow", "ValueError", "ChatMigrated"})
_TRANSIENT = frozenset({"NetworkError", "TimedOut", "RetryAfter", "TimeoutError", "OSError", "TransportError",
                        "ConnectionError", "TelegramError", "ClientError", "HTTPError"})


def is_transient(exc: BaseException) -> bool:
    """Network trouble or a rate limit worth a retry, as opposed to a refusal (blocked bot, bad id, window)."""
    names = {c.__name__ for c in type(exc).__mro__}
    if "TwilioRestException" in names:
        status = getattr(exc, "status", 0) or 0
        return status == 429 or status >= 500
    if names & _REFUSALS:
        return False
    return bool(names & _TRANSIENT)


def retry_after_s(exc: BaseException) -> float | None:
    """The wait a rate-limit error asks for (python-telegram-bot's ``RetryAfter.retry_after``), if any."""
    value = getattr(exc, "retry_after", None)
    if value is None:
        return None
    seconds = value.total_seconds() if hasattr(value, "total_seconds") else float(value)
    return max(0.0, float(seconds))


@dataclass
class _Queued:
    sender: Sender
    message: OutgoingMessage
    attempts: int = 1


class Delivery:
    """Sends replies: one attempt now, then ordered retries with back-off in the background.

    ``max_attempts`` bounds the tries of one reply (about 10 minutes with the defaults); ``sleep`` is injectable
    so tests can run the back-off at speed.
    """

    def __init__(self, *, max_attempts: int = 10, base_delay_s: float = 1.0, max_delay_s: float = 120.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.max_attempts = max_attempts
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self._sleep = sleep
        self._queues: dict[str, deque[_Queued]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self.retried = 0  # sends that succeeded after a failure
        self.dropped = 0  # replies given up on (refused, or still failing after max_attempts)

    @property
    def waiting(self) -> int:
        """Replies queued for a retry."""
        return sum(len(q) for q in self._queues.values())

    async def send(self, sender: Sender, message: OutgoingMessage) -> bool:
        """Deliver ``message``; True if it went out now. Never raises for a channel's failure."""
        queue = self._queues.get(message.recipient_id)
        if queue is not None:  # an earlier reply to this person is waiting: keep the order
            queue.append(_Queued(sender, message, attempts=0))
            return False
        try:
            await sender.send(message)
            return True
        except Exception as exc:
            if not is_transient(exc):
                self._drop(message, exc)
                return False
            log.warning("reply to %s failed (%s); retrying in the background", pseudonym(message.recipient_id),
                        type(exc).__name__)
            self._queues[message.recipient_id] = deque([_Queued(sender, message)])
            worker = asyncio.create_task(self._drain(message.recipient_id, retry_after_s(exc)))
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
            return False

    async def idle(self, timeout_s: float | None = None) -> bool:
        """Wait until no reply waits for a retry (tests, shutdown); False if some still wait after the timeout."""
        if not self._workers:
            return True
        _, pending = await asyncio.wait(set(self._workers), timeout=timeout_s)
        return not pending

    async def _drain(self, recipient_id: str, first_wait_s: float | None) -> None:
        queue = self._queues[recipient_id]
        wait = first_wait_s if first_wait_s is not None else self.base_delay_s
        try:
            while queue:
                await self._sleep(wait)
                item = queue[0]
                item.attempts += 1
                try:
                    await item.sender.send(item.message)
                except Exception as exc:
                    if not is_transient(exc) or item.attempts >= self.max_attempts:
                        queue.popleft()
                        self._drop(item.message, exc)
                        wait = 0.0
                        continue
                    hinted = retry_after_s(exc)
                    wait = hinted if hinted is not None else min(self.max_delay_s,
                                                                 self.base_delay_s * 2 ** (item.attempts - 1))
                    continue
                queue.popleft()
                self.retried += 1
                wait = 0.0
        finally:
            self._queues.pop(recipient_id, None)

    def _drop(self, message: OutgoingMessage, exc: BaseException) -> None:
        self.dropped += 1
        log.warning("reply to %s not delivered (%s)%s", pseudonym(message.recipient_id), type(exc).__name__,
                    " [emergency]" if message.urgent else "")
