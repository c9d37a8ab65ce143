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

    def _append(self, msg: IncomingMessage) -> None:
        row = {"channel": msg.channel, "sender_id": msg.sender_id, "external_id": msg.external_id,
               "text": msg.text, "media_count": msg.media_count, "chat_message_id": msg.chat_message_id,
               "received_at": msg.received_at.isoformat()}
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")

    async def keep(self, msg: IncomingMessage) -> None:
        """Append a message to the spool."""
        await asyncio.to_thread(self._append, msg)

    def _take_all(self) -> list[IncomingMessage]:
        with self._lock:
            if not self.path.exists():
                return []
            lines = self.path.read_text(encoding="utf-8").splitlines()
            self.path.unlink()
        out = []
        for line in lines:
            r = json.loads(line)
            out.append(IncomingMessage(
                channel=r["channel"], sender_id=r["sender_id"], external_id=r["external_id"], text=r["text"],
                media_count=r["media_count"], chat_message_id=r["chat_message_id"],
                received_at=datetime.fromisoformat(r["received_at"]).astimezone(UTC)))
        return out

    async def take_all(self) -> list[IncomingMessage]:
        """Remove and return every spooled message (the caller re-queues any it cannot store)."""
        return await asyncio.to_thread(self._take_all)

    def __len__(self) -> int:
        if not self.path.exists():
            return 0
        return sum(1 for _ in self.path.open(encoding="utf-8"))


def jsonable(value: Any) -> Any:
    """A JSON-safe copy of a dataclass-ish triage summary."""
    return json.loads(json.dumps(value, default=str))
