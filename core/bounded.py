"""A dict that remembers only its most recent entries: the per-process memories of deliveries, verdicts and
options must not grow without end under a surge or a long uptime."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedDict(OrderedDict[K, V]):
    """An insertion-ordered dict keeping at most ``limit`` entries; the oldest is dropped first.

    ``on_evict`` is called with each dropped value (for example to cancel a task nobody will await any more).
    Setting an existing key keeps its place; ``pop`` it first to make it the newest.
    """

    def __init__(self, limit: int, on_evict: Callable[[V], None] | None = None) -> None:
        super().__init__()
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._on_evict = on_evict

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        while len(self) > self.limit:
            _, dropped = self.popitem(last=False)
            if self._on_evict is not None:
                self._on_evict(dropped)
