"""The review inbox (issue 14): messages the triage was unsure of, or a counsellor corrected, for content editors
to label; the confirmed ones are the training examples a release exports (:func:`confirmed_examples`).

Handlers decide what lands and redact the text (``handlers/review.py``); this module stores and reads. Every read
and review takes the viewer and is refused unless ``crud.can_review`` allows it (content editors and admins);
audit rows name item ids and labels only, never the text. Items go with their conversation on ``hapus``
(``crud.erase_conversation``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import crud
from storage.models import (
    AGE_GROUPS,
    LABEL_CATEGORIES,
    LABEL_URGENCIES,
    REVIEW_REASONS,
    Case,
    Conversation,
    Message,
    ReviewItem,
    Staff,
    TriageCorrection,
    utcnow,
)

__all__ = ["Source", "TrainingExample", "add_item", "confirmed_examples", "correction_source", "count_open",
           "get_item", "inbound_text", "neighbours", "open_items", "recent_examples", "review_item"]

MAX_TEXT_CHARS = 4000


@dataclass(frozen=True)
class Source:
    """Where a correction's inbox item comes from: the case's report message (raw text, for redaction only)."""

    conversation_id: int
    message_id: int
    case_id: int
    text: str
    verdict: dict[str, Any]
    correction: dict[str, str]


@dataclass(frozen=True)
class TrainingExample:
    """A confirmed item: the redacted text, its labels, who confirmed it and when (what a release exports)."""

    id: int
    text: str
    urgency: str
    category: str
    victim: str
    intent: str | None
    reasons: tuple[str, ...]
    reviewed_by: int | None
    reviewed_at: datetime


def inbound_text(session: Session, *, message_id: int) -> tuple[int, str] | None:
    """(conversation id, text) of a citizen's message, or None when it is gone (erased, purged) or has no text."""
    row = session.execute(select(Message.conversation_id, Message.text)
                          .where(Message.id == message_id, Message.direction == "in")).first()
    if row is None or not row.text:
        return None
    return row.conversation_id, row.text


def add_item(session: Session, *, conversation_id: int, message_id: int | None, reasons: Sequence[str], text: str,
             redactions: dict[str, int], verdict: dict[str, Any], case_id: int | None = None,
             correction: dict[str, str] | None = None) -> ReviewItem | None:
    """Put a message in the inbox (``text`` already redacted), or add reasons to its open item.

    None when its conversation is gone (``hapus`` came first: nothing of it may come back).
    A message already reviewed stays reviewed, unless a counsellor's correction brings it back (a new fact).
    """
    for reason in reasons:
        crud._check(reason, REVIEW_REASONS, "reason")
    if "text" in verdict:
        raise ValueError("the verdict holds labels only")
    with crud._unit_of_work(session):
        if session.get(Conversation, conversation_id) is None:
            return None
        item = None
        if message_id is not None:
            item = session.scalars(select(ReviewItem).where(ReviewItem.message_id == message_id)
                                   .with_for_update()).first()
        if item is None:
            item = ReviewItem(conversation_id=conversation_id, message_id=message_id, case_id=case_id,
                              reasons=list(dict.fromkeys(reasons)), text=text[:MAX_TEXT_CHARS],
                              redactions=dict(redactions), verdict=dict(verdict), correction=correction,
                              status="open", created_at=utcnow())
            session.add(item)
        else:
            item.reasons = list(dict.fromkeys([*item.reasons, *reasons]))
            item.case_id = item.case_id or case_id
            if correction is not None:
                item.correction = correction
                item.status = "open"
        session.flush()
    return item


def correction_source(session: Session, *, correction_id: int) -> Source | None:
    """The case's report message behind a triage correction (the first citizen message triaged as a report,
    else the first one), or None when the case has no conversation left (erased)."""
    row = session.get(TriageCorrection, correction_id)
    case = session.get(Case, row.case_id) if row is not None else None
    if row is None or case is None or case.conversation_id is None:
        return None
    messages = list(session.scalars(select(Message).where(Message.conversation_id == case.conversation_id,
                                                          Message.direction == "in", Message.text.is_not(None))
                                    .order_by(Message.id).limit(200)))
    report = next((m for m in messages if m.triage and m.triage.get("urgency") not in (None, "none")),
                  messages[0] if messages else None)
    if report is None or not report.text:
        return None
    triage = report.triage or {}
    verdict = {k: triage.get(k) for k in ("urgency", "category", "victim", "intent", "confidence")}
    return Source(conversation_id=case.conversation_id, message_id=report.id, case_id=case.id, text=report.text,
                  verdict=verdict, correction={"urgency": row.urgency, "category": row.violence_type,
                                               "victim": row.victim_age_group})


def _allowed(viewer: Staff) -> bool:
    return crud.can_review(viewer)


