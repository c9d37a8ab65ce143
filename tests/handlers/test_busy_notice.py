"""In a surge, a person whose message waits is told once that the answer will take a while."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.telegram import PendingTasks
from bot.types import IncomingMessage, OutgoingMessage
from handlers import text_model
from handlers.conversation import Hotline
from handlers.store import Spool, StoreUnavailable


@pytest.fixture(autouse=True, scope="module")
def warm_models() -> None:
    """Train the statistical heads before the clock matters (production does it at start-up)."""
    text_model.warm()


class StuckStore:
    """A database that hangs until released, then refuses (the message is spooled)."""

    def __init__(self) -> None:
        self.release = asyncio.Event()

    async def run(self, fn: Callable[[Any], Any]) -> Any:
        await self.release.wait()
        raise StoreUnavailable("down")


class Recorder:
    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []
        self.notice = asyncio.Event()

    async def send(self, message: OutgoingMessage) -> str | None:
        self.sent.append(message)
        if "ramai" in message.text:
            self.notice.set()
        return None


def msg(n: int, chat: str = "tg:77", text: str = "halo, mau tanya soal layanan") -> IncomingMessage:
    return IncomingMessage(channel="telegram", sender_id=chat, external_id=str(n), text=text)


async def test_a_waiting_person_is_told_once(tmp_path: Path) -> None:
    store = StuckStore()
    core = Hotline(store=store, spool=Spool(tmp_path / "spool.jsonl"), rasa=None, cases=None,  # type: ignore[arg-type]
                   busy_after_s=0.05)
    tasks = PendingTasks(first_aid=core.first_aid)
    out = Recorder()
    running = [tasks.spawn("tg:77", str(n), lambda n=n: core.handle(msg(n), out), msg=msg(n), sender=out)
               for n in range(3)]
    await asyncio.wait_for(out.notice.wait(), 5)
    notices = [m for m in out.sent if "ramai" in m.text]
    assert len(notices) == 1 and "129" in notices[0].text and notices[0].urgent
    store.release.set()
    await asyncio.wait(running)
    assert len([m for m in out.sent if "ramai" in m.text]) == 1  # once per person, not once per message
    # The first message's turn had started (it was waiting on the database, not in the queue): no notice for it,
    # but the spool took all three.
    assert len(core.spool) == 3


async def test_an_emergency_gets_the_numbers_ahead_of_the_queue(tmp_path: Path) -> None:
    store = StuckStore()
    core = Hotline(store=store, spool=Spool(tmp_path / "spool.jsonl"), rasa=None, cases=None,  # type: ignore[arg-type]
                   busy_after_s=60)
    tasks = PendingTasks(first_aid=core.first_aid)
    out = Recorder()
    first = msg(1)
    danger = msg(2, text="tolong saya dipukuli suami sekarang")
    running = [tasks.spawn("tg:77", m.external_id, lambda m=m: core.handle(m, out), msg=m, sender=out)
               for m in (first, danger, danger)]  # the emergency delivered twice (a retried webhook)
    for _ in range(20):
        await asyncio.sleep(0)
    # The first message is stuck on the database; the emergency behind it already has its numbers, once.
    assert [m.urgent for m in out.sent] == [True] and "110" in out.sent[0].text
    store.release.set()
    await asyncio.wait(running)
    assert sum(1 for m in out.sent if "110" in m.text and m.urgent) == 1
