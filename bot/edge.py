"""What every webhook does before the core sees a delivery: read the body within a size limit (also when it
arrives chunked, without ``Content-Length``) and keep aside, encrypted, what an authenticated channel sent
but the core cannot process.

A channel that gets a 5xx redelivers the same update again and again (Telegram holds back every later
update of the bot meanwhile), so an authenticated delivery that does not fit ``bot/models.py`` is answered
200, written to the quarantine (``var/poison/``) and counted (``hotline_poison_updates_total``). The
quarantine holds raw bodies, which may contain a person's words: they are encrypted with Fernet (AES-CBC +
HMAC) under a key from the settings or generated into ``var/poison.key`` (mode 0600), never logged, and the
folder is bounded in count.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from cryptography.fernet import Fernet, InvalidToken
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from bot.types import IncomingMessage, OutgoingMessage, Sender
from core import metrics

logger = logging.getLogger(__name__)

# Beyond this many files the oldest are removed: an authenticated sender that only sends garbage must not be
# able to fill the disk.
MAX_QUARANTINED: Final = 10_000


class TooLarge(Exception):
    """The body is larger than the route's limit."""


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, read as it streams in; ``TooLarge`` as soon as it passes ``limit`` bytes.

    ``Content-Length`` is checked first when present, but a chunked body has none: counting while reading is
    what keeps a 50 MB body from being read whole before it is refused.
    """
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise TooLarge
            chunks.append(chunk)
    except ClientDisconnect:
        # The sender went away mid-body: there is nothing to process.
        raise TooLarge from None
    return b"".join(chunks)


def refuse(status_code: int) -> Response:
    """A refusal that also closes the connection: the server then stops reading a body nobody will use
    (otherwise it reads and discards the rest of it, all 50 MB of a chunked flood, to keep the connection)."""
    return Response(status_code=status_code, headers={"Connection": "close"})


def load_key(key: str | None, key_file: Path) -> bytes:
    """The quarantine key: ``key`` (a Fernet key, from settings) or the one in ``key_file``, created if missing."""
    if key:
        return key.encode()
    try:
        return key_file.read_bytes().strip()
    except FileNotFoundError:
        pass
    key_file.parent.mkdir(parents=True, exist_ok=True)
    new = Fernet.generate_key()
    # O_EXCL: two processes starting together keep one key, not two.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_bytes().strip()
    with os.fdopen(fd, "wb") as out:
        out.write(new)
    return new


class Quarantine:
    """Encrypted store of undeliverable authenticated bodies in ``folder`` (one file each).

    ``keep`` is what the webhooks call; ``entries``/``read`` are for the person inspecting them (and tests).
    """

    def __init__(self, folder: Path, key: bytes, *, max_files: int = MAX_QUARANTINED) -> None:
        self.folder = folder
        self._fernet = Fernet(key)
        self._max_files = max_files

    @classmethod
    def from_settings(cls, var_dir: Path, key: str | None) -> Quarantine:
        """The quarantine in ``var_dir/poison`` with the configured key (or one generated beside it)."""
        return cls(var_dir / "poison", load_key(key, var_dir / "poison.key"))

    async def keep(self, channel: str, reason: str, body: bytes) -> None:
        """Count one poison delivery and store it encrypted; never raises (the webhook must still answer)."""
        metrics.POISON.labels(channel=channel, reason=reason).inc()
        logger.warning("%s: authenticated delivery not processable (%s); kept aside", channel, reason)
        try:
            await asyncio.to_thread(self._write, channel, reason, body)
        except Exception as exc:  # a full disk must not turn into a 500 and a redelivery loop
            logger.error("quarantine write failed (%s)", type(exc).__name__)

    def _write(self, channel: str, reason: str, body: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{time.time_ns()}-{channel}-{reason}-{secrets.token_hex(4)}.bin"
        tmp = self.folder / (name + ".tmp")
        tmp.write_bytes(self._fernet.encrypt(body))
        tmp.replace(self.folder / name)
        files = sorted(self.folder.glob("*.bin"))
        for old in files[: max(0, len(files) - self._max_files)]:
            old.unlink(missing_ok=True)

    def entries(self) -> Iterator[Path]:
        """The quarantined files, oldest first (names: ``<ns>-<channel>-<reason>-<random>.bin``)."""
        if self.folder.exists():
            yield from sorted(self.folder.glob("*.bin"))

    def read(self, path: Path) -> bytes:
        """The original body of one quarantined file; ``InvalidToken`` if it was altered or the key differs."""
        return self._fernet.decrypt(path.read_bytes())


class ReplyTimer:
    """The ``Sender`` one delivery is processed with: it times, from the webhook's arrival, the first reply to
    the writer (``hotline_reply_seconds``) and the first urgent one, the emergency numbers
    (``hotline_safety_reply_seconds``), each once the channel accepted it. Everything else passes through.
    """

    def __init__(self, inner: Sender, msg: IncomingMessage, arrived: float | None = None) -> None:
        self.inner = inner
        self._recipient = msg.sender_id
        self._channel = msg.channel
        self._arrived = arrived if arrived is not None else time.perf_counter()
        self._replied = False
        self._safety = False

    async def send(self, message: OutgoingMessage) -> str | None:
        """Send through the wrapped sender, then record the latency if this was a first reply."""
        result = await self.inner.send(message)
        if message.recipient_id == self._recipient:
            elapsed = time.perf_counter() - self._arrived
            if not self._replied:
                self._replied = True
                metrics.REPLY_SECONDS.labels(channel=self._channel).observe(elapsed)
            if message.urgent and not self._safety:
                self._safety = True
                metrics.SAFETY_REPLY_SECONDS.labels(channel=self._channel).observe(elapsed)
        return result

    def __getattr__(self, name: str) -> object:
        # Senders offer more than ``send`` (``option_for``, ``answer_callback``...): keep them reachable.
        return getattr(self.inner, name)


@functools.cache
def _quarantine(var_dir: Path, key: str | None) -> Quarantine:
    return Quarantine.from_settings(var_dir, key)


def quarantine_for(var_dir: Path, key: str | None) -> Quarantine:
    """The process's quarantine for ``var_dir`` (one object per folder and key; the key is read once)."""
    return _quarantine(var_dir, key)


__all__ = [
    "MAX_QUARANTINED", "InvalidToken", "Quarantine", "ReplyTimer", "TooLarge", "load_key", "quarantine_for",
    "read_limited", "refuse",
]
