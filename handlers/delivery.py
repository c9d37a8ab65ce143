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
import heapq
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


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float]) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self.tokens = burst
        self._at = clock()

    def _refill(self) -> None:
        now = self._clock()
        self.tokens = min(self.burst, self.tokens + (now - self._at) * self.rate)
        self._at = now

    def wait_s(self) -> float:
        """Seconds until a token is there (0 if one is there now)."""
        self._refill()
        # The tolerance keeps float rounding (0.9999999…) from asking for waits too small to move a clock.
        return 0.0 if self.tokens >= 1 - 1e-6 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        """Use a token (the balance may go below zero: an urgent send is never held back by its chat)."""
        self._refill()
        self.tokens -= 1


# Telegram: about 30 messages a second per bot, about one a second into one chat (a conversation's bursts of
# a few replies pass; a long burst into one chat gets 429).
# Twilio WhatsApp: a sender number's throughput (80 messages a second by default).
DEFAULT_CHANNEL_RATES: dict[str, tuple[float, float]] = {"tg": (30.0, 30.0), "wa": (80.0, 80.0)}
DEFAULT_CHAT_RATES: dict[str, tuple[float, float]] = {"tg": (1.0, 10.0), "wa": (1.0, 10.0)}


class RateLimits:
    """Outbound pacing per channel (one bot, one Twilio sender) and per chat, urgent sends first.

    Sends within the limits go at once. Past them, senders wait; when a token frees, a waiting urgent send
    (the emergency numbers) is served before any other, so a surge of ordinary replies never holds the numbers
    back. An urgent send does not wait for its own chat's bucket either.
    """

    def __init__(self, *, channel_rates: dict[str, tuple[float, float]] | None = None,
                 chat_rates: dict[str, tuple[float, float]] | None = None,
                 clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, max_chats: int = 50_000) -> None:
        import time

        self._clock = clock or time.monotonic
        self._sleep = sleep
        self._channel_rates = DEFAULT_CHANNEL_RATES if channel_rates is None else channel_rates
        self._chat_rates = DEFAULT_CHAT_RATES if chat_rates is None else chat_rates
        self._channels: dict[str, TokenBucket] = {}
        self._chats: dict[str, TokenBucket] = {}
        self._max_chats = max_chats
        self._waiting: dict[str, list[tuple[int, int, asyncio.Future[None]]]] = {}
        self._seq = 0
        self._pumps: dict[str, asyncio.Task[None]] = {}
        self.waited = 0  # sends that had to wait for a token

    def _bucket(self, table: dict[str, TokenBucket], key: str, rates: tuple[float, float]) -> TokenBucket:
        bucket = table.get(key)
        if bucket is None:
            if table is self._chats and len(table) >= self._max_chats:
                table.clear()  # idle chats' buckets are full anyway: forgetting them changes nothing
            bucket = table[key] = TokenBucket(rates[0], rates[1], self._clock)
        return bucket

    async def acquire(self, recipient_id: str, *, urgent: bool, notice: bool = False) -> None:
        """Wait until ``recipient_id`` may be sent a message.

        Waiting sends are served urgent first, then notices (a "busy, please wait"), then the rest.
        """
        prefix = recipient_id.split(":", 1)[0]
        if prefix in self._chat_rates and not urgent:
            chat = self._bucket(self._chats, recipient_id, self._chat_rates[prefix])
            while (wait := chat.wait_s()) > 0:
                self.waited += 1
                await self._sleep(wait)
        if prefix in self._chat_rates:
            self._bucket(self._chats, recipient_id, self._chat_rates[prefix]).take()
        if prefix not in self._channel_rates:
            return
        channel = self._bucket(self._channels, prefix, self._channel_rates[prefix])
        queue = self._waiting.setdefault(prefix, [])
        if not queue and channel.wait_s() == 0:
            channel.take()
            return
        self.waited += 1
        self._seq += 1
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(queue, (0 if urgent else 1 if notice else 2, self._seq, granted))
        if prefix not in self._pumps or self._pumps[prefix].done():
            self._pumps[prefix] = asyncio.create_task(self._pump(prefix, channel, queue))
        await granted

    async def _pump(self, prefix: str, channel: TokenBucket, queue: list[tuple[int, int, asyncio.Future[None]]]
                    ) -> None:
        while queue:
            wait = channel.wait_s()
            if wait > 0:
                await self._sleep(wait)
                continue
            _, _, granted = heapq.heappop(queue)
            if granted.done():  # the waiter was cancelled
                continue
            channel.take()
            granted.set_result(None)


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
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 limits: RateLimits | None = None, on_retry: Callable[[str], None] | None = None) -> None:
        self.limits = limits if limits is not None else RateLimits()
        self._on_retry = on_retry  # told the recipient id of every retried send (metrics)
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

    async def send(self, sender: Sender, message: OutgoingMessage, *, notice: bool = False) -> bool:
        """Deliver ``message``; True if it went out now. Never raises for a channel's failure.

        ``notice``: served after urgent sends and before ordinary replies when the channel is saturated.
        """
        queue = self._queues.get(message.recipient_id)
        if queue is not None:  # an earlier reply to this person is waiting: keep the order
            queue.append(_Queued(sender, message, attempts=0))
            return False
        try:
            await self.limits.acquire(message.recipient_id, urgent=message.urgent, notice=notice)
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
                if self._on_retry is not None:
                    self._on_retry(item.message.recipient_id)
                try:
                    await self.limits.acquire(item.message.recipient_id, urgent=item.message.urgent)
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
