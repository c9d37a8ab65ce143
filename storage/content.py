"""Storage of the bot texts edited in the console (``text_revisions``).

The repo's texts (``handlers/texts.py``) are the defaults; the newest revision of a (kind, key, lang) overrides
its default, and a revision with ``body`` NULL goes back to it. Rows are append-only, so the history is complete
and a revert is one more row. The largest revision id is the version the app processes poll to know when to
reload. Audit rows name the editor and the key only (no text: it is not case data, but the log stays small).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from storage import crud, revisions
from storage.models import LANGS, TEXT_KINDS, Staff, TextRevision

__all__ = ["HistoryRow", "current_overrides", "history", "latest", "overrides_version", "save_revision",
           "get_revision", "previous_body"]


@dataclass(frozen=True)
class HistoryRow:
    """One revision as the history page shows it."""

    id: int
    lang: str
    body: str | None
    note: str
    editor: str | None
    created_at: datetime
    reverts_id: int | None


KEY = ("kind", "key", "lang")


def overrides_version(session: Session) -> int:
    """The newest revision id (0 when nothing was ever edited): it changes whenever any text changes."""
    return revisions.version(session, TextRevision)


def current_overrides(session: Session) -> tuple[int, dict[tuple[str, str, str], str]]:
    """The version and the text in force for every edited (kind, key, lang) that is not back to its default."""
    rows = revisions.newest_per_key(session, TextRevision, KEY)
    version = max((r.id for r in rows), default=0)
    return version, {(r.kind, r.key, r.lang): r.body for r in rows if r.body is not None}


def latest(session: Session, *, kind: str, key: str, lang: str) -> TextRevision | None:
    """The newest revision of one text, or None if it was never edited."""
    return revisions.latest(session, TextRevision, {"kind": kind, "key": key, "lang": lang})


def get_revision(session: Session, *, revision_id: int) -> TextRevision | None:
    """One revision by id."""
    return session.get(TextRevision, revision_id)


def previous_body(session: Session, *, revision: TextRevision) -> str | None:
    """The text in force just before ``revision`` (None: the default)."""
    before = revisions.before(session, revision, KEY)
    return before.body if before is not None else None


def history(session: Session, *, kind: str, key: str, limit: int = 50) -> list[HistoryRow]:
    """The revisions of ``key`` (both languages), newest first, with the editor's name."""
    rows = revisions.history(session, TextRevision, {"kind": kind, "key": key}, limit=limit)
    return [HistoryRow(r.id, r.lang, r.body, r.note, name, r.created_at, r.reverts_id) for r, name in rows]


def save_revision(session: Session, *, editor: Staff, kind: str, key: str, lang: str, body: str | None,
                  note: str, reverts_id: int | None = None) -> TextRevision:
    """Store one (already validated) revision and its audit row in one commit.

    ``body`` None restores the default. The audit row names the editor, the key and the revision, never the text.
    """
    crud._check(kind, TEXT_KINDS, "kind")
    crud._check(lang, LANGS, "lang")
    return revisions.append(session, TextRevision(kind=kind, key=key, lang=lang, body=body), editor=editor,
                            note=note, entity="bot_text", entity_id=f"{kind}:{key}:{lang}", reverts_id=reverts_id)
