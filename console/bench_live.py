"""``hotline bench console``, second part: a Telegram webhook → the emergency visible in an open console, beside
webhook → the page at the (fake) Telegram Bot API, for the same emergencies in the same run.

The whole app runs as in production (``build_runtime`` + ``build_app``: webhook mode, the escalation workers and
the console in the same process), on a fresh SQLite file and a real Redis started here; only Telegram is the
local fake (``tests/fakes/telegram_api.py``). A Depok supervisor is signed in to the console and subscribed to
the queue's server-sent events stream, as an open browser tab is; three Depok counsellors are on call. Emergencies
from invented citizen chats are POSTed at a steady rate. For each one we record when its case code first appears
in an event of the open stream, and when its page reaches the fake Bot API. Rules-only triage unless
``RASA_URL`` is set (neither path waits for Rasa).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings

_CODE = re.compile(r"K-[0-9A-Z]{5}")


async def _watch(http: httpx.AsyncClient, seen: dict[str, float], ready: asyncio.Event) -> None:
    """Read the open queue stream; the time each case code first appears in an event."""
    async with http.stream("GET", "/console/queue/events") as stream:
        async for line in stream.aiter_lines():
            if not line.startswith("data:"):
                continue
            now = time.time()
            for code in _CODE.findall(json.loads(line[5:]).get("html", "")):
                seen.setdefault(code, now)
            ready.set()


async def _run(base: str, cookies: dict[str, str], chats: list[int], rate: float, fake: Any,
               staff: set[int], timeout_s: float) -> tuple[dict[int, float], dict[str, float]]:
    from hotline.bench_paging import _post_all, _wait_pages

    seen: dict[str, float] = {}
    ready = asyncio.Event()
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=None) as http:
        watcher = asyncio.create_task(_watch(http, seen, ready))
        await asyncio.wait_for(ready.wait(), 30)  # the first snapshot: the tab is open
        before = len(seen)  # the warm-up's cases, already in the queue
        sent = await _post_all(base, chats, rate)
        await _wait_pages(fake, staff, len(chats), timeout_s)
        deadline = time.monotonic() + timeout_s
        while len(seen) - before < len(chats) and time.monotonic() < deadline:  # noqa: ASYNC110 (polls a dict the reader fills)
            await asyncio.sleep(0.05)
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
            await watcher
    return sent, seen


def webhook_to_console(settings: Settings, *, n: int = 100, rate: float = 5.0) -> list[dict[str, Any]]:
    """Run the app and measure; returns the two rows (console, page) for ``hotline.bench.print_table``."""
    import logging

    import uvicorn

    from console import auth
    from hotline.app import build_app, build_runtime, configure_logging
    from hotline.bench import summarise
    from hotline.bench_paging import SECRET, _case_chats, _fakes, _latencies, _post_all, _wait_pages, add_bench_staff
    from hotline.services import RedisServer, free_port
    from storage import console as db
    from storage.db import migrate

    configure_logging()
    logging.getLogger().setLevel(logging.WARNING)  # per-message INFO lines would be most of the output
    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-console-live-"))
    port = free_port()
    redis = RedisServer(data_dir=tmp / "redis").start()
    fake = _fakes().FakeTelegramAPI()
    fake.start()
    database_url = f"sqlite:///{tmp / 'bench.db'}"
    staff_chats = [8_900_001 + i for i in range(3)]
    staff = set(staff_chats)
    token = auth.new_token()
    try:
        s = settings.model_copy(update={
            "telegram_bot_token": fake.token, "telegram_mode": "webhook", "telegram_api_base_url": fake.api_base_url,
            "telegram_webhook_secret": SECRET, "twilio_account_sid": None, "port": port,
            "database_url": database_url, "var_dir": tmp / "var"})
        migrate(database_url)
        add_bench_staff(database_url, staff_chats, console_token_hash=db.token_digest(token))
        app = build_app(build_runtime(s, rasa_url=settings.rasa_url, redis_url=redis.url))
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:  # noqa: ASYNC110 (uvicorn offers no start event)
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        cookies = {auth.SESSION_COOKIE: app.state.console.signer.sign(token, purpose="session")}
        # Warm-up (connections, first queries, the console's templates), not measured.
        asyncio.run(_post_all(base, [7_300_001 + i for i in range(3)], 5.0))
        asyncio.run(_wait_pages(fake, staff, 3, 10))
        fake.clear()
        chats = [7_400_001 + i for i in range(n)]
        sent, seen = asyncio.run(_run(base, cookies, chats, rate, fake, staff, 60))
        code_chat = _case_chats(database_url)
        chat_seen = {code_chat[c]: t for c, t in seen.items() if c in code_chat}
        visible = [(chat_seen[c] - t) * 1000 for c, t in sent.items() if c in chat_seen]
        pages, _, _, lost = _latencies(fake, staff, sent, code_chat)
        server.should_exit = True
        thread.join(15)
    finally:
        fake.stop()
        redis.stop()
    return [summarise(f"webhook → emergency in an open console queue (SSE), {n} @{rate:g}/s "
                      f"(missing {n - len(visible)})", visible),
            summarise(f"same run: webhook → Telegram page at the fake Bot API (missing {lost})", pages)]
