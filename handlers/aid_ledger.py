"""Which process answers a delivery's emergency numbers, when several app processes share the traffic.

A channel may deliver the same message twice, and behind a proxy the second delivery can land on another app
process. The database stores the message once, but the emergency numbers go out before the database is asked
(they must not wait for it), so the processes agree through Redis instead: the first to ``begin`` a delivery
sends the numbers and marks them ``sent``.

The rule is "at least once, normally exactly once": a process that finds the delivery begun elsewhere waits
up to ``wait_s`` for it to be marked sent and sends the numbers itself if it is not (the other process may have
died mid-way). With Redis unreachable every process sends: the numbers twice is better than not at all.

The same ledger gives a chat one turn at a time across processes (``turn``): two messages of one person sent a
moment apart may land on two processes, and handled at once they would race on the conversation's state (two
cases for one report). Only the turn after the emergency numbers waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import socket
import time
from collections.abc import AsyncIterator
from typing import Protocol

from redis.asyncio import Redis

from bot.types import IncomingMessage
from core.bounded import BoundedDict

log = logging.getLogger(__name__)

# Long enough to cover any redelivery (Telegram retries for about a day, Twilio within minutes).
KEY_TTL_S = 24 * 3600
# A Redis that answers slower than this is treated as down: the numbers are not held back for it.
OP_TIMEOUT_S = 0.25
_SENT = "sent"
# A chat's turn: held at most this long (a process that died holding it frees it), waited for at most this long.
TURN_TTL_MS = 60_000
TURN_WAIT_S = 30.0
# Delete the turn only if it is still ours (it may have expired and been taken by another process).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


def delivery_key(msg: IncomingMessage) -> str:
    """The ledger key of a delivery: a hash, so no sender id (a phone number) is written to Redis."""
    raw = f"{msg.channel}\x00{msg.sender_id}\x00{msg.external_id}".encode()
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def chat_key(msg: IncomingMessage) -> str:
    """The ledger key of a chat (for its turn), hashed like :func:`delivery_key`."""
    raw = f"{msg.channel}\x00{msg.sender_id}".encode()
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


class AidLedger(Protocol):
    """Agreement between app processes on who sends a delivery's emergency numbers."""

    async def begin(self, key: str) -> bool:
        """True: this process sends the numbers for ``key``; False: another process has sent them."""
        ...

    async def sent(self, key: str) -> None:
        """Record that the numbers for ``key`` went out."""
        ...

    async def once(self, key: str) -> bool:
        """True the first time any process asks for ``key`` (a delivery not stored in the database, such as a
        staff command or a claim button), False for a duplicate."""
        ...

    def turn(self, chat: str) -> contextlib.AbstractAsyncContextManager[None]:
        """Hold chat ``chat``'s turn (one message of a chat handled at a time across processes)."""
        ...


class _Seen:
    """The delivery keys this process has handled, the most recent ``limit`` of them."""

    def __init__(self, limit: int = 10_000) -> None:
        self._keys: BoundedDict[str, None] = BoundedDict(limit)

    def first(self, key: str) -> bool:
        if key in self._keys:
            return False
        self._keys[key] = None
        return True


class LocalLedger:
    """One process alone: every delivery it sees is its own (its in-memory de-duplication does the rest)."""

    def __init__(self) -> None:
        self._seen = _Seen()

    async def begin(self, key: str) -> bool:
        """Always this process's turn."""
        return True

    async def sent(self, key: str) -> None:
        """Nothing to share."""

    async def once(self, key: str) -> bool:
        """First time this process sees ``key``."""
        return self._seen.first(key)

    @contextlib.asynccontextmanager
    async def turn(self, chat: str) -> AsyncIterator[None]:
        """Nothing to wait for: the adapters already run one chat's messages in order within the process."""
        yield


