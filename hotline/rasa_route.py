"""Which Rasa server the app processes talk to, shared through Redis so a model swap reaches all of them.

The process that swaps a model (``hotline.model_swap``) publishes the new server's URL; every app process follows
the key within ``poll_s``. A process with no Redis, or a key never set, keeps the URL it was started with. The
key expires ``TTL_S`` after its owner stops renewing it (the owner died): a stale URL never outlives it for long,
and followers keep the server they have.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from redis.asyncio import Redis

from core.rasa_client import RasaClient

log = logging.getLogger(__name__)

ROUTE_KEY = "hotline:rasa:url"
TTL_S = 30


class RasaRoute:
    """Keeps ``client.base_url`` on the Rasa server named in Redis."""

    def __init__(self, client: RasaClient, redis: Redis | None, *, poll_s: float = 0.5) -> None:
        self.client = client
        self.redis = redis
        self.poll_s = poll_s

    @classmethod
    def from_url(cls, client: RasaClient, redis_url: str | None, **kwargs: float) -> RasaRoute:
        """A route on its own small connection (short time-outs: a slow Redis must not hold anything up)."""
        redis = (Redis.from_url(redis_url, decode_responses=True, socket_connect_timeout=0.5, socket_timeout=0.5)
                 if redis_url else None)
        return cls(client, redis, **kwargs)

    async def publish(self, url: str) -> None:
        """Send this and every other app process to ``url`` (this one at once, the others within ``poll_s``)."""
        self.client.base_url = url.rstrip("/")
        if self.redis is not None:
            await self.redis.set(ROUTE_KEY, self.client.base_url, ex=TTL_S)

    async def hold(self, current: Callable[[], str], every_s: float = TTL_S / 3) -> None:
        """Keep publishing ``current()`` (the owner of the live Rasa server) until cancelled."""
        while True:
            try:
                await self.publish(current())
            except Exception as exc:  # Redis down: followers keep their server; try again
                log.debug("rasa route not published (%s)", type(exc).__name__)
            await asyncio.sleep(every_s)

    async def refresh(self) -> None:
        """Follow the published URL once (a Redis error keeps the current one)."""
        if self.redis is None:
            return
        try:
            url = await self.redis.get(ROUTE_KEY)
        except Exception as exc:  # Redis down: the current server is as good as any
            log.debug("rasa route not read (%s)", type(exc).__name__)
            return
        if url and url != self.client.base_url:
            log.info("rasa route moved to a new server")
            self.client.base_url = str(url)

    async def follow(self) -> None:
        """Refresh every ``poll_s`` until cancelled (a background task of the app)."""
        while True:
            await self.refresh()
            await asyncio.sleep(self.poll_s)

    async def close(self) -> None:
        """Close the Redis connection."""
        if self.redis is not None:
            await self.redis.aclose()
