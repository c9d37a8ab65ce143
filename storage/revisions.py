"""Append-only revision logs of content edited in the console (bot texts, the services directory).

A log is a table whose rows are never updated: each edit, and each revert, is one more row, keyed by some
columns (a text's kind/key/language, a directory entry's region/entry). The newest row of a key is in force; the
largest id of the table is the version every app process polls to know when to reload. These helpers serve
every such table, so the texts and the directory keep one set of rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage import crud
from storage.models import Staff, utcnow


class Revision(Protocol):
    """What every revision table has."""

    id: Any
    note: Any
    staff_id: Any
    reverts_id: Any
    created_at: Any


R = TypeVar("R", bound=Any)


def _where(model: type[R], key: Mapping[str, str]) -> list[ColumnElement[bool]]:
    return [getattr(model, name) == value for name, value in key.items()]


def version(session: Session, model: type[R]) -> int:
    """The newest revision id of ``model`` (0 when nothing was ever edited): it moves whenever anything changes."""
    return int(session.scalar(select(func.max(model.id))) or 0)


def newest_per_key(session: Session, model: type[R], keys: Sequence[str],
                   where: Mapping[str, str] | None = None) -> list[R]:
    """The row in force of every key ever edited (one per combination of ``keys`` columns), of those matching
    ``where`` if given."""
    cols: list[InstrumentedAttribute[Any]] = [getattr(model, k) for k in keys]
    newest = select(func.max(model.id)).where(*_where(model, where or {})).group_by(*cols).scalar_subquery()
    stmt: Select[tuple[R]] = select(model).where(model.id.in_(newest)).order_by(model.id)
    return list(session.scalars(stmt).all())


def latest(session: Session, model: type[R], key: Mapping[str, str]) -> R | None:
    """The newest revision of one key, or None if it was never edited."""
    return session.scalars(select(model).where(*_where(model, key)).order_by(model.id.desc()).limit(1)).first()


def before(session: Session, revision: R, keys: Sequence[str]) -> R | None:
    """The revision of the same key just before ``revision`` (None: the key's default was in force)."""
    model = type(revision)
    key = {k: getattr(revision, k) for k in keys}
    return session.scalars(select(model).where(*_where(model, key), model.id < revision.id)
                           .order_by(model.id.desc()).limit(1)).first()


def history(session: Session, model: type[R], where: Mapping[str, str], *, limit: int = 50
            ) -> list[tuple[R, str | None]]:
    """Revisions matching ``where``, newest first, each with its editor's name (None once the account is gone)."""
    rows = session.execute(select(model, Staff.name).outerjoin(Staff, Staff.id == model.staff_id)
                           .where(*_where(model, where)).order_by(model.id.desc()).limit(limit)).all()
    return [(row, name) for row, name in rows]


def append(session: Session, row: R, *, editor: Staff, note: str, entity: str, entity_id: str,
           reverts_id: int | None = None) -> R:
    """Store one (already validated) revision and its audit row in one commit.

    A change note is required. The audit row names the editor, the entity and the revision ids, never content.
    """
    note = note.strip()
    if not note:
        raise ValueError("a change note is required")
    with crud._unit_of_work(session):
        row.note = note[:300]
        row.staff_id = editor.id
        row.reverts_id = reverts_id
        row.created_at = utcnow()
        session.add(row)
        session.flush()
        crud._add_audit(session, actor=editor, action="revert" if reverts_id is not None else "update",
                        entity=entity, entity_id=entity_id,
                        detail={"revision": row.id, **({"reverts": reverts_id} if reverts_id is not None else {})})
    return row
