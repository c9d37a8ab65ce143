"""What ``hapus`` must erase outside the database: Rasa's tracker and lock keys in Redis, and their traces in
Redis's append-only file.

Rasa has no DELETE for a tracker (the core empties it with a restart event); its Redis tracker store still keeps
a key named after the sender id. The keys are deleted here, and the append-only file, which still holds the
commands that wrote them, is rewritten in the background (at most once a minute: a rewrite copies the dataset).
"""

from __future__ import annotations

import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# hotline/services.py configures Rasa's tracker and lock stores with this key prefix.
RASA_KEY_PREFIX = "hotline"


class RedisEraser:
    """Deletes a sender's Rasa keys and schedules an append-only-file rewrite; never raises."""

    def __init__(self, redis_url: str, *, min_rewrite_interval_s: float = 60.0) -> None:
        self._redis: Redis = Redis.from_url(redis_url)
        self.min_rewrite_interval_s = min_rewrite_interval_s
        self._last_rewrite = float("-inf")

    async def __call__(self, sender_id: str) -> None:
        """Erase what Redis holds under ``sender_id``."""
        keys = [f"{RASA_KEY_PREFIX}:tracker:{sender_id}", f"{RASA_KEY_PREFIX}:lock:{sender_id}"]
        try:
            await self._redis.delete(*keys)
            now = time.monotonic()
            if now - self._last_rewrite >= self.min_rewrite_interval_s:
                self._last_rewrite = now
                await self._redis.bgrewriteaof()
        except RedisError as exc:
            log.warning("redis keys not erased (%s)", type(exc).__name__)

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()
