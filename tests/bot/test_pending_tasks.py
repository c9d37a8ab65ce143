"""The adapters' task runner: order per chat, failures logged under the adapter's name, the journal written
before ``spawn`` returns, first aid started ahead of the queue."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.telegram import PendingTasks
from bot.types import IncomingMessage, OutgoingMessage
from handlers.store import Journal


class Boom(Exception):
    pass


@pytest.mark.parametrize("key, logger", [("wa:+628120000001", "bot.whatsapp"), ("tg:42", "bot.telegram"),
                                         ("web:abc", "bot.webchat")])
async def test_a_failure_is_logged_under_the_adapter_it_came_through(key: str, logger: str,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    tasks = PendingTasks()
    user_text = "-".join(["kata", "pengguna"])

    async def fail() -> None:
        raise Boom(user_text)  # an exception message may quote the user: it is never logged

    await asyncio.wait({tasks.spawn(key, "SM1", fail)})
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.name == logger and "Boom" in record.getMessage()
    assert user_text not in caplog.text


class Recorder:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, message: OutgoingMessage) -> str | None:
        self.sent.append(message.text)
        return None


async def test_journal_first_and_first_aid_ahead_of_the_chat_queue(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "inbox.jsonl")
    order: list[str] = []
    release = asyncio.Event()

    def first_aid(msg: IncomingMessage, sender: object) -> None:
        order.append(f"first aid {msg.external_id}")

    tasks = PendingTasks(journal=journal, first_aid=first_aid)

    async def slow() -> None:
        await release.wait()
        order.append("handled 1")

    async def quick() -> None:
        order.append("handled 2")

    m1 = IncomingMessage(channel="telegram", sender_id="tg:5", external_id="1", text="halo")
    m2 = IncomingMessage(channel="telegram", sender_id="tg:5", external_id="2", text="tolong")
    t1 = tasks.spawn("tg:5", "1", slow, msg=m1, sender=Recorder())
    t2 = tasks.spawn("tg:5", "2", quick, msg=m2, sender=Recorder())
    # Both are on disk before spawn returned, i.e. before the webhook could answer.
    assert "tolong" in (tmp_path / "inbox.jsonl").read_text() and len(journal) == 2
    await asyncio.sleep(0)
    assert order == ["first aid 1", "first aid 2"]  # the second delivery's first aid does not wait for the first
    release.set()
    await asyncio.wait({t1, t2})
    assert order[2:] == ["handled 1", "handled 2"]  # the handling itself keeps the chat's order
    assert len(journal) == 0 and (tmp_path / "inbox.jsonl").read_text() == ""
