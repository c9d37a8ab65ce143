"""``hotline bench e2e``: webhook received → reply sent at a local fake Telegram Bot API.

Everything is real except Telegram: Redis, Rasa (tracker and lock store on Redis, texts from the app's NLG
endpoint), SQLite, the app over HTTP. The reference, measured in the same run on the same messages, is a bare
Rasa REST-channel turn (``/webhooks/rest/webhook``). Messages are sent at 1 and at 20 per second; for each we
record the time to the first reply (for emergencies: the safety reply) and to the last reply of the turn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx

from core.settings import PROJECT_ROOT, Settings
from hotline.bench import load_texts, percentile, print_table, summarise

SECRET = "bench-secret"


class _RemoteFake:
    """The fake Telegram Bot API (tests/fakes/telegram_api.py) in its own process, read over HTTP.

    Its own process, because in a thread of this one it would share the interpreter lock with the load
    generator, and the time it stamps on a reply would include waiting for that lock.
    """

    def __init__(self) -> None:
        # The fakes live with the tests; the benchmark runs from a checkout.
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.telegram_api"], cwd=PROJECT_ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        info = json.loads(self.proc.stdout.readline())
        self.token: str = info["token"]
        self.api_base_url: str = info["api_base_url"]
        self.base_url: str = info["base_url"]

    def calls(self) -> list[dict[str, Any]]:
        """Every recorded call: ``{"method", "params", "timestamp"}``."""
        result: list[dict[str, Any]] = httpx.get(f"{self.base_url}/_calls", timeout=30).json()
        return result

    def clear(self) -> None:
        """Forget the recorded calls."""
        httpx.delete(f"{self.base_url}/_calls", timeout=30)

    def stop(self) -> None:
        """Close its stdin (it exits) and wait."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(10)


def start_app(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """``hotline run`` as its own process (as in production); returns once it answers HTTP."""
    app = subprocess.Popen([sys.executable, "-m", "hotline.cli", "run"], env=env, cwd=PROJECT_ROOT,
                           stdout=subprocess.DEVNULL, stderr=open(log, "wb"))  # noqa: SIM115 (the child owns it)
    if not wait_app_ready(port, app):
        raise RuntimeError(f"the app did not start; see {log}")
    return app


def wait_app_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 240) -> bool:
    """Whether ``hotline run`` on ``port`` answers ``/healthz`` (200, or 503 while a service starts) before
    ``timeout`` and while ``proc`` lives. A loaded 2-core machine takes a while to train the text heads."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code in (200, 503):
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return False


async def _paced(texts: list[str], rate: float, send: Callable[[int, str], Coroutine[Any, Any, None]]) -> None:
    """Start ``send(i, text)`` for each text at ``rate`` per second (open loop), then wait for all of them."""
    tasks: list[asyncio.Task[None]] = []
    start = time.perf_counter()
    for i, text in enumerate(texts):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(i, text)))
    await asyncio.gather(*tasks)


async def _drive(base_url: str, fake: _RemoteFake, texts: list[str], rate: float, chat_base: int,
                 emergencies: set[int], phase: int,
                 by_index: dict[int, float] | None = None) -> tuple[list[float], list[float], list[float], int]:
    """Send each text from its own (pre-greeted) chat at ``rate`` per second; collect reply latencies."""
    first: list[float] = []
    last: list[float] = []
    emergency_first: list[float] = []
    sent_at: dict[int, float] = {}
    async with httpx.AsyncClient(timeout=30) as client:
        async def post(i: int, text: str) -> None:
            chat = chat_base + i
            update = {"update_id": chat * 10 + phase, "message": {
                "message_id": 1, "date": int(time.time()), "text": text,
                "chat": {"id": chat, "type": "private"}, "from": {"id": chat, "is_bot": False, "first_name": "B"}}}
            sent_at[chat] = time.time()
            await client.post(f"{base_url}/webhooks/telegram", json=update,
                              headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})

        await _paced(texts, rate, post)
    # Let every turn finish (quiet for 1.5 s).
    seen = -1
    while True:
        calls = await asyncio.to_thread(fake.calls)
        if len(calls) == seen:
            break
        seen = len(calls)
        await asyncio.sleep(1.5)
    by_chat: dict[int, list[float]] = {}
    for call in calls:
        if call["method"] != "sendMessage":
            continue
        chat = int(call["params"].get("chat_id", 0))
        if chat in sent_at:
            by_chat.setdefault(chat, []).append(call["timestamp"])
    lost = 0
    for i in range(len(texts)):
        chat = chat_base + i
        stamps = sorted(by_chat.get(chat, []))
        if not stamps:
            lost += 1
            continue
        first.append((stamps[0] - sent_at[chat]) * 1000)
        if by_index is not None:
            by_index[i] = first[-1]
        last.append((stamps[-1] - sent_at[chat]) * 1000)
        if i in emergencies:
            emergency_first.append((stamps[0] - sent_at[chat]) * 1000)
    return first, last, emergency_first, lost


def _kinds(path: Path) -> list[str]:
    """Per message: "emergency", "report" or "non-report" from the file's labels ([] when it has none)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not all("urgency" in r for r in rows):
        return []
    out = []
    for r in rows:
        first = r["urgency"][0] if isinstance(r["urgency"], list) else r["urgency"]
        out.append("emergency" if first == "emergency" else "non-report" if first == "none" else "report")
    return out


