"""``hotline bench surge``: do the emergency numbers wait when the hotline is flooded?

The app runs as ``hotline run`` in its own process (SQLite, Redis, Rasa with its workers), the fake Telegram Bot
API in another; this process only generates load. 200 chats write everyday questions (the dev set's non-reports)
at a base rate; a tenth of the messages, from the same busy chats, are emergencies (the dev set's messages the
safety net marks as such). Phases: the base rate alone (the reference, same run), then a surge on top of it.

``--processes N`` runs N ``hotline run`` processes behind nginx (``deploy/nginx``) on one SQLite file.

Figures per phase: webhook → emergency numbers at the fake API (p50, p99, max, share within 5 s), messages lost
(accepted but never stored once the hotline has drained), and the throughput at which messages were stored.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings
from hotline.bench import percentile
from hotline.bench_e2e import SECRET, _RemoteFake, start_app
from hotline.proxy import NginxProxy

CHATS = 200
ERASE_OR_STOP = re.compile(r"\b(hapus|delete|berhenti|stop|unsubscribe)\b", re.I)
NUMBERS_MARK = ("Kamu dalam bahaya", "Are you in danger")  # how the emergency block starts (handlers/texts.py)


def _texts(path: Path) -> tuple[list[str], list[str]]:
    """(everyday non-report texts, safety-net emergencies) of a labelled file."""
    from handlers.safety import detect_danger

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    # Not the erasure or opt-out commands: an erased conversation's messages are gone by design, not lost.
    calm = [r["text"] for r in rows if (r["urgency"][0] if isinstance(r["urgency"], list) else r["urgency"]) == "none"
            and detect_danger(r["text"]).level != "emergency" and not ERASE_OR_STOP.search(r["text"])]
    danger = [r["text"] for r in rows if detect_danger(r["text"]).level == "emergency"]
    return calm, danger


class Load:
    """Sends paced deliveries and remembers, per chat, when each emergency was sent."""

    def __init__(self, base_url: str, calm: list[str], danger: list[str]) -> None:
        self.base_url, self.calm, self.danger = base_url, calm, danger
        self.update_id = 1
        self.sent = 0
        self.failed = 0
        self.emergencies: dict[int, list[float]] = {}  # chat → send times of its emergencies, in order

    async def run(self, client: httpx.AsyncClient, rate: float, seconds: float, chat_offset: int) -> None:
        """``rate`` messages a second for ``seconds`` (open loop: a slow answer does not slow the sending)."""
        tasks: list[asyncio.Task[None]] = []
        start = time.perf_counter()
        n = int(rate * seconds)
        for i in range(n):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            chat = 5_000_000 + (i + chat_offset) % CHATS
            if i % 10 == 3:
                text = self.danger[i % len(self.danger)]
                self.emergencies.setdefault(chat, []).append(time.time())
            else:
                text = self.calm[i % len(self.calm)]
            tasks.append(asyncio.create_task(self._post(client, chat, text)))
        await asyncio.gather(*tasks)

    async def _post(self, client: httpx.AsyncClient, chat: int, text: str) -> None:
        self.update_id += 1
        update = {"update_id": self.update_id, "message": {
            "message_id": self.update_id, "date": int(time.time()), "text": text,
            "chat": {"id": chat, "type": "private"}, "from": {"id": chat, "is_bot": False, "first_name": "B"}}}
        try:
            r = await client.post(f"{self.base_url}/webhooks/telegram", json=update,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            self.sent += r.status_code == 200
            self.failed += r.status_code != 200
        except httpx.HTTPError:
            self.failed += 1


def _numbers_latencies(calls: list[dict[str, Any]], emergencies: dict[int, list[float]]) -> list[float]:
    """Seconds from each emergency's webhook to the numbers sent to its chat (the k-th block for the k-th)."""
    blocks: dict[int, list[float]] = {}
    for call in calls:
        if call["method"] == "sendMessage" and str(call["params"].get("text", "")).startswith(NUMBERS_MARK):
            blocks.setdefault(int(call["params"]["chat_id"]), []).append(call["timestamp"])
    out = []
    for chat, sent in emergencies.items():
        got = sorted(blocks.get(chat, []))
        for k, t in enumerate(sent):
            out.append(got[k] - t if k < len(got) else float("inf"))
    return out


