"""Live updates for open console pages: one poller per process, many server-sent-event streams.

The poller reads a cheap fingerprint of the cases, messages and notes (``storage.console.change_token``) a few
times a second and wakes every stream when it changes; each stream then re-renders only its own viewer's view
and sends it if it differs from what that browser already has. Polling the database (rather than an in-process
signal) also sees cases opened by another app worker or process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from handlers.store import Store
from storage import console as db

log = logging.getLogger(__name__)


class ChangeFeed:
    """Wakes subscribers when the database's change token moves; runs only while someone listens."""

    def __init__(self, store: Store, *, interval_s: float = 0.1, idle_stop_s: float = 10.0) -> None:
        self.store = store
        self.interval_s = interval_s
        self.idle_stop_s = idle_stop_s
        self.version = 0
        self._changed = asyncio.Event()
        self._listeners = 0
        self._task: asyncio.Task[None] | None = None

    async def _poll(self) -> None:
        token: Any = None
        idle = 0.0
        while True:
            try:
                current = await self.store.run(db.change_token)
            except Exception as exc:  # the database is down: keep the pages as they are, try again
                log.warning("console change poll failed: %s", type(exc).__name__)
                current = token
            if current != token:
                token = current
                self.version += 1
                self._changed.set()
                self._changed = asyncio.Event()
            idle = idle + self.interval_s if self._listeners == 0 else 0.0
            if idle >= self.idle_stop_s:
                self._task = None
                return
            await asyncio.sleep(self.interval_s)

    def _ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._poll())

    @contextlib.asynccontextmanager
    async def listening(self) -> Any:
        """Count a listener for the duration of a stream (the poller runs while there is one)."""
        self._listeners += 1
        self._ensure_running()
        try:
            yield self
        finally:
            self._listeners -= 1

    async def wait_change(self, seen: int, timeout_s: float = 15.0) -> int:
        """Wait until the version differs from ``seen`` (or the timeout passes); returns the current version."""
        if self.version != seen:
            return self.version
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout_s)
        return self.version

    async def stop(self) -> None:
        """Stop the poller (app shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
