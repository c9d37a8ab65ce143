"""The spool (messages the database could not take) and the journal (deliveries accepted, not yet handled)."""

from __future__ import annotations

from pathlib import Path

from bot.types import IncomingMessage
from handlers.store import Journal, Spool


def msg(n: int, sender: str = "tg:1") -> IncomingMessage:
    return IncomingMessage(channel="telegram", sender_id=sender, external_id=str(n), text=f"pesan {n}",
                           callback_data="claim:K-1" if n == 3 else None)


async def test_spool_claim_keeps_messages_on_disk_until_released(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    for n in range(4):
        await spool.keep(msg(n))
    taken = await spool.claim()
    assert [m.external_id for m in taken] == ["0", "1", "2", "3"]
    assert taken[3].callback_data == "claim:K-1"
    await spool.keep(msg(9))  # spooled during the pass: waits for the next one
    assert len(spool) == 5  # a crash now loses nothing
    await spool.release(taken[2:])  # two stored; two go back to the front
    assert [m.external_id for m in await spool.claim()] == ["2", "3", "9"]


async def test_a_crashed_replay_pass_is_taken_again_first(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    await spool.keep(msg(1))
    await spool.claim()  # the process dies here, before release
    await spool.keep(msg(2))
    again = Spool(tmp_path / "spool.jsonl")
    assert [m.external_id for m in await again.claim()] == ["1", "2"]
    await again.release([])
    assert len(again) == 0 and await again.claim() == []


async def test_set_aside_keeps_a_failed_message(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    await spool.set_aside(msg(5))
    assert spool.set_aside_count() == 1 and len(spool) == 0


def test_journal_recovers_what_was_accepted_and_not_finished(tmp_path: Path) -> None:
    path = tmp_path / "inbox.jsonl"
    journal = Journal(path)
    for n in range(5):
        journal.accepted(msg(n, sender=f"tg:{n % 2}"))
    journal.finished("tg:0", "0")
    journal.finished("tg:1", "3")
    # killed here: no close
    recovered = Journal(path).recover()
    assert [(m.sender_id, m.external_id) for m in recovered] == [("tg:1", "1"), ("tg:0", "2"), ("tg:0", "4")]
    assert recovered[0].text == "pesan 1"
    assert Journal(path).recover() == []  # recovering starts the file afresh


def test_journal_is_emptied_when_nothing_is_in_flight(tmp_path: Path) -> None:
    path = tmp_path / "inbox.jsonl"
    journal = Journal(path)
    journal.accepted(msg(1))
    journal.accepted(msg(2))
    journal.finished("tg:1", "1")
    assert "pesan 2" in path.read_text()
    journal.finished("tg:1", "2")
    assert path.read_text() == ""  # no text lingers on disk
    journal.finished("tg:1", "2")  # a second finish is harmless
    assert len(journal) == 0


def test_journal_compacts_a_large_file_to_what_is_in_flight(tmp_path: Path) -> None:
    path = tmp_path / "inbox.jsonl"
    journal = Journal(path, compact_bytes=2_000)
    journal.accepted(msg(0))  # stays in flight throughout
    for n in range(1, 60):
        journal.accepted(msg(n))
        journal.finished("tg:1", str(n))
    assert path.stat().st_size < 2_500
    assert [m.external_id for m in Journal(path).recover()] == ["0"]