def _stored(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT count(*) FROM messages WHERE direction = 'in'").fetchone()[0])


def _wait_stored(database: Path, want: int, timeout_s: float) -> int:
    """Poll the other process's database until ``want`` inbound messages are stored (or the time is up)."""
    deadline = time.monotonic() + timeout_s
    while (n := _stored(database)) < want and time.monotonic() < deadline:
        time.sleep(1.0)
    return n


async def _phase(name: str, load: Load, fake: _RemoteFake, database: Path, plan: list[tuple[float, float]],
                 drain_s: float) -> dict[str, Any]:
    fake.clear()
    load.emergencies = {}
    before_sent, before_stored = load.sent, _stored(database)
    t0 = time.time()
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=400)) as client:
        await asyncio.gather(*(load.run(client, rate, secs, k * 37) for k, (rate, secs) in enumerate(plan)))
    sending_s = time.time() - t0
    accepted = load.sent - before_sent
    stored = await asyncio.to_thread(_wait_stored, database, before_stored + accepted, drain_s) - before_stored
    drained_s = time.time() - t0
    lat = _numbers_latencies(await asyncio.to_thread(fake.calls), load.emergencies)
    finite = [x for x in lat if x != float("inf")]
    return {"phase": name, "accepted": accepted, "emergencies": len(lat),
            "numbers_p50_ms": round(percentile(finite, 50) * 1000, 1),
            "numbers_p99_ms": round(percentile(finite, 99) * 1000, 1),
            "numbers_max_ms": round(max(finite, default=float("nan")) * 1000, 1),
            "within_5s": f"{sum(1 for x in lat if x <= 5)}/{len(lat)}",
            "lost": accepted - stored, "stored_per_s": round(stored / drained_s, 1),
            "sending_s": round(sending_s, 1)}


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Run the surge benchmark and print its figures (asserts nothing)."""
    from hotline.app import configure_logging
    from hotline.services import RasaServer, RedisServer, free_port

    configure_logging()
    calm, danger = _texts(Path(args.file))
    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-surge-"))
    ports = [free_port() for _ in range(max(1, args.processes))]
    redis = RedisServer(data_dir=tmp / "redis").start()
    nlg_token = secrets.token_urlsafe(16)
    proxy: NginxProxy | None = None
    rasa_port = free_port()
    if len(ports) > 1:
        # Several app processes behind nginx (deploy/nginx), one SQLite file in WAL mode shared by them.
        proxy = NginxProxy(tmp / "nginx", app=[f"127.0.0.1:{p}" for p in ports],
                           rasa=[f"127.0.0.1:{rasa_port}"]).start()
    front = proxy.url if proxy is not None else f"http://127.0.0.1:{ports[0]}"
    rasa = RasaServer(venv=settings.rasa_venv, project=settings.rasa_project, work_dir=tmp / "rasa", port=rasa_port,
                      redis_url=redis.url, nlg_url=f"{front}/nlg", nlg_token=nlg_token,
                      workers=settings.rasa_workers, nice=settings.rasa_nice).start()
    fake = _RemoteFake()
    database = tmp / "bench.db"
    rows: list[dict[str, Any]] = []
    apps: list[Any] = []
    try:
        env = dict(os.environ, TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_MODE="webhook",
                   TELEGRAM_API_BASE_URL=fake.api_base_url, TELEGRAM_WEBHOOK_SECRET=SECRET,
                   DATABASE_URL=f"sqlite:///{database}", RASA_URL=rasa.url, REDIS_URL=redis.url,
                   VAR_DIR=str(tmp / "var"), TWILIO_ACCOUNT_SID="", NLG_TOKEN=nlg_token,
                   HOTLINE_CONSOLE_SECRET=secrets.token_urlsafe(16))
        apps = [start_app({**env, "PORT": str(p)}, p, tmp / f"app-{p}.log") for p in ports]
        load = Load(front, calm, danger)
        base, surge, spike = args.base_rate, args.surge_rate, args.spike_rate
        secs = args.seconds
        phases = [(f"reference: {base:g}/s for {secs:g} s", [(base, secs)]),
                  (f"{base:g}/s + {surge:g}/s for {secs:g} s", [(base, secs), (surge, secs)]),
                  (f"{base:g}/s + {spike:g}/s for {secs / 3:g} s", [(base, secs / 3), (spike, secs / 3)])]
        for name, plan in phases:
            rows.append(asyncio.run(_phase(name, load, fake, database, plan, drain_s=args.drain)))
            print(json.dumps(rows[-1]), flush=True)
    finally:
        for app in apps:
            app.terminate()
            app.wait(30)
        if proxy is not None:
            proxy.stop()
        fake.stop()
        rasa.stop()
        redis.stop()
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(str(r[k]) for k in keys) + " |")
    print(f"app processes: {len(ports)}{' behind nginx' if proxy else ''}; webhook failures (not 200): {load.failed}")
    return 0
