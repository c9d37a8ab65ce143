"""``hotline quarantine``: look at the deliveries kept aside as unprocessable (``var/poison/``, encrypted).

``list`` shows what is there without opening anything (time, channel, reason, size); ``show NAME`` decrypts one
body to standard output for the person fixing the bug (it may hold a citizen's words: never paste it into an
issue); ``purge`` deletes entries, all or those older than some days.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import UTC, datetime

from cryptography.fernet import InvalidToken

from bot.edge import Quarantine
from core.settings import Settings

log = logging.getLogger(__name__)


def _parts(name: str) -> tuple[datetime, str, str]:
    """(when, channel, reason) from ``<ns>-<channel>-<reason>-<random>.bin``."""
    ns, channel, rest = name.removesuffix(".bin").split("-", 2)
    reason = rest.rsplit("-", 1)[0]
    return datetime.fromtimestamp(int(ns) / 1e9, UTC), channel, reason


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Run one ``hotline quarantine`` subcommand."""
    box = Quarantine.from_settings(settings.var_dir, settings.poison_key)
    entries = list(box.entries())
    if args.quarantine_command == "list":
        if not entries:
            print("quarantine is empty")
            return 0
        print(f"{'name':<58} {'received (UTC)':<20} {'channel':<9} {'reason':<18} bytes")
        for path in entries:
            when, channel, reason = _parts(path.name)
            print(f"{path.name:<58} {when:%Y-%m-%d %H:%M:%S} {channel:<9} {reason:<18} {path.stat().st_size}")
        return 0
    if args.quarantine_command == "show":
        path = box.folder / args.name
        if path.parent != box.folder or not path.is_file():
            print(f"no quarantined entry named {args.name!r} (see `hotline quarantine list`)", file=sys.stderr)
            return 2
        try:
            body = box.read(path)
        except InvalidToken:
            print("cannot decrypt: altered, or encrypted with another POISON_KEY", file=sys.stderr)
            return 1
        log.warning("quarantined delivery opened for inspection (%s)", path.name)  # the name, never the body
        sys.stdout.buffer.write(body + b"\n")
        return 0
    cutoff = time.time() - args.older_than_days * 86400 if args.older_than_days is not None else None
    removed = 0
    for path in entries:
        if cutoff is None or _parts(path.name)[0].timestamp() < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    print(f"removed {removed} of {len(entries)} quarantined entries")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``hotline quarantine list|show NAME|purge [--older-than-days N]``."""
    q = sub.add_parser("quarantine", help="deliveries kept aside as unprocessable (encrypted in var/poison)")
    q_sub = q.add_subparsers(dest="quarantine_command", required=True)
    q_sub.add_parser("list", help="what is kept (no contents)")
    show = q_sub.add_parser("show", help="decrypt one entry to standard output")
    show.add_argument("name")
    purge = q_sub.add_parser("purge", help="delete entries")
    purge.add_argument("--older-than-days", type=float, default=None)
    q.set_defaults(func=main)
