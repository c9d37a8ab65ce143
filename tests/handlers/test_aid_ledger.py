"""Several app processes, one delivery: the emergency numbers go out once, never zero times.

Two ``Hotline`` cores (two processes' worth) share a real Redis through ``RedisLedger``; the database is stuck, as
it may be when the numbers matter most, so only first aid can send them.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.telegram import PendingTasks
from bot.types import OutgoingMessage
from handlers.aid_ledger import OP_TIMEOUT_S, RedisLedger, chat_key, delivery_key
from handlers.conversation import Hotline
from handlers.store import Spool
from hotline.services import RedisServer, free_port
from tests.handlers.test_busy_notice import (
    Recorder,
    StuckStore,
    msg,
    warm_models,  # noqa: F401  (fixture: the heads trained before the clock)
)

DANGER = "tolong saya dipukuli suami sekarang"


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url, decode_responses=True)
    yield client
    await client.aclose()


class UrgentRecorder(Recorder):
    def __init__(self) -> None:
        super().__init__()
        self.urgent = asyncio.Event()

    async def send(self, message: OutgoingMessage) -> str | None:
        if message.urgent:
            self.urgent.set()
        return await super().send(message)


def ledger(redis: Redis, *, wait_s: float = 3.0) -> RedisLedger:
    # A fresh prefix per test: the session's Redis is shared with other tests.
    return RedisLedger(redis, wait_s=wait_s, prefix=f"test:{uuid.uuid4().hex}:")


def core(tmp_path: Path, name: str, store: StuckStore, aid: RedisLedger) -> Hotline:
    return Hotline(store=store, spool=Spool(tmp_path / f"spool-{name}.jsonl"), rasa=None,  # type: ignore[arg-type]
                   cases=None, busy_after_s=60, aid_ledger=aid)  # type: ignore[arg-type]


async def test_a_delivery_on_two_processes_gets_the_numbers_once(tmp_path: Path, redis: Redis) -> None:
    store = StuckStore()
    shared = ledger(redis)
    a, b = core(tmp_path, "a", store, shared), core(tmp_path, "b", store, RedisLedger(redis, prefix=shared.prefix))
    b.aid_ledger.owner = "other-host:1"  # type: ignore[attr-defined]
    out = UrgentRecorder()
    danger = msg(1, text=DANGER)
    tasks_a, tasks_b = PendingTasks(first_aid=a.first_aid), PendingTasks(first_aid=b.first_aid)
    running = [tasks_a.spawn("tg:77", "1", lambda: a.handle(danger, out), msg=danger, sender=out),
               tasks_b.spawn("tg:77", "1", lambda: b.handle(danger, out), msg=danger, sender=out)]
    await asyncio.wait_for(out.urgent.wait(), 5)
    await asyncio.sleep(0.5)  # B's ledger polls every 50 ms: give a wrong second send the time to happen
    store.release.set()
    await asyncio.wait(running)
    assert sum(1 for m in out.sent if m.urgent and "110" in m.text) == 1


async def test_a_process_that_died_before_sending_does_not_silence_the_other(redis: Redis) -> None:
    dead = ledger(redis, wait_s=0.3)
    dead.owner = "crashed-host:1"
    key = delivery_key(msg(2, text=DANGER))
    assert await dead.begin(key) is True  # took the delivery, then died before sending
    survivor = RedisLedger(redis, wait_s=0.3, prefix=dead.prefix)
    assert await survivor.begin(key) is True  # waited, saw nothing sent, sends itself
    await survivor.sent(key)
    third = RedisLedger(redis, wait_s=0.3, prefix=dead.prefix)
    third.owner = "third-host:1"
    assert await third.begin(key) is False  # sent: not again


async def test_redis_down_means_the_numbers_still_go_out() -> None:
    gone = RedisLedger.from_url(f"redis://127.0.0.1:{free_port()}/0")
    try:
        assert await asyncio.wait_for(gone.begin("k"), 2) is True
        await gone.sent("k")  # no error either
    finally:
        await gone.close()


async def test_the_key_holds_no_sender_id(redis: Redis) -> None:
    phone_msg = msg(3, chat="wa:+6281234500099", text=DANGER)
    key = delivery_key(phone_msg)
    assert "6281234500099" not in key and "wa:" not in key
    assert key != delivery_key(msg(4, chat="wa:+6281234500099", text=DANGER))  # per delivery, not per person


async def test_a_staff_delivery_acts_once_across_processes(redis: Redis) -> None:
    first = ledger(redis)
    other = RedisLedger(redis, prefix=first.prefix)  # another process: its own memory, the same Redis
    key = delivery_key(msg(5, chat="tg:4242", text="/ambil K-ABCDE"))
    assert await first.once(key) is True
    assert await first.once(key) is False  # the same process again
    assert await other.once(key) is False  # the other process
    assert await other.once(delivery_key(msg(6, chat="tg:4242", text="/ambil K-ABCDE"))) is True  # a new delivery


async def test_one_process_alone_still_acts_once() -> None:
    from handlers.aid_ledger import LocalLedger

    local = LocalLedger()
    assert await local.once("k") is True and await local.once("k") is False


async def test_redis_down_a_staff_delivery_still_acts() -> None:
    gone = RedisLedger.from_url(f"redis://127.0.0.1:{free_port()}/0")
    try:
        assert await asyncio.wait_for(gone.once("k"), 2) is True
        assert await gone.once("k") is False  # and still once in this process
    finally:
        await gone.close()


# ------------------------------------------------------------------------------------------------ a chat's turn
async def test_one_chat_takes_turns_across_processes(redis: Redis) -> None:
    a = ledger(redis)
    b = RedisLedger(redis, prefix=a.prefix)
    b.owner = "other-host:1"
    chat = chat_key(msg(7, chat="tg:555", text="halo"))
    order: list[str] = []
    a_in, a_may_leave = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with a.turn(chat):
            order.append("a in")
            a_in.set()
            await a_may_leave.wait()
            order.append("a out")

    async def second() -> None:
        await a_in.wait()
        async with b.turn(chat):
            order.append("b in")

    running = [asyncio.create_task(first()), asyncio.create_task(second())]
    await a_in.wait()
    await asyncio.sleep(0.3)  # B polls every 50 ms: give a wrong early entry the time to happen
    assert order == ["a in"]
    a_may_leave.set()
    await asyncio.wait_for(asyncio.gather(*running), 5)
    assert order == ["a in", "a out", "b in"]
    assert await redis.exists(f"{a.prefix}turn:{chat}") == 0  # released


async def test_other_chats_do_not_wait(redis: Redis) -> None:
    a = ledger(redis)
    b = RedisLedger(redis, prefix=a.prefix)
    async with a.turn(chat_key(msg(8, chat="tg:1", text="x"))):
        async with asyncio.timeout(1):
            async with b.turn(chat_key(msg(9, chat="tg:2", text="x"))):
                pass


async def test_a_turn_left_by_a_dead_process_expires(redis: Redis) -> None:
    live = ledger(redis)
    chat = chat_key(msg(10, chat="tg:3", text="x"))
    await redis.set(f"{live.prefix}turn:{chat}", "crashed-host:1:abc", px=300)  # died holding the turn
    async with asyncio.timeout(3):
        async with live.turn(chat):
            assert await redis.get(f"{live.prefix}turn:{chat}") != "crashed-host:1:abc"


async def test_a_turn_held_too_long_does_not_hold_the_message_for_good(redis: Redis) -> None:
    live = ledger(redis)
    chat = chat_key(msg(11, chat="tg:4", text="x"))
    await redis.set(f"{live.prefix}turn:{chat}", "stuck-host:1:abc", px=60_000)
    async with asyncio.timeout(3):
        async with live.turn(chat, wait_s=0.2):
            pass  # went ahead without it
    assert await redis.get(f"{live.prefix}turn:{chat}") == "stuck-host:1:abc"  # and did not free another's turn


async def test_a_turn_taken_over_after_expiry_is_not_released_by_its_former_holder(redis: Redis) -> None:
    a = ledger(redis)
    chat = chat_key(msg(12, chat="tg:5", text="x"))
    async with a.turn(chat):
        await redis.set(f"{a.prefix}turn:{chat}", "next-host:1:def")  # ours expired; another process took it
    assert await redis.get(f"{a.prefix}turn:{chat}") == "next-host:1:def"


async def test_a_turn_this_process_left_behind_does_not_hold_its_next_message(redis: Redis) -> None:
    live = ledger(redis)
    chat = chat_key(msg(15, chat="tg:6", text="x"))
    await redis.set(f"{live.prefix}turn:{chat}", live.owner, px=60_000)  # a release lost to a time-out
    async with asyncio.timeout(1):
        async with live.turn(chat):
            pass
    assert await redis.exists(f"{live.prefix}turn:{chat}") == 0


async def test_redis_down_the_turn_goes_ahead() -> None:
    gone = RedisLedger.from_url(f"redis://127.0.0.1:{free_port()}/0")
    try:
        async with asyncio.timeout(2):
            async with gone.turn("k"):
                pass
    finally:
        await gone.close()


async def test_the_chat_key_holds_no_sender_id() -> None:
    key = chat_key(msg(13, chat="wa:+6281234500098", text="x"))
    assert "6281234500098" not in key and "wa:" not in key
    assert key == chat_key(msg(14, chat="wa:+6281234500098", text="y"))  # per person, not per delivery


class SlowAnswerRedis(Redis):
    """A Redis client whose SET is carried out but answered after the ledger's time-out (a slow network)."""

    async def set(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        done = await super().set(*args, **kwargs)
        await asyncio.sleep(OP_TIMEOUT_S * 2)
        return done


async def test_a_turn_taken_by_a_set_answered_too_late_is_released_for_the_other_process(
        redis_server: RedisServer, redis: Redis) -> None:
    slow_client = SlowAnswerRedis.from_url(redis_server.url, decode_responses=True)
    try:
        slow = RedisLedger(slow_client, prefix=f"test:{uuid.uuid4().hex}:")
        other = RedisLedger(redis, prefix=slow.prefix)
        other.owner = "other-host:1"
        chat = chat_key(msg(16, chat="tg:7", text="x"))
        async with slow.turn(chat):
            # The SET went through in Redis although this process saw a time-out.
            assert await redis.get(f"{slow.prefix}turn:{chat}") == slow.owner
        assert await redis.exists(f"{slow.prefix}turn:{chat}") == 0
        async with asyncio.timeout(2):  # not the 60 s the key would otherwise live
            async with other.turn(chat):
                pass
    finally:
        await slow_client.aclose()
