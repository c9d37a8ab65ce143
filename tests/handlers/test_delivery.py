"""Delivery: one attempt now, ordered retries with back-off later, refusals dropped; never raises."""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from twilio.base.exceptions import TwilioRestException

from bot.types import OutgoingMessage
from bot.whatsapp import OutsideWindow
from handlers.delivery import Delivery, RateLimits, is_transient, retry_after_s


class FlakySender:
    """Raises the queued errors in turn, then accepts; records what was accepted."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.accepted: list[str] = []
        self.tries = 0

    async def send(self, message: OutgoingMessage) -> str | None:
        self.tries += 1
        if self.errors:
            raise self.errors.pop(0)
        self.accepted.append(message.text)
        return str(len(self.accepted))


class Clock:
    """An injected sleep that records the waits and lets the event loop run."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


def msg(text: str, to: str = "tg:1") -> OutgoingMessage:
    return OutgoingMessage(recipient_id=to, text=text)


@pytest.mark.parametrize("exc, transient", [
    (RetryAfter(10), True), (TimedOut(), True), (NetworkError("Bad Gateway"), True),
    (Forbidden("Forbidden: bot was blocked by the user"), False), (BadRequest("chat not found"), False),
    (OutsideWindow("wa:+62812", None), False), (ValueError("not a recipient"), False),
    (TwilioRestException(503, "uri", "unavailable"), True), (TwilioRestException(429, "uri", "slow down"), True),
    (TwilioRestException(400, "uri", "outside window", code=63016), False), (ConnectionError(), True),
])
def test_transient_or_refusal(exc: BaseException, transient: bool) -> None:
    assert is_transient(exc) is transient


def test_retry_after_is_read_from_the_error() -> None:
    assert retry_after_s(RetryAfter(10)) == 10.0
    assert retry_after_s(TimedOut()) is None


async def test_a_transient_failure_is_retried_with_backoff_in_order() -> None:
    clock = Clock()
    delivery = Delivery(sleep=clock.sleep, base_delay_s=1.0)
    sender = FlakySender(RetryAfter(10), TimedOut())
    assert await delivery.send(sender, msg("nomor darurat")) is False  # failed now, queued
    assert await delivery.send(sender, msg("pertanyaan berikut")) is False  # waits behind the first
    assert await delivery.idle(5)
    assert sender.accepted == ["nomor darurat", "pertanyaan berikut"]
    assert clock.waits[:2] == [10.0, 2.0]  # the hinted wait, then back-off doubling from the second try
    assert delivery.retried == 2 and delivery.dropped == 0 and delivery.waiting == 0
    # The queue is gone: the next reply goes out inline again.
    assert await delivery.send(sender, msg("halo")) is True


async def test_a_refusal_is_dropped_not_retried() -> None:
    clock = Clock()
    delivery = Delivery(sleep=clock.sleep)
    sender = FlakySender(Forbidden("Forbidden: bot was blocked by the user"))
    assert await delivery.send(sender, msg("nomor darurat")) is False
    assert await delivery.idle(1)
    assert sender.tries == 1 and sender.accepted == [] and delivery.dropped == 1 and clock.waits == []


async def test_retries_are_bounded() -> None:
    clock = Clock()
    delivery = Delivery(sleep=clock.sleep, max_attempts=3)
    sender = FlakySender(*[TimedOut() for _ in range(10)])
    await delivery.send(sender, msg("nomor darurat"))
    assert await delivery.idle(5)
    assert sender.tries == 3 and delivery.dropped == 1 and sender.accepted == []


async def test_other_recipients_are_not_held_back() -> None:
    clock = Clock()
    delivery = Delivery(sleep=clock.sleep)
    sender = FlakySender(TimedOut())
    await delivery.send(sender, msg("untuk A", to="tg:1"))
    assert await delivery.send(sender, msg("untuk B", to="tg:2")) is True
    assert await delivery.idle(5)
    assert sender.accepted == ["untuk B", "untuk A"]


class FakeTime:
    """A monotonic clock that moves only when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def test_rate_limits_serve_urgent_sends_first() -> None:
    t = FakeTime()
    limits = RateLimits(channel_rates={"tg": (10.0, 2.0)}, chat_rates={}, clock=t.clock, sleep=t.sleep)
    order: list[str] = []

    async def send(name: str, urgent: bool) -> None:
        await limits.acquire(f"tg:{name}", urgent=urgent)
        order.append(name)

    await send("a", False)
    await send("b", False)  # the burst is used up
    waiting = [asyncio.create_task(send(f"n{i}", False)) for i in range(5)]
    await asyncio.sleep(0)
    waiting.append(asyncio.create_task(send("URGENT", True)))
    await asyncio.gather(*waiting)
    assert order[:2] == ["a", "b"] and order[2] == "URGENT"  # the numbers jump the queue of ordinary replies
    assert order[3:] == [f"n{i}" for i in range(5)]
    assert t.now == pytest.approx(0.6)  # 6 sends past the burst at 10 a second
    assert limits.waited == 6


async def test_a_chat_is_paced_but_urgent_sends_are_not() -> None:
    t = FakeTime()
    limits = RateLimits(channel_rates={}, chat_rates={"tg": (1.0, 2.0)}, clock=t.clock, sleep=t.sleep)
    for _ in range(2):
        await limits.acquire("tg:7", urgent=False)
    assert t.now == 0.0
    await limits.acquire("tg:7", urgent=True)
    assert t.now == 0.0  # the emergency numbers never wait for their chat's bucket
    await limits.acquire("tg:7", urgent=False)
    assert t.now == pytest.approx(2.0)  # the urgent send's token was paid back first
    await limits.acquire("tg:8", urgent=False)  # another chat is not held back
    assert t.now == pytest.approx(2.0)
