"""Benchmarks. They print figures beside a reference measured in the same run; they assert nothing.

``hotline bench triage``: per-message triage latency (safety net + Rasa parse + rules) against the bare Rasa
``/model/parse`` on the same messages, interleaved so both see the same machine load; plus training time and
the Rasa server's start time and memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summarise(name: str, samples_ms: list[float], wall_s: float | None = None) -> dict[str, Any]:
    """p50/p99/mean and throughput of a list of latencies in milliseconds."""
    row: dict[str, Any] = {
        "name": name, "n": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 50), 2), "p99_ms": round(percentile(samples_ms, 99), 2),
        "mean_ms": round(statistics.fmean(samples_ms), 2) if samples_ms else None,
    }
    if wall_s:
        row["msgs_per_s"] = round(len(samples_ms) / wall_s, 1)
    return row


def load_texts(path: Path) -> list[str]:
    """Texts of a JSON-lines file."""
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


async def bench_triage(rasa_url: str, texts: list[str], repeat: int) -> list[dict[str, Any]]:
    """Interleaved bare-parse and full-triage timings."""
    from core.rasa_client import RasaClient
    from handlers.analysis import analyse

    async with httpx.AsyncClient(timeout=10) as client:
        rasa = RasaClient(rasa_url, client=client, timeout=10)
        for t in texts[:10]:  # warm-up: first calls load lazy parts of Rasa's model and of the urgency model
            await rasa.parse(t)
            await analyse(t, rasa)
        bare: list[float] = []
        full: list[float] = []
        bare_wall = full_wall = 0.0
        for _ in range(repeat):
            for t in texts:
                t0 = time.perf_counter()
                await client.post(f"{rasa_url}/model/parse", json={"text": t})
                t1 = time.perf_counter()
                await analyse(t, rasa)
                t2 = time.perf_counter()
                bare.append((t1 - t0) * 1000)
                full.append((t2 - t1) * 1000)
                bare_wall += t1 - t0
                full_wall += t2 - t1
        # The safety net alone: what a person gets when Rasa is down.
        from handlers.triage import triage

        rules: list[float] = []
        t_rules = time.perf_counter()
        for _ in range(repeat):
            for t in texts:
                t0 = time.perf_counter()
                triage(t, None)
                rules.append((time.perf_counter() - t0) * 1000)
        rules_wall = time.perf_counter() - t_rules
    return [summarise("bare Rasa /model/parse", bare, bare_wall),
            summarise("hotline triage (safety net + parse + rules)", full, full_wall),
            summarise("rules only (Rasa down)", rules, rules_wall)]


def print_table(rows: list[dict[str, Any]]) -> None:
    """Print result rows as a Markdown table."""
    keys = ["name", "n", "p50_ms", "p99_ms", "mean_ms", "msgs_per_s"]
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(str(r.get(k, "")) for k in keys) + " |")


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Entry point of ``hotline bench``."""
    if args.what == "e2e":
        from hotline import bench_e2e

        return bench_e2e.main(args, settings)
    if args.what == "surge":
        from hotline import bench_surge

        return bench_surge.main(args, settings)
    if args.what == "paging":
        from hotline import bench_paging

        return int(bench_paging.main(args, settings))
    if args.what == "regions":
        from hotline import bench_regions

        return bench_regions.main(args, settings)
    if args.what == "edge":
        from hotline import bench_edge

        return bench_edge.main(args, settings)
    from hotline.services import RasaServer

    texts = load_texts(Path(args.file))
    model_dir = settings.rasa_project / "models"
    train_s = (model_dir / ".train_seconds").read_text().strip() if (model_dir / ".train_seconds").exists() else "?"
    server = RasaServer(venv=settings.rasa_venv, project=settings.rasa_project,
                        work_dir=settings.var_dir / "bench").start()
    try:
        rss = server.rss_bytes()
        rows = asyncio.run(bench_triage(server.url, texts, args.repeat))
        rss_after = server.rss_bytes()
    finally:
        server.stop()
    print(f"model training time: {train_s} s (from setup)")
    print(f"rasa server start until model loaded: {server.started_in_s:.1f} s")
    print(f"rasa server RSS after start: {rss / 2**20:.0f} MiB; after the benchmark: {rss_after / 2**20:.0f} MiB")
    print(f"messages: {len(texts)} x {args.repeat}")
    print_table(rows)
    ratio = rows[1]["p99_ms"] / rows[0]["p99_ms"] if rows[0]["p99_ms"] else float("nan")
    print(f"triage p99 / bare parse p99 = {ratio:.2f}")
    return 0
