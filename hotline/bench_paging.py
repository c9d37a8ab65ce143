"""``hotline bench paging``: an emergency message's webhook → the page sent at a local fake Telegram Bot API.

The whole app runs as in production (``build_runtime`` + ``build_app``, webhook mode, SQLite, a real Redis
started here, the escalation workers in the background); only Telegram is the local fake. Every emergency comes
from its own (invented) citizen chat; five counsellors of Depok are on call.

Figures: p50 / p99 over 200 emergencies sent at a steady rate, and a burst of 100 sent at once (per-message
latency and the time until the last page is out). References measured in the same run: a bare Redis
XADD → XREADGROUP round trip on the same server, and webhook → the citizen's emergency safety reply.
Rasa is used when ``RASA_URL`` is set; otherwise the rules-only path (the page never depends on Rasa).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from core.settings import PROJECT_ROOT, Settings
from hotline.bench import print_table, summarise

SECRET = "bench-paging-secret"
EMERGENCIES = (
    "tolong suami saya mau bunuh saya sekarang, saya di Depok",
    "tolong aku dipukuli bapak tiri sekarang di rumah, Depok, tolong cepat",
    "dia bawa pisau mau bunuh aku sekarang di Beji Depok",
    "help my husband is beating me right now in Depok please",
)
_CODE = re.compile(r"kasus (K-[0-9A-Z]{5})")


def _fakes() -> Any:
    sys.path.insert(0, str(PROJECT_ROOT))  # the fakes live with the tests; the benchmark runs from a checkout
    from tests.fakes import telegram_api

    return telegram_api


def add_bench_staff(database_url: str, chats: list[int], *, console_token_hash: str | None = None) -> None:
    """On-call Depok counsellors (one per chat) and a Depok supervisor; with ``console_token_hash`` the supervisor
    is also signed in to the console (a session with that token, no password)."""
    from storage import console as db
    from storage import crud
    from storage.db import make_engine, make_session_factory
    from storage.models import utcnow

    engine = make_engine(database_url)
    with make_session_factory(engine)() as s:
        for i, chat in enumerate(chats):
            staff = crud.add_staff(s, name=f"Bench {i}", role="counsellor", region="32.76", channel="telegram",
                                   contact_id=str(chat))
            crud.start_shift(s, staff=staff)
        supervisor = crud.add_staff(s, name="Bench supervisor", role="supervisor", region="32.76",
                                    channel="telegram", contact_id=str(chats[0] + 1000))
        if console_token_hash is not None:
            db.create_console_session(s, staff_id=supervisor.id, token_hash=console_token_hash, csrf_token="x",
                                      stage="full", expires_at=utcnow() + timedelta(hours=1))
    engine.dispose()


def _case_chats(database_url: str) -> dict[str, int]:
    """Case code → citizen chat id (read from the database after the run: pages never carry the chat)."""
    from sqlalchemy import select

    from storage.db import make_engine, make_session_factory
    from storage.models import Case, Conversation

    engine = make_engine(database_url)
    with make_session_factory(engine)() as s:
        rows = s.execute(select(Case.code, Conversation.sender_id).join(
            Conversation, Conversation.id == Case.conversation_id)).all()
    engine.dispose()
    return {code: int(sender.removeprefix("tg:")) for code, sender in rows}


async def _post_all(base_url: str, chats: list[int], rate: float | None) -> dict[int, float]:
    """POST one emergency update per chat (``rate`` per second, or all at once); returns send times."""
    sent_at: dict[int, float] = {}
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=200)) as client:
        async def post(i: int, chat: int) -> None:
            update = {"update_id": chat, "message": {
                "message_id": 1, "date": int(time.time()), "text": EMERGENCIES[i % len(EMERGENCIES)],
                "chat": {"id": chat, "type": "private"}, "from": {"id": chat, "is_bot": False, "first_name": "B"}}}
            sent_at[chat] = time.time()
            r = await client.post(f"{base_url}/webhooks/telegram", json=update,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            r.raise_for_status()

        tasks = []
        start = time.perf_counter()
        for i, chat in enumerate(chats):
            if rate:
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(i, chat)))
        await asyncio.gather(*tasks)
    return sent_at


async def _wait_pages(fake: Any, staff: set[int], want: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if sum(1 for c in fake.calls_to("sendMessage") if int(c.params.get("chat_id", 0)) in staff) >= want:
            return
        await asyncio.sleep(0.05)


def _latencies(fake: Any, staff: set[int], sent_at: dict[int, float], code_chat: dict[str, int]
               ) -> tuple[list[float], list[float], float, int]:
    """(webhook→page ms, webhook→safety reply ms, last page time, pages missing)."""
    page_at: dict[int, float] = {}
    reply_at: dict[int, float] = {}
    for call in fake.calls_to("sendMessage"):
        chat = int(call.params.get("chat_id", 0))
        if chat in staff:
            m = _CODE.search(call.params.get("text", ""))
            citizen = code_chat.get(m.group(1)) if m else None
            if citizen in sent_at and citizen not in page_at:
                page_at[citizen] = call.timestamp
        elif chat in sent_at and chat not in reply_at:
            reply_at[chat] = call.timestamp
    pages = [(page_at[c] - t) * 1000 for c, t in sent_at.items() if c in page_at]
    replies = [(reply_at[c] - t) * 1000 for c, t in sent_at.items() if c in reply_at]
    last = max(page_at.values(), default=float("nan"))
    return pages, replies, last, len(sent_at) - len(pages)


async def _redis_round_trip(url: str, n: int = 200) -> list[float]:
    """Bare XADD → XREADGROUP → XACK on the same Redis: the floor of any stream-based page."""
    from redis.asyncio import Redis

    redis = Redis.from_url(url, decode_responses=True)
    stream = "bench:roundtrip"
    await redis.xgroup_create(stream, "g", id="0", mkstream=True)
    out: list[float] = []
    try:
        for i in range(n):
            t0 = time.perf_counter()
            await redis.xadd(stream, {"i": i})
            resp: Any = await redis.xreadgroup("g", "c", {stream: ">"}, count=1, block=1000)
            await redis.xack(stream, "g", resp[0][1][0][0])
            out.append((time.perf_counter() - t0) * 1000)
    finally:
        await redis.delete(stream)
        await redis.aclose()
    return out


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Run the paging benchmark and print its figures (asserts nothing)."""
    import uvicorn

    from handlers.safety import detect_danger
    from hotline.app import build_app, build_runtime, configure_logging
    from hotline.services import RedisServer, free_port
    from storage.db import migrate

    configure_logging()
    logging.getLogger().setLevel(logging.WARNING)
    missing = [t for t in EMERGENCIES if detect_danger(t).level != "emergency"]
    if missing:
        print(f"warning: {len(missing)} bench texts are not emergencies for the safety net", file=sys.stderr)
    fakes = _fakes()
    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-paging-"))
    port = free_port()
    redis = RedisServer(data_dir=tmp / "redis").start()
    fake = fakes.FakeTelegramAPI()
    fake.start()
    database_url = f"sqlite:///{tmp / 'bench.db'}"
    staff_chats = [8_800_001 + i for i in range(5)]
    staff = set(staff_chats)
    rows: list[dict[str, Any]] = []
    try:
        s = settings.model_copy(update={
            "telegram_bot_token": fake.token, "telegram_mode": "webhook", "telegram_api_base_url": fake.api_base_url,
            "telegram_webhook_secret": SECRET, "twilio_account_sid": None, "port": port,
            "database_url": database_url, "var_dir": tmp / "var"})
        migrate(database_url)
        add_bench_staff(database_url, staff_chats)
        rt = build_runtime(s, rasa_url=settings.rasa_url, redis_url=redis.url)
        server = uvicorn.Server(uvicorn.Config(build_app(rt), host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        print(f"rasa: {'RASA_URL ' + settings.rasa_url if settings.rasa_url else 'none (rules-only triage)'}; "
              f"database: SQLite; on-call counsellors: {len(staff_chats)}")

        # Warm-up (connections, first queries), not measured.
        asyncio.run(_post_all(base, [7_000_001 + i for i in range(5)], 10.0))
        asyncio.run(_wait_pages(fake, staff, 5, 10))
        fake.clear()

        steady_chats = [7_100_001 + i for i in range(200)]
        sent = asyncio.run(_post_all(base, steady_chats, 10.0))
        asyncio.run(_wait_pages(fake, staff, len(steady_chats), 30))
        pages, replies, _, lost = _latencies(fake, staff, sent, _case_chats(database_url))
        rows += [summarise(f"webhook → page, 200 emergencies @10/s (missing {lost})", pages),
                 summarise("webhook → safety reply to the citizen, same run", replies)]
        fake.clear()

        burst_chats = [7_200_001 + i for i in range(100)]
        t0 = time.time()
        sent = asyncio.run(_post_all(base, burst_chats, None))
        asyncio.run(_wait_pages(fake, staff, len(burst_chats), 60))
        pages_b, replies_b, last, lost_b = _latencies(fake, staff, sent, _case_chats(database_url))
        rows += [summarise(f"webhook → page, burst of 100 at once (missing {lost_b})", pages_b),
                 summarise("webhook → safety reply, burst", replies_b)]
        burst_s = last - t0

        rows.append(summarise("reference: bare XADD → XREADGROUP → XACK", asyncio.run(_redis_round_trip(redis.url))))
        server.should_exit = True
        thread.join(15)
    finally:
        fake.stop()
        redis.stop()
    print_table(rows)
    print(f"burst of 100 emergencies: all pages out {burst_s * 1000:.0f} ms after the first webhook")
    p99 = rows[0]["p99_ms"]
    print(f"goal p99 <= 1000 ms: steady p99 {p99} ms, burst p99 {rows[2]['p99_ms']} ms")
    return 0
