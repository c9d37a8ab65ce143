"""``hotline bench figures``: the figures page for one regency over a year, with many cases (prints figures).

Seeds ``--cases`` cases over the last year into ``DATABASE_URL`` (point it at PostgreSQL for production figures;
the default is a fresh SQLite file in ``var/``): half in the benchmark's region (one regency, 11 kecamatan),
the rest spread over four other regions, each with a conversation, a page (one in ten timed out), and the
response times the operations stamp on the case (first page, claim, first counsellor message).
Then it serves the console over real HTTP and measures, as a signed-in supervisor and as a statistician:

* the figures page for that regency over the last 365 days (p50, p95 over ``--repeat`` requests);
* the same with every chart drawn again (the SVG cache emptied before each request: the first view after the
  figures changed);
* in the same run, as a reference, a trivial console page (the sign-in form: no database, no chart), so the
  figures page's own cost is the difference.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from console import charts
from console.bench import _pct, serve_console
from console.figures import figures_router
from core.settings import Settings
from handlers.store import Store
from storage.db import make_engine, make_session_factory, migrate
from storage.models import (
    AGE_GROUPS,
    VIOLENCE_TYPES,
    Case,
    Conversation,
    EscalationAttempt,
    utcnow,
)

REGION = "depok"
REGENCY = "32.76"
OTHERS = (("payakumbuh", "13.76"), ("pekalongan_kota", "33.75"), ("pekalongan_kab", "33.26"), ("kukar", "64.02"))
KECAMATAN = ("Beji", "Bojongsari", "Cilodong", "Cimanggis", "Cinere", "Cipayung", "Limo", "Pancoran Mas",
             "Sawangan", "Sukmajaya", "Tapos")
BATCH = 5_000


def _seed(session: Session, n: int, rng: random.Random) -> None:
    """Bulk inserts (executemany), in batches: the ORM one case at a time would take an hour for 100,000."""
    start = utcnow() - timedelta(days=365)
    first_conv = (session.scalar(select(Conversation.id).order_by(Conversation.id.desc())) or 0) + 1
    first_case = (session.scalar(select(Case.id).order_by(Case.id.desc())) or 0) + 1
    for lo in range(0, n, BATCH):
        convs, cases, pages = [], [], []
        for i in range(lo, min(n, lo + BATCH)):
            conv_id, case_id = first_conv + i, first_case + i
            at = start + timedelta(seconds=rng.uniform(0, 365 * 86400))
            if i % 2 == 0:
                region, regency = REGION, REGENCY
            else:
                region, regency = OTHERS[i % len(OTHERS)]
            k = rng.randrange(len(KECAMATAN))
            vtype = rng.choice(VIOLENCE_TYPES)
            convs.append({"id": conv_id, "sender_id": f"bench:{conv_id}", "channel": rng.choice(("telegram",
                          "whatsapp")), "lang": "id", "state": {}, "opted_out": False, "created_at": at,
                          "updated_at": at})
            closed = rng.random() < 0.9
            timed_out = i % 10 == 0
            paged = at + timedelta(seconds=2)
            claim = paged + timedelta(seconds=rng.uniform(30, 900) + (300 if timed_out else 0))
            cases.append({"id": case_id, "code": f"B{case_id:07d}", "conversation_id": conv_id, "region": region,
                          "channel": convs[-1]["channel"],
                          "city": f"Kota {region}", "kecamatan": KECAMATAN[k], "place_code": f"{regency}.{k + 1:02d}",
                          "violence_type": vtype, "victim_age_group": rng.choice(AGE_GROUPS),
                          "victim_sex": rng.choice(("female", "female", "male", None)), "urgency": "normal",
                          "status": "closed" if closed else "in_progress",
                          "police_report_due_at": at + timedelta(hours=72) if vtype == "sexual" else None,
                          "created_at": at, "updated_at": at, "first_paged_at": paged, "claimed_at": claim,
                          "first_staff_reply_at": claim + timedelta(seconds=rng.uniform(20, 600)),
                          "closed_at": at + timedelta(days=rng.uniform(0.5, 6)) if closed else None})
            pages.append({"case_id": case_id, "attempt_no": 1, "dedup_key": f"bench:{case_id}:1", "sent_at": paged,
                          "timed_out_at": paged + timedelta(seconds=300) if timed_out else None,
                          "acknowledged_at": None if timed_out else claim})
        session.execute(insert(Conversation), convs)
        session.execute(insert(Case), cases)
        session.execute(insert(EscalationAttempt), pages)
        session.commit()
    if session.get_bind().dialect.name == "postgresql":
        for table in ("conversations", "cases", "escalation_attempts"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT max(id) FROM {table}))"))
        session.commit()


def _settle(engine: Any) -> None:
    """VACUUM ANALYZE after the bulk load, as autovacuum would soon do: statistics for the planner, and no
    autovacuum running in the middle of the measurements."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


async def _timed(http: httpx.AsyncClient, url: str, repeat: int, *, cold: bool = False) -> tuple[float, float]:
    """p50 and p95 in ms; ``cold``: every chart drawn again (as after a new case), not taken from the cache."""
    times = []
    for _ in range(repeat):
        if cold:
            charts.clear_cache()
        t = time.perf_counter()
        r = await http.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return statistics.median(times), _pct(times, 0.95)


async def _bench(settings: Settings, n_cases: int, repeat: int) -> dict[str, Any]:
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    store = Store(make_session_factory(engine))
    rng = random.Random(7)
    started = time.monotonic()
    await store.run(lambda s: _seed(s, n_cases, rng))
    await asyncio.to_thread(_settle, engine)
    seeded_s = time.monotonic() - started
    out: dict[str, Any] = {"cases": n_cases, "seed_s": seeded_s}
    url = f"/console/figures?regency={REGENCY}"
    try:
        async with serve_console(store, settings, region=REGION, roles=("supervisor", "statistician"),
                                 routers=(figures_router,)) as (base_url, cookies):
            for role, jar in cookies.items():
                async with httpx.AsyncClient(base_url=base_url, cookies=jar, timeout=60) as http:
                    await _timed(http, url, 2)  # warm-up: the chart renderer starts once per process
                    out[f"{role}_cold"] = await _timed(http, url, repeat, cold=True)
                    out[role] = await _timed(http, url, repeat)
                    out[f"{role}_reference"] = await _timed(http, "/console/login", repeat)
        out["load"] = os.getloadavg()[0]
        out["in_regency"] = await store.run(lambda s: s.scalar(select(func.count(Case.id)).where(
            Case.region == REGION, Case.created_at >= utcnow() - timedelta(days=365))))
    finally:
        engine.dispose()
    return out


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Entry point of ``hotline bench figures``."""
    n = args.cases or 100_000
    result = asyncio.run(_bench(settings, n, max(20, args.repeat * 3)))
    backend = settings.database_url.split(":", 1)[0]
    print(f"figures page with {result['cases']} cases on {backend} (seeded in {result['seed_s']:.0f} s); "
          f"{result['in_regency']} in the regency {REGENCY} over the last 365 days; "
          f"load average {result['load']:.1f} on {os.cpu_count()} CPUs")
    for role in ("supervisor", "statistician"):
        p50, p95 = result[role]
        c50, c95 = result[f"{role}_cold"]
        r50, r95 = result[f"{role}_reference"]
        print(f"{role:>12}: figures page p50 {p50:.0f} ms, p95 {p95:.0f} ms (goal <= 500 ms); charts drawn anew "
              f"p50 {c50:.0f} ms, p95 {c95:.0f} ms; reference (sign-in page) p50 {r50:.1f} ms, p95 {r95:.1f} ms")
    return 0
