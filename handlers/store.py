"""Async access to the database for the handlers.

The storage layer is synchronous SQLAlchemy; every call goes through a worker thread so the event loop (and
the emergency reply of the next message) is never blocked by a slow disk or a remote PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.types import IncomingMessage

log = logging.getLogger(__name__)
T = TypeVar("T")


class StoreUnavailable(Exception):
    """The database could not be reached or refused the write."""


class Store:
    """Runs storage functions in a session on a worker thread, committing on success."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def _call(self, fn: Callable[[Session], T]) -> T:
        with self.sessions() as session:
            try:
                result = fn(session)
                session.commit()
                return result
            except Exception:
                session.rollback()
                raise

    async def run(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(session)`` in a transaction on a worker thread; database errors become StoreUnavailable."""
        from sqlalchemy.exc import InterfaceError, OperationalError

        try:
            return await asyncio.to_thread(self._call, fn)
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable(type(exc).__name__) from exc


class Spool:
    """An append-only local file that keeps messages the database could not take, until it can.

    It is the last line of "loses nothing": the file lives in the project's ``var/`` folder and is emptied as
    soon as its messages are stored.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    @staticmethod
    def _row(msg: IncomingMessage) -> dict[str, Any]:
        return {"channel": msg.channel, "sender_id": msg.sender_id, "external_id": msg.external_id,
                "text": msg.text, "media_count": msg.media_count, "chat_message_id": msg.chat_message_id,
                "received_at": msg.received_at.isoformat(), "callback_data": msg.callback_data}

    def _append(self, msg: IncomingMessage) -> None:
        row = self._row(msg)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")

    async def keep(self, msg: IncomingMessage) -> None:
        """Append a message to the spool."""
        await asyncio.to_thread(self._append, msg)

    @property
    def _claimed(self) -> Path:
        return self.path.with_name(self.path.name + ".replaying")

    @property
    def _failed(self) -> Path:
        return self.path.with_name(self.path.name + ".failed")

    @staticmethod
    def _read(path: Path) -> list[IncomingMessage]:
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            out.append(Spool._parse(json.loads(line)))
        return out

    @staticmethod
    def _parse(r: dict[str, Any]) -> IncomingMessage:
        return IncomingMessage(
            channel=r["channel"], sender_id=r["sender_id"], external_id=r["external_id"], text=r["text"],
            media_count=r["media_count"], chat_message_id=r["chat_message_id"],
            received_at=datetime.fromisoformat(r["received_at"]).astimezone(UTC),
            callback_data=r.get("callback_data"))

    def _claim(self) -> list[IncomingMessage]:
        with self._lock:
            if self.path.exists():
                if self._claimed.exists():  # a pass that crashed: its messages come first, then the newer ones
                    with self._claimed.open("a", encoding="utf-8") as out:
                        out.write(self.path.read_text(encoding="utf-8"))
                    self.path.unlink()
                else:
                    self.path.replace(self._claimed)
            if not self._claimed.exists():
                return []
            return self._read(self._claimed)

    async def claim(self) -> list[IncomingMessage]:
        """The spooled messages, for a replay pass; they stay on disk until ``release`` (a crash loses none).

        New messages spooled during the pass go to a fresh spool file and wait for the next pass.
        """
        return await asyncio.to_thread(self._claim)

    def _release(self, rest: list[IncomingMessage]) -> None:
        with self._lock:
            if rest:
                lines = "".join(json.dumps(self._row(m), ensure_ascii=False) + "\n" for m in rest)
                newer = self.path.read_text(encoding="utf-8") if self.path.exists() else ""
                tmp = self.path.with_name(self.path.name + ".tmp")
                tmp.write_text(lines + newer, encoding="utf-8")
                tmp.replace(self.path)
            self._claimed.unlink(missing_ok=True)

    async def release(self, rest: list[IncomingMessage]) -> None:
        """End a replay pass: ``rest`` (not yet stored) goes back to the front of the spool."""
        await asyncio.to_thread(self._release, rest)

    def _set_aside(self, msg: IncomingMessage) -> None:
        with self._lock, self._failed.open("a", encoding="utf-8") as f:
            f.write(json.dumps(self._row(msg), ensure_ascii=False) + "\n")

    async def set_aside(self, msg: IncomingMessage) -> None:
        """Keep a message whose replay failed for another reason than the database, for inspection."""
        await asyncio.to_thread(self._set_aside, msg)

    def set_aside_count(self) -> int:
        """How many messages were set aside (replay failed for another reason than the database)."""
        with self._lock:
            if not self._failed.exists():
                return 0
            return sum(1 for _ in self._failed.open(encoding="utf-8"))

    def __len__(self) -> int:
        """Messages waiting to be stored (including those of a replay pass in progress)."""
        # Under the lock: a replay pass renames and deletes these files from a worker thread.
        with self._lock:
            return sum(sum(1 for _ in p.open(encoding="utf-8")) for p in (self.path, self._claimed) if p.exists())


def jsonable(value: Any) -> Any:
    """A JSON-safe copy of a dataclass-ish triage summary."""
    return json.loads(json.dumps(value, default=str))


class Journal:
    """Deliveries a webhook accepted and the core has not finished, on disk before the webhook answers 200.

    A process killed mid-way (kill -9, a crash, a deploy) loses none: at the next start ``recover`` returns
    what was accepted and not finished, to be handled again (the database's de-duplication on the delivery id
    makes that exactly once for what was already stored). Writes are plain appends, flushed to the operating
    system (which keeps them across a killed process) from the event loop: a few microseconds each. The file
    is emptied whenever nothing is in flight, so texts do not linger in it.
    """

    def __init__(self, path: Path, *, compact_bytes: int = 4_000_000) -> None:
        self.path = path
        self.compact_bytes = compact_bytes
        self._inflight: dict[tuple[str, str], IncomingMessage] = {}
        self._file: Any = None

    def _out(self) -> Any:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        return self._file

    def _write(self, row: dict[str, Any]) -> None:
        f = self._out()
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
        f.flush()

    def accepted(self, msg: IncomingMessage) -> None:
        """Record a delivery as accepted (call before answering the webhook)."""
        self._inflight[(msg.sender_id, msg.external_id)] = msg
        self._write({"accepted": Spool._row(msg)})

    def finished(self, sender_id: str, external_id: str) -> None:
        """Record a delivery as handled (whatever the outcome: a failure was logged and must not loop)."""
        if self._inflight.pop((sender_id, external_id), None) is None:
            return
        if not self._inflight:
            self._reset([])  # nothing in flight: the file can be emptied
        elif self._file is not None and self._file.tell() > self.compact_bytes:
            self._reset(list(self._inflight.values()))
        else:
            self._write({"finished": [sender_id, external_id]})

    def _reset(self, keep: list[IncomingMessage]) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text("".join(json.dumps({"accepted": Spool._row(m)}, ensure_ascii=False) + "\n" for m in keep),
                       encoding="utf-8")
        tmp.replace(self.path)

    def __len__(self) -> int:
        return len(self._inflight)

    def recover(self) -> list[IncomingMessage]:
        """Deliveries accepted by an earlier process and never finished, in order; the file starts afresh."""
        if not self.path.exists():
            return []
        pending: dict[tuple[str, str], IncomingMessage] = {}
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by the crash
            if "accepted" in row:
                msg = Spool._parse(row["accepted"])
                pending[(msg.sender_id, msg.external_id)] = msg
            elif "finished" in row:
                pending.pop((row["finished"][0], row["finished"][1]), None)
        self._reset([])
        return list(pending.values())

    def close(self) -> None:
        """Close the file (at shutdown)."""
        if self._file is not None:
            self._file.close()
            self._file = None
