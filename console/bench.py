"""``hotline bench console``: how fast the console is with many cases (prints figures; not a timed test).

Seeds ``--cases`` cases (10 % open, spread over five regions) into ``DATABASE_URL`` (point it at PostgreSQL for
production figures; the default is a fresh SQLite file in ``var/``), serves the console over real HTTP, and
measures, as a signed-in supervisor of one region:

* the queue page and the case page (p50, p95 over ``--repeat`` requests);
* a new emergency case written to the database until it arrives on an open queue stream (server-sent events),
  p50 / p99: the console's share of "webhook to emergency visible";
* then the whole path (``console/bench_live.py``): a Telegram webhook → the emergency in an open console queue,
  beside webhook → the Telegram page, for the same emergencies in the same run (goal p99 <= 1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import socket
import statistics
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import timedelta
from typing import Any

import httpx
import uvicorn
from fastapi import APIRouter, FastAPI
from sqlalchemy.orm import Session

from console import auth
from console.web import Console, build_router
from core.settings import Settings
from handlers.staff import StaffDesk
from handlers.store import Store
from storage import console as db
from storage import crud
from storage.db import make_engine, make_session_factory, migrate
from storage.models import utcnow

REGIONS = ("depok", "payakumbuh", "pekalongan", "kukar", "nasional")
TYPES = ("physical", "psychological", "sexual", "neglect", "other")
URGENCIES = ("emergency", "high", "normal", "normal")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _seed(session: Session, n: int, rng: random.Random) -> None:
    start = utcnow() - timedelta(days=365)
    for i in range(n):
        case, _ = crud.create_case_with_outbox(
            session, conversation=None, region=REGIONS[i % len(REGIONS)], violence_type=rng.choice(TYPES),
            urgency=rng.choice(URGENCIES), page_payload={}, now=start + timedelta(minutes=i))
        if rng.random() >= 0.10:
            crud.transition_case(session, case=case, to_status="closed", actor="system", outcome="konseling")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _bench(settings: Settings, n_cases: int, repeat: int) -> dict[str, Any]:
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    store = Store(make_session_factory(engine))
    rng = random.Random(7)
    started = time.monotonic()
    await store.run(lambda s: _seed(s, n_cases, rng))
    seeded_s = time.monotonic() - started

    out: dict[str, Any] = {"cases": n_cases, "seed_s": seeded_s}
    try:
        async with serve_console(store, settings, region="depok", roles=("supervisor",)) as (base_url, cookies):
            async with httpx.AsyncClient(base_url=base_url, cookies=cookies["supervisor"], timeout=30) as http:
                queue_ms = []
                for _ in range(repeat):
                    t = time.perf_counter()
                    r = await http.get("/console/queue")
                    queue_ms.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200
                codes = [c.code for c in await store.run(lambda s: db.visible_cases(s, viewer=_viewer(s), audit=False))]
                case_ms = []
                for i in range(repeat):
                    t = time.perf_counter()
                    r = await http.get(f"/console/cases/{codes[i % len(codes)]}")
                    case_ms.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200
                out["queue_open_rows"] = len(codes)
                out["queue_ms"] = (statistics.median(queue_ms), _pct(queue_ms, 0.95))
                out["case_ms"] = (statistics.median(case_ms), _pct(case_ms, 0.95))
                out["live_ms"] = await _live(http, store, max(20, repeat // 5))
    finally:
        engine.dispose()
    return out


def _viewer(s: Session) -> Any:
    return next(x for x in crud.list_staff(s) if x.name == "Bench supervisor")


@contextlib.asynccontextmanager
async def serve_console(store: Store, settings: Settings, *, region: str, roles: Sequence[str],
                        routers: Sequence[Callable[[Console], APIRouter]] = ()
                        ) -> AsyncIterator[tuple[str, dict[str, dict[str, str]]]]:
    """The console over real HTTP for a benchmark: its base URL and, per role, the cookies of a signed-in member
    of ``region`` named "Bench <role>" (a console session made directly: no password, no TOTP)."""
    tokens = {role: auth.new_token() for role in roles}

    def login(s: Session) -> None:
        for role, token in tokens.items():
            staff = crud.add_staff(s, name=f"Bench {role}", role=role, region=region, channel=None, contact_id=None)
            db.create_console_session(s, staff_id=staff.id, token_hash=db.token_digest(token), csrf_token="x",
                                      stage="full", expires_at=utcnow() + timedelta(hours=1))

    await store.run(login)
    console = Console(store=store, settings=settings,
                      desk=StaffDesk(store=store, settings=settings, rasa=None, cases=None))
    app = FastAPI()
    app.include_router(build_router(console))
    for router in routers:
        app.include_router(router(console))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110  (uvicorn offers no start event)
        await asyncio.sleep(0.01)
    try:
        cookies = {role: {auth.SESSION_COOKIE: console.signer.sign(token, purpose="session")}
                   for role, token in tokens.items()}
        yield f"http://127.0.0.1:{port}", cookies
    finally:
        server.should_exit = True
        await console.feed.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(serving, 10)


async def _live(http: httpx.AsyncClient, store: Store, n: int) -> tuple[float, float]:
    """New emergency written → its code in an event of an open queue stream."""
    latencies: list[float] = []
    async with http.stream("GET", "/console/queue/events") as stream:
        lines = stream.aiter_lines()

        async def until(code: str | None) -> None:
            async for line in lines:
                if line.startswith("data:") and (code is None or code in json.loads(line[5:])["html"]):
                    return

        await until(None)  # the first snapshot
        for _ in range(n):
            t = time.perf_counter()
            case = await store.run(lambda s: crud.create_case_with_outbox(
                s, conversation=None, region="depok", violence_type="physical", urgency="emergency",
                page_payload={})[0])
            await asyncio.wait_for(until(case.code), 10)
            latencies.append((time.perf_counter() - t) * 1000)
    return statistics.median(latencies), _pct(latencies, 0.99)


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Entry point of ``hotline bench console``."""
    n = getattr(args, "cases", None) or 10_000
    figures = asyncio.run(_bench(settings, n, max(20, args.repeat * 10)))
    backend = settings.database_url.split(":", 1)[0]
    print(f"console with {figures['cases']} cases on {backend} (seeded in {figures['seed_s']:.0f} s), "
          f"{figures['queue_open_rows']} open in the supervisor's region")
    print(f"queue page: p50 {figures['queue_ms'][0]:.1f} ms, p95 {figures['queue_ms'][1]:.1f} ms")
    print(f"case page:  p50 {figures['case_ms'][0]:.1f} ms, p95 {figures['case_ms'][1]:.1f} ms")
    print(f"new emergency -> open queue stream: p50 {figures['live_ms'][0]:.0f} ms, "
          f"p99 {figures['live_ms'][1]:.0f} ms")
    from console.bench_live import webhook_to_console
    from hotline.bench import print_table

    rows = webhook_to_console(settings, n=getattr(args, "emergencies", None) or 100)
    print("whole app (hotline run's app, SQLite, real Redis, fake Telegram Bot API), the same emergencies:")
    print_table(rows)
    print(f"goal p99 <= 1000 ms: console p99 {rows[0]['p99_ms']} ms, Telegram page p99 {rows[1]['p99_ms']} ms")
    return 0