def open_items(session: Session, *, viewer: Staff, limit: int = 200) -> list[ReviewItem] | None:
    """The open items, oldest first (None when the viewer may not review); audited as a list of ids."""
    if not _allowed(viewer):
        return None
    rows = list(session.scalars(select(ReviewItem).where(ReviewItem.status == "open")
                                .order_by(ReviewItem.id).limit(limit)))
    crud.audit(session, actor=viewer, action="list", entity="review_item", entity_id=None,
               detail={"ids": [r.id for r in rows][:200]})
    return rows


def count_open(session: Session) -> int:
    """How many items wait (a number, no content: for a badge)."""
    return int(session.scalar(select(func.count(ReviewItem.id)).where(ReviewItem.status == "open")) or 0)


def get_item(session: Session, *, viewer: Staff, item_id: int) -> ReviewItem | None:
    """One item (any status), audited as a read; None when missing or the viewer may not review."""
    if not _allowed(viewer):
        return None
    item = session.get(ReviewItem, item_id)
    if item is None:
        return None
    crud.audit(session, actor=viewer, action="read", entity="review_item", entity_id=item.id)
    return item


def neighbours(session: Session, *, item_id: int) -> tuple[int | None, int | None]:
    """The open items before and after ``item_id`` (ids only), for previous / next."""
    before = session.scalar(select(func.max(ReviewItem.id)).where(ReviewItem.status == "open",
                                                                   ReviewItem.id < item_id))
    after = session.scalar(select(func.min(ReviewItem.id)).where(ReviewItem.status == "open",
                                                                  ReviewItem.id > item_id))
    return before, after


def review_item(session: Session, *, viewer: Staff, item_id: int, action: str, urgency: str = "",
                category: str = "", victim: str = "", intent: str | None = None) -> ReviewItem | None:
    """Confirm an item with its labels (it becomes a training example) or discard it; audited with the labels.

    None when missing or the viewer may not review; ValueError on a label outside the allowed values.
    """
    if not _allowed(viewer):
        return None
    if action not in ("confirm", "discard"):
        raise ValueError("action must be confirm or discard")
    if action == "confirm":
        crud._check(urgency, LABEL_URGENCIES, "urgency")
        crud._check(category, LABEL_CATEGORIES, "category")
        crud._check(victim, AGE_GROUPS, "victim")
        if (urgency == "none") != (category == "none"):
            raise ValueError("a report has a category, and only a non-report has none")
    with crud._unit_of_work(session):
        item = session.get(ReviewItem, item_id)
        if item is None:
            return None
        item.status = "confirmed" if action == "confirm" else "discarded"
        item.urgency, item.category, item.victim = (urgency, category, victim) if action == "confirm" else (
            None, None, None)
        item.intent = (intent or None) if action == "confirm" else None
        item.reviewed_by, item.reviewed_at = viewer.id, utcnow()
        crud._add_audit(session, actor=viewer, action=action, entity="review_item", entity_id=item.id,
                        detail={"urgency": item.urgency, "category": item.category, "victim": item.victim,
                                "intent": item.intent})
    return item


def _example(row: ReviewItem) -> TrainingExample:
    assert row.urgency and row.category and row.victim and row.reviewed_at
    return TrainingExample(id=row.id, text=row.text, urgency=row.urgency, category=row.category, victim=row.victim,
                           intent=row.intent, reasons=tuple(row.reasons or ()), reviewed_by=row.reviewed_by,
                           reviewed_at=row.reviewed_at)


def confirmed_examples(session: Session, *, after_id: int = 0, limit: int | None = None) -> list[TrainingExample]:
    """Every confirmed item as a training example (redacted text and labels), oldest first.

    For the release work (the labelled set of real traffic): no viewer, since a release runs as the system;
    ``after_id`` reads only what was confirmed since an earlier export's last id.
    """
    query = (select(ReviewItem).where(ReviewItem.status == "confirmed", ReviewItem.id > after_id)
             .order_by(ReviewItem.id))
    if limit is not None:
        query = query.limit(limit)
    return [_example(r) for r in session.scalars(query)]


def recent_examples(session: Session, *, viewer: Staff,
                    limit: int = 50) -> list[tuple[TrainingExample, str | None]] | None:
    """The newest confirmed examples with the reviewer's name, for the inbox page; None when not allowed."""
    if not _allowed(viewer):
        return None
    rows = session.execute(select(ReviewItem, Staff.name).outerjoin(Staff, Staff.id == ReviewItem.reviewed_by)
                           .where(ReviewItem.status == "confirmed").order_by(ReviewItem.reviewed_at.desc(),
                                                                             ReviewItem.id.desc()).limit(limit))
    return [(_example(item), name) for item, name in rows]
