"""Storage of the services directory edited in the console (``directory_revisions``).

``handlers/data/regions.yml`` is the seed; the newest revision of a (region, entry) overrides the seed's entry
of that key or adds an entry the seed does not have; a revision with ``name`` NULL goes back to the seed (an
entry the seed lacks is then gone). Rows are append-only, like the bot texts' (``storage.revisions``): the
history is complete and a revert is one more row. Audit rows carry region codes, entry keys and revision ids
only: no names, no contact data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import crud, revisions
from storage.models import SERVICE_KINDS, DirectoryRevision, Staff

__all__ = ["Entry", "EntryRevision", "current_entries", "directory_version", "edited_regions", "get_revision",
           "history", "latest", "previous", "save_entry"]

KEY = ("region", "entry")
ENTITY = "directory_entry"


@dataclass(frozen=True)
class Entry:
    """The fields of one directory entry (already validated and normalised)."""

    name: str
    kind: str
    address: str = ""
    hours: str = ""
    phone: str = ""
    whatsapp: str = ""
    active: bool = True


@dataclass(frozen=True)
class EntryRevision:
    """One revision as the history and the live directory see it; ``entry`` None: back to the seed."""

    id: int
    region: str
    key: str
    entry: Entry | None
    note: str
    editor: str | None
    created_at: datetime
    reverts_id: int | None
    # The id of the key's first revision: entries the seed lacks are listed in the order they were added.
    first_id: int = 0


def _entry(row: DirectoryRevision) -> Entry | None:
    if row.name is None:
        return None
    return Entry(name=row.name, kind=row.kind or "other", address=row.address, hours=row.hours, phone=row.phone,
                 whatsapp=row.whatsapp, active=row.active)


def _revision(row: DirectoryRevision, editor: str | None = None, first_id: int = 0) -> EntryRevision:
    return EntryRevision(row.id, row.region, row.entry, _entry(row), row.note, editor, row.created_at,
                         row.reverts_id, first_id or row.id)


def directory_version(session: Session) -> int:
    """The newest revision id (0 when the directory was never edited)."""
    return revisions.version(session, DirectoryRevision)


def current_entries(session: Session, region: str | None = None) -> tuple[int, list[EntryRevision]]:
    """The version and the revision in force of every (region, entry) ever edited (of one region if given), in
    the order keys appeared."""
    where = {"region": region} if region is not None else {}
    rows = revisions.newest_per_key(session, DirectoryRevision, KEY, where)
    firsts = {(r, e): i for r, e, i in session.execute(
        select(DirectoryRevision.region, DirectoryRevision.entry, func.min(DirectoryRevision.id))
        .where(*([DirectoryRevision.region == region] if region is not None else []))
        .group_by(DirectoryRevision.region, DirectoryRevision.entry))}
    found = sorted((_revision(r, first_id=firsts.get((r.region, r.entry), r.id)) for r in rows),
                   key=lambda r: r.first_id)
    return max((r.id for r in found), default=0), found


def edited_regions(session: Session) -> list[str]:
    """The region codes that have any revision."""
    return sorted(session.scalars(select(DirectoryRevision.region).distinct()).all())


def latest(session: Session, *, region: str, entry: str) -> EntryRevision | None:
    """The newest revision of one entry, or None if it was never edited."""
    row = revisions.latest(session, DirectoryRevision, {"region": region, "entry": entry})
    return _revision(row) if row is not None else None


def get_revision(session: Session, *, revision_id: int) -> EntryRevision | None:
    """One revision by id."""
    row = session.get(DirectoryRevision, revision_id)
    return _revision(row) if row is not None else None


def previous(session: Session, *, revision_id: int) -> Entry | None:
    """The entry in force just before revision ``revision_id`` (None: the seed's, or no entry)."""
    row = session.get(DirectoryRevision, revision_id)
    before = revisions.before(session, row, KEY) if row is not None else None
    return _entry(before) if before is not None else None


def history(session: Session, *, region: str, entry: str | None = None, limit: int = 100) -> list[EntryRevision]:
    """The revisions of a region (or of one of its entries), newest first, with the editor's name."""
    where = {"region": region, **({"entry": entry} if entry is not None else {})}
    return [_revision(r, name) for r, name in revisions.history(session, DirectoryRevision, where, limit=limit)]


def save_entry(session: Session, *, editor: Staff, region: str, entry: str, fields: Entry | None, note: str,
               reverts_id: int | None = None) -> EntryRevision:
    """Store one (already validated) revision of an entry and its audit row in one commit.

    ``fields`` None goes back to the seed's entry (or removes an entry the seed lacks). The audit row names the
    editor, the region code, the entry key and the revision ids, never the name or the contact fields.
    """
    row = DirectoryRevision(region=region, entry=entry)
    if fields is not None:
        crud._check(fields.kind, SERVICE_KINDS, "kind")
        row.name, row.kind, row.address, row.hours = fields.name, fields.kind, fields.address, fields.hours
        row.phone, row.whatsapp, row.active = fields.phone, fields.whatsapp, fields.active
    else:
        row.address = row.hours = row.phone = row.whatsapp = ""
        row.active = True
    saved = revisions.append(session, row, editor=editor, note=note, entity=ENTITY, entity_id=f"{region}:{entry}",
                             reverts_id=reverts_id)
    return _revision(saved, editor.name)