async def _bare_rasa(rasa_url: str, texts: list[str], rate: float, tag: str) -> list[float]:
    out: list[float] = []
    async with httpx.AsyncClient(timeout=30) as client:
        async def one(i: int, text: str) -> None:
            t0 = time.perf_counter()
            await client.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": f"{tag}{i}", "message": text})
            out.append((time.perf_counter() - t0) * 1000)

        await _paced(texts, rate, one)
    return out


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Run the end-to-end benchmark and print its figures."""
    from handlers.safety import detect_danger
    from hotline.app import configure_logging
    from hotline.services import RasaServer, RedisServer, free_port, tree_cpu_seconds

    configure_logging()
    import logging

    logging.getLogger().setLevel(logging.WARNING)
    texts = load_texts(Path(args.file))
    kinds = _kinds(Path(args.file))
    emergencies = {i for i, t in enumerate(texts) if detect_danger(t).level == "emergency"}
    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    port = free_port()
    nlg_token = secrets.token_urlsafe(16)
    redis = RedisServer(data_dir=tmp / "redis").start()
    rasa = RasaServer(venv=settings.rasa_venv, project=settings.rasa_project, work_dir=tmp / "rasa",
                      redis_url=redis.url, nlg_url=f"http://127.0.0.1:{port}/nlg",
                      nlg_token=nlg_token, workers=settings.rasa_workers).start()
    fake = _RemoteFake()
    try:
        # The app runs as its own process (`hotline run`, as in production), so the load generator and the
        # fake Telegram API in this process do not share its interpreter.
        env = dict(os.environ, TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_MODE="webhook",
                   TELEGRAM_API_BASE_URL=fake.api_base_url, TELEGRAM_WEBHOOK_SECRET=SECRET, PORT=str(port),
                   DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}", RASA_URL=rasa.url, REDIS_URL=redis.url,
                   VAR_DIR=str(tmp / "var"), TWILIO_ACCOUNT_SID="", NLG_TOKEN=nlg_token)
        app = start_app(env, port, tmp / "app.log")
        rows: list[dict[str, Any]] = []
        n_slow = min(len(texts), 40)
        plan = [(1.0, texts[:n_slow], 1_000_000), (20.0, texts * 3, 2_000_000)]
        for rate, batch, chat_base in plan:
            # Greet every chat first so first-contact welcomes are not in the measured turn.
            asyncio.run(_drive(f"http://127.0.0.1:{port}", fake, ["halo"] * len(batch), 50.0, chat_base, set(), 1))
            fake.clear()
            em = {i for i in range(len(batch)) if i % len(texts) in emergencies}
            assert rasa.proc is not None
            cpu0 = tree_cpu_seconds(rasa.proc.pid)
            bare = asyncio.run(_bare_rasa(rasa.url, batch, rate, f"bare{int(rate)}-"))
            cpu1 = (tree_cpu_seconds(rasa.proc.pid), tree_cpu_seconds(app.pid))
            by_index: dict[int, float] = {}
            first, last, em_first, lost = asyncio.run(
                _drive(f"http://127.0.0.1:{port}", fake, batch, rate, chat_base, em, 2, by_index))
            cpu2 = (tree_cpu_seconds(rasa.proc.pid), tree_cpu_seconds(app.pid))
            # CPU per message tells saturation apart from waiting: at 20/s on 2 cores, 100 ms/msg is everything.
            print(f"@{rate:g}/s CPU ms per message: bare Rasa {(cpu1[0] - cpu0) * 1000 / len(batch):.1f}; "
                  f"hotline: Rasa {(cpu2[0] - cpu1[0]) * 1000 / len(batch):.1f} + app "
                  f"{(cpu2[1] - cpu1[1]) * 1000 / len(batch):.1f}")
            rows += [summarise(f"bare Rasa REST turn @{rate:g}/s", bare),
                     summarise(f"hotline first reply @{rate:g}/s", first),
                     summarise(f"hotline full turn @{rate:g}/s", last),
                     summarise(f"emergency safety reply @{rate:g}/s", em_first)]
            rows[-1]["name"] += f" (lost {lost})"
            if kinds:
                # Which kind of message sets the p50: reports wait for triage and a case, non-reports for a
                # second Rasa call (the dialogue turn), emergencies for nothing.
                groups: dict[str, list[float]] = {}
                for i, ms in by_index.items():
                    groups.setdefault(kinds[i % len(texts)], []).append(ms)
                print(f"@{rate:g}/s first reply p50 by kind: " + ", ".join(
                    f"{k} {percentile(v, 50):.1f} ms (n={len(v)})" for k, v in sorted(groups.items())))
            ratio = percentile(first, 50) / percentile(bare, 50)
            print(f"@{rate:g}/s: first-reply p50 / bare Rasa p50 = {ratio:.2f}; lost messages: {lost}")
        app.terminate()
        app.wait(20)
    finally:
        fake.stop()
        rasa.stop()
        redis.stop()
    print_table(rows)
    return 0
