"""Content that editors change in the console, served from memory and kept fresh in the background.

The bot texts (``handlers.texts.LiveTexts``) and the services directory (``handlers.regions.LiveDirectory``) are
both read in a citizen's turn, so neither may touch the database there: each keeps an in-memory snapshot that
``Live.serve`` reloads when the newest revision id in the database moves (checked once a second per process;
the process that saved reloads at once). A database that is down or slow never delays a reply: the last snapshot
stays in force. Each kind of content has one ``Slot``: the snapshot installed in this process, if any.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar

log = logging.getLogger(__name__)


class Runner(Protocol):
    """Where a snapshot is read from: ``handlers.store.Store`` (``run(fn)`` on a worker thread)."""

    async def run(self, fn: Any) -> Any: ...


L = TypeVar("L", bound="Live")


class Slot(Generic[L]):
    """The snapshot of one kind of content installed in this process (None: the repo's defaults only)."""

    def __init__(self) -> None:
        self.live: L | None = None

    def use(self, live: L | None) -> L | None:
        """Install ``live``; returns the previous one."""
        previous, self.live = self.live, live
        return previous

    def active(self) -> L | None:
        """The snapshot installed, if any."""
        return self.live


@dataclass
class Live:
    """A snapshot of edited content and the version it was read at; subclasses say what to read and keep."""

    store: Runner | None = None
    interval_s: float = 1.0
    version: int = -1
    # Set after every reload (for whoever waits on a change, e.g. a test).
    reloaded: asyncio.Event = field(default_factory=asyncio.Event)
    serving: bool = False

    slot: ClassVar[Slot[Any]]
    label: ClassVar[str] = "content"

    def _version_query(self) -> Callable[[Any], int]:
        """A storage call giving the newest revision id."""
        raise NotImplementedError

    def _load_query(self) -> Callable[[Any], tuple[int, Any]]:
        """A storage call giving the version and what to keep."""
        raise NotImplementedError

    def _keep(self, loaded: Any) -> None:
        """Replace the snapshot with ``loaded`` (one assignment: a reader sees the old or the new one)."""
        raise NotImplementedError

    async def refresh(self) -> bool:
        """Reload if the database's version moved; True if it did."""
        if self.store is None:
            return False
        version = await self.store.run(self._version_query())
        if version == self.version:
            return False
        new_version, loaded = await self.store.run(self._load_query())
        self._keep(loaded)
        self.version = max(version, new_version)
        self.reloaded.set()
        log.info("%s reloaded (version %d)", self.label, self.version)
        return True

    async def serve(self) -> None:
        """Install this snapshot in this process and keep it fresh until cancelled (an app's background task)."""
        slot = type(self).slot
        previous = slot.use(self)
        self.serving = True
        try:
            while True:
                try:
                    await self.refresh()
                except Exception as exc:  # a database outage keeps the last snapshot; the next pass retries
                    log.warning("%s not refreshed (%s)", self.label, type(exc).__name__)
                await asyncio.sleep(self.interval_s)
        finally:
            self.serving = False
            if slot.live is self:
                # Two apps in one process (tests): never fall back to one that has stopped meanwhile.
                slot.use(previous if previous is not None and previous.serving else None)