class RedisLedger:
    """The ledger in Redis: ``SET key <owner> NX`` begins, ``SET key sent XX`` ends; keys expire after a day."""

    def __init__(self, redis: Redis, *, wait_s: float = 3.0, poll_s: float = 0.05,
                 prefix: str = "hotline:aid:") -> None:
        self.redis = redis
        self.wait_s = wait_s
        self.poll_s = poll_s
        self.prefix = prefix
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self._seen = _Seen()

    @classmethod
    def from_url(cls, url: str, **kwargs: float) -> RedisLedger:
        """A ledger on its own connection pool with short time-outs (it sits on the emergency path)."""
        redis = Redis.from_url(url, decode_responses=True, socket_connect_timeout=OP_TIMEOUT_S,
                               socket_timeout=OP_TIMEOUT_S)
        return cls(redis, **kwargs)  # type: ignore[arg-type]

    async def begin(self, key: str) -> bool:
        """Take the delivery, or wait (at most ``wait_s``) for the process that took it to send the numbers."""
        name = self.prefix + key
        try:
            if await asyncio.wait_for(self.redis.set(name, self.owner, nx=True, ex=KEY_TTL_S), OP_TIMEOUT_S):
                return True
            deadline = time.monotonic() + self.wait_s
            while True:
                value = await asyncio.wait_for(self.redis.get(name), OP_TIMEOUT_S)
                if value == _SENT:
                    return False
                if value is None or value == self.owner or time.monotonic() >= deadline:
                    # Expired, this process's own (a recovered delivery), or the other process went silent.
                    return True
                await asyncio.sleep(self.poll_s)
        except Exception as exc:  # Redis down or slow: send; twice is better than never
            log.warning("aid ledger unavailable (%s); numbers sent without it", type(exc).__name__)
            return True

    async def sent(self, key: str) -> None:
        """Mark the numbers sent (best effort: a failure only means another process may send them too)."""
        try:
            await asyncio.wait_for(self.redis.set(self.prefix + key, _SENT, ex=KEY_TTL_S), OP_TIMEOUT_S)
        except Exception as exc:
            log.warning("aid ledger not updated (%s)", type(exc).__name__)

    async def once(self, key: str) -> bool:
        """First time any process asks for ``key``; with Redis unreachable, first time this process sees it."""
        if not self._seen.first(key):
            return False
        try:
            return bool(await asyncio.wait_for(
                self.redis.set(f"{self.prefix}once:{key}", "1", nx=True, ex=KEY_TTL_S), OP_TIMEOUT_S))
        except Exception as exc:  # Redis down: handled at least once, by this process
            log.warning("delivery ledger unavailable (%s); handled without it", type(exc).__name__)
            return True

    @contextlib.asynccontextmanager
    async def turn(self, chat: str, *, wait_s: float = TURN_WAIT_S) -> AsyncIterator[None]:
        """Wait (at most ``wait_s``) until no other process is handling a message of ``chat``, and hold the turn.

        Never blocks a turn for good: after ``wait_s``, or with Redis unreachable, the turn goes ahead without
        it (a race on one chat's state is better than a message left unanswered).
        """
        name = f"{self.prefix}turn:{chat}"
        # The process, not the turn, owns it: this process already runs a chat's messages one at a time, so a turn
        # of its own left in Redis (a release or a SET answer lost to a time-out) must not hold its next message.
        token = self.owner
        held = False
        # A SET whose answer was lost to the time-out may still have taken the turn in Redis: released at the end
        # like a held one (the release script deletes only this process's token), so another process's message of
        # this chat does not wait for the key to expire.
        maybe_held = False
        try:
            deadline = time.monotonic() + wait_s
            while True:
                maybe_held = True
                held = bool(await asyncio.wait_for(self.redis.set(name, token, nx=True, px=TURN_TTL_MS),
                                                   OP_TIMEOUT_S))
                maybe_held = False
                if held:
                    break
                if await asyncio.wait_for(self.redis.get(name), OP_TIMEOUT_S) == token:
                    held = True
                    break
                if time.monotonic() >= deadline:
                    log.warning("chat turn not free after %.0f s; handled without it", wait_s)
                    break
                await asyncio.sleep(self.poll_s)
        except Exception as exc:
            log.warning("chat turn unavailable (%s); handled without it", type(exc).__name__)
            maybe_held = maybe_held and isinstance(exc, TimeoutError)
        try:
            yield
        finally:
            if held or maybe_held:
                try:
                    await asyncio.wait_for(self.redis.eval(_RELEASE, 1, name, token), OP_TIMEOUT_S)
                except Exception as exc:  # it expires by itself
                    log.warning("chat turn not released (%s)", type(exc).__name__)

    async def close(self) -> None:
        """Close the connection pool."""
        await self.redis.aclose()
