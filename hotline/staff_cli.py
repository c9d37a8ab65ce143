"""``hotline staff add|list|link|reset-2fa``: register staff from the command line and show them.

Regions are Kemendagri codes of a regency/city or province ("32.76", "32"), written as a code or as people
write the name ("Kota Depok", "Kab. Pekalongan", "Kukar", the former key "depok"), resolved unambiguously through
``handlers.regions.resolve_region_name``; ``nasional`` is the national team. Contacts are shown masked: the
listing may end up in a terminal log or a screenshot.
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TextIO

from sqlalchemy.orm import Session

from core.settings import Settings
from handlers.privacy import mask
from storage import console as console_db
from storage import crud, lookups
from storage.db import make_engine, make_session_factory, migrate
from storage.models import Staff


def normalise_whatsapp(raw: str) -> str | None:
    """An Indonesian or international number as ``+<digits>``: ``0812-…`` → ``+62812…``; None if invalid."""
    digits = re.sub(r"[\s\-().]", "", raw.strip()).removeprefix("whatsapp:")
    if digits.startswith("+"):
        number = digits
    elif digits.startswith("62"):
        number = "+" + digits
    elif digits.startswith("0"):
        number = "+62" + digits[1:]
    elif digits.startswith("8"):
        number = "+62" + digits
    else:
        return None
    return number if re.fullmatch(r"\+\d{8,15}", number) else None


def normalise_telegram(raw: str) -> str | None:
    """A Telegram chat id (digits, possibly negative for a group); None if invalid."""
    value = raw.strip()
    return value if re.fullmatch(r"-?\d{3,20}", value) else None


def region_label(key: str) -> str:
    """The region's name beside its code in the CLI's output."""
    from handlers.regions import region_label as label

    return label(key)


def resolve_region(name: str, default_region: str) -> str | None:
    """The region key for a name as people write it (the default region's own name is accepted too)."""
    from handlers.regions import resolve_region_name

    if name.strip().lower() == default_region.lower():
        return default_region
    return resolve_region_name(name)


def resolve_regions(raw: Sequence[str] | str, default_region: str) -> tuple[list[str], str | None]:
    """The region keys of ``--region`` values (repeated and/or comma-separated), in order without repeats; and
    the first name that does not resolve (else None)."""
    names = [raw] if isinstance(raw, str) else list(raw)
    keys: list[str] = []
    for name in (part.strip() for value in names for part in value.split(",")):
        if not name:
            continue
        key = resolve_region(name, default_region)
        if key is None:
            return keys, name
        if key not in keys:
            keys.append(key)
    return keys, None if keys else ""


def add(session: Session, args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Register one staff member; prints its id."""
    regions, bad = resolve_regions(args.region, settings.default_region)
    if bad is not None:
        print(f"unknown or ambiguous region: {bad!r} (a Kemendagri code such as 32.76 or 32, or a name "
              f"such as Kota Depok, Kab. Pekalongan, Kukar, Jawa Barat; or {settings.default_region})", file=err)
        return 2
    email = getattr(args, "email", None)
    channel: str | None
    contact: str | None
    if getattr(args, "whatsapp", None):
        channel, contact = "whatsapp", normalise_whatsapp(args.whatsapp)
        if contact is None:
            print("invalid WhatsApp number (use +62… or 08…)", file=err)
            return 2
    elif getattr(args, "telegram_id", None) is not None:
        channel, contact = "telegram", normalise_telegram(args.telegram_id or "")
        if contact is None:
            print("invalid Telegram id (a number: the staff member's chat id with the bot)", file=err)
            return 2
    elif email is not None:
        channel, contact = None, None  # console only: signs in with the e-mail, never paged
    else:
        print("give --telegram-id, --whatsapp or --email (a console-only account)", file=err)
        return 2
    name = args.name.strip()
    if not name:
        print("--name must not be empty", file=err)
        return 2
    if email is not None and "@" not in email:
        print("invalid e-mail address", file=err)
        return 2
    if email is not None and console_db.get_staff_by_email(session, email=email) is not None:
        print("another account uses this e-mail address", file=err)
        return 1
    try:
        staff = crud.add_staff(session, name=name, role=args.role, region=regions[0], regions=regions[1:],
                               channel=channel, contact_id=contact, actor="cli")
    except crud.DuplicateStaff:
        print(f"a staff member already uses this {channel} contact", file=err)
        return 1
    where = ", ".join(f"{r} {region_label(r)}" for r in regions)
    reach = f"{channel} {mask(contact)}" if channel else "console only, never paged"
    print(f"added staff #{staff.id}: {staff.name} ({staff.role}, {where}, {reach})", file=out)
    if email is not None:
        console_db.set_staff_email(session, staff=staff, email=email, actor="cli")
        print_setup_link(session, staff, settings, out)
    return 0


def print_setup_link(session: Session, staff: Staff, settings: Settings, out: TextIO) -> None:
    """Issue a one-time set-password link for the console and print it (the only place it ever appears)."""
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=settings.console_setup_link_hours)
    console_db.issue_setup_token(session, staff=staff, token_hash=console_db.token_digest(token),
                                 expires_at=expires, actor="cli")
    base = settings.public_base_url.rstrip("/")
    print(f"console set-password link (one use, valid {settings.console_setup_link_hours:g} h): "
          f"{base}/console/set-password/{token}", file=out)


def _console_staff(session: Session, staff_id: int, err: TextIO) -> Staff | None:
    """The staff member with a console e-mail, or None (and why, on ``err``)."""
    staff = crud.get_staff(session, staff_id=staff_id)
    if staff is None or staff.email is None:
        print("no such staff member with a console e-mail (hotline staff add --email ...)", file=err)
        return None
    return staff


def link(session: Session, args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """A new set-password link for an existing staff member with a console e-mail."""
    staff = _console_staff(session, args.staff_id, err)
    if staff is None:
        return 1
    print_setup_link(session, staff, settings, out)
    return 0


def reset_second_factor(session: Session, args: argparse.Namespace, settings: Settings, out: TextIO,
                        err: TextIO) -> int:
    """A lost phone: the staff member's authenticator and password are forgotten, their sessions end, and a new
    set-password link is printed (then a new enrolment at the next sign-in)."""
    staff = _console_staff(session, args.staff_id, err)
    if staff is None:
        return 1
    console_db.reset_second_factor(session, staff_id=staff.id, actor="cli")
    print(f"staff #{staff.id}: authenticator and password reset, every console session ended", file=out)
    print_setup_link(session, staff, settings, out)
    return 0


def list_all(session: Session, out: TextIO) -> int:
    """Print every staff member (masked contacts) with whether they are on shift now."""
    staff = crud.list_staff(session)
    on_shift = lookups.staff_on_shift(session)
    if not staff:
        print("no staff registered (hotline staff add --help)", file=out)
        return 0
    rows = [("id", "name", "role", "region", "channel", "contact", "active", "on shift")]
    rows += [(str(s.id), s.name, s.role, ",".join(s.regions), s.channel or "console", mask(s.contact_id),
              "yes" if s.active else "no", "yes" if s.id in on_shift else "no") for s in staff]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip(), file=out)
    return 0


def main(args: argparse.Namespace, settings: Settings, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Entry point of ``hotline staff``."""
    out = out or sys.stdout
    err = err or sys.stderr
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            if args.staff_command == "add":
                return add(session, args, settings, out, err)
            if args.staff_command == "list":
                return list_all(session, out)
            if args.staff_command == "link":
                return link(session, args, settings, out, err)
            if args.staff_command == "reset-2fa":
                return reset_second_factor(session, args, settings, out, err)
            print(f"unknown staff command {args.staff_command!r}", file=err)
            return 2
    finally:
        engine.dispose()


__all__ = ["main", "mask", "normalise_telegram", "normalise_whatsapp", "resolve_region", "resolve_regions"]
