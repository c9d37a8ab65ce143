"""The ``hotline`` command: ``run``, ``triage``, ``bench``, ``staff``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import importlib.util
import json
import logging
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT, Settings

log = logging.getLogger("hotline")

DEFAULT_SCORER = PROJECT_ROOT.parent / "shared" / "triage" / "score.py"


@contextlib.contextmanager
def rasa_url_for(settings: Settings, *, redis_url: str | None = None, nlg_url: str | None = None) -> Iterator[str]:
    """Yield the Rasa URL from settings, or start a local Rasa server for the duration of the block."""
    if settings.rasa_url:
        yield settings.rasa_url
        return
    from hotline.services import RasaServer

    print("starting a local Rasa server (about a minute)...", file=sys.stderr)
    server = RasaServer(venv=settings.rasa_venv, project=settings.rasa_project, work_dir=settings.var_dir / "rasa",
                        redis_url=redis_url, nlg_url=nlg_url).start()
    try:
        yield server.url
    finally:
        server.stop()


def _result_row(row_id: Any, result: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": row_id}
    out.update(dataclasses.asdict(result))
    return out


async def _triage_stream(rasa_url: str, lines: list[str]) -> AsyncIterator[dict[str, Any]]:
    from core.rasa_client import RasaClient
    from handlers.analysis import analyse

    rasa = RasaClient(rasa_url)
    try:
        for line in lines:
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text = str(row.get("text") or "")
                row_id = row.get("id")
            except (json.JSONDecodeError, AttributeError):
                yield {"id": None, "error": "invalid JSON line"}
                continue
            result, _ = await analyse(text, rasa)
            yield _result_row(row_id, result)
    finally:
        await rasa.aclose()


def load_scorer(path: Path) -> Any:
    """Import the project's shared ``score.py``."""
    spec = importlib.util.spec_from_file_location("triage_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load scorer {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cmd_triage(args: argparse.Namespace, settings: Settings) -> int:
    """JSON lines ``{"id", "text"}`` in, one triage JSON line out per input."""
    source = Path(args.score).read_text(encoding="utf-8") if args.score else sys.stdin.read()
    lines = source.splitlines()

    async def collect(url: str) -> list[dict[str, Any]]:
        return [row async for row in _triage_stream(url, lines)]

    with rasa_url_for(settings) as url:
        rows = asyncio.run(collect(url))
    if not args.score:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    scorer = load_scorer(Path(args.scorer))
    return int(scorer.main(["score.py", args.score, f.name]) or 0)


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    """Benchmarks that print figures (see README)."""
    if args.what == "console":
        from console import bench as console_bench

        return console_bench.main(args, settings)
    if args.what == "figures":
        from console import bench_figures

        return bench_figures.main(args, settings)
    from hotline import bench

    return bench.main(args, settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Start everything locally (SQLite, Redis, Rasa) and serve the channels and the web chat."""
    from hotline.app import run

    return run(settings, terminal=args.terminal)


def cmd_staff(args: argparse.Namespace, settings: Settings) -> int:
    """Register and list staff."""
    from hotline.staff_cli import main as staff_main

    return staff_main(args, settings)


def build_parser() -> argparse.ArgumentParser:
    """The command line, read top to bottom."""
    p = argparse.ArgumentParser(prog="hotline", description=__doc__)
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the hotline locally (web chat at http://127.0.0.1:PORT/chat)")
    run.add_argument("--terminal", action="store_true", help="chat in this terminal instead of the browser")
    run.set_defaults(func=cmd_run)

    tri = sub.add_parser("triage", help="triage JSON lines {id, text} from stdin")
    tri.add_argument("--score", metavar="FILE", help="triage a labelled file and print its metrics")
    tri.add_argument("--scorer", default=str(DEFAULT_SCORER), help="path of score.py")
    tri.set_defaults(func=cmd_triage)

    bench = sub.add_parser("bench", help="benchmarks")
    bench.add_argument("what", choices=["triage", "e2e", "paging", "surge", "console", "edge", "figures", "regions"])
    bench.add_argument("--cases", type=int, default=None,
                       help="console, figures: cases to seed (default 10,000 and 100,000)")
    bench.add_argument("--file", default=str(PROJECT_ROOT.parent / "shared" / "triage" / "dev.jsonl"))
    bench.add_argument("--repeat", type=int, default=10)
    bench.add_argument("--seconds", type=float, default=60.0, help="surge: length of the reference and surge phases")
    bench.add_argument("--base-rate", type=float, default=20.0, help="surge: messages per second throughout")
    bench.add_argument("--surge-rate", type=float, default=100.0, help="surge: added messages per second")
    bench.add_argument("--spike-rate", type=float, default=200.0, help="surge: added per second, a third as long")
    bench.add_argument("--processes", type=int, default=1, help="surge: app processes (more than one: behind nginx)")
    bench.add_argument("--drain", type=float, default=600.0, help="surge: seconds to wait for the backlog")
    bench.set_defaults(func=cmd_bench)

    staff = sub.add_parser("staff", help="manage staff")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True,
                     choices=["counsellor", "supervisor", "content_editor", "statistician", "admin"])
    add.add_argument("--email", help="console sign-in address; prints a one-time set-password link. With no "
                                     "--telegram-id / --whatsapp the account is console-only (never paged)")
    add.add_argument("--region", required=True, action="append",
                     help="as people write it: Depok, Kota Payakumbuh, Kukar; more than one: repeat it or separate "
                          "with commas (the first is the primary region)")
    who = add.add_mutually_exclusive_group()
    who.add_argument("--telegram-id")
    who.add_argument("--whatsapp")
    staff_sub.add_parser("list")
    link = staff_sub.add_parser("link", help="a new one-time set-password link (forgotten password, lock-out)")
    link.add_argument("staff_id", type=int)
    reset = staff_sub.add_parser("reset-2fa", help="a lost phone: forget the authenticator and the password, end "
                                 "the sessions, print a new set-password link")
    reset.add_argument("staff_id", type=int)
    staff.set_defaults(func=cmd_staff)

    from hotline import quarantine_cli

    quarantine_cli.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hotline`` console script."""
    args = build_parser().parse_args(argv)
    from hotline.app import configure_logging

    settings = Settings()
    configure_logging(verbose=args.verbose, log_salt=settings.log_salt)
    return int(args.func(args, settings) or 0)


if __name__ == "__main__":
    sys.exit(main())
