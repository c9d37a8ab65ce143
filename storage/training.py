"""FAQ training data (topics and their example questions) and model releases: the only door to those tables.

The repo's generated Rasa data is the seed (``seed_topics``, once, into an empty table); editors then add and
remove example questions and create topics. Every fifth example of a topic (by the order it was added) is held
out of training for the release gate, fixed when it is added, so a release is measured on questions it never saw.
Audit rows name the editor, the topic key and ids only: example questions are not case data, but the audit log
stays free of text anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import crud
from storage.models import (
    RELEASE_STATES,
    TRAINING_KINDS,
    FaqExample,
    FaqTopic,
    Message,
    ModelRelease,
    Staff,
    utcnow,
)

# Every HOLDOUT_EVERY-th example of a topic is held out of training (the release gate's FAQ accuracy).
HOLDOUT_EVERY = 5
# States a release can still change from by itself (training in the background).
ACTIVE_STATES = ("queued", "training", "gating")


@dataclass(frozen=True)
class TopicRow:
    """One topic as the console lists it."""

    key: str
    source: str
    examples: int
    held_out: int
    added_since: int  # editor examples added after the topic's creation (a changed topic)


@dataclass(frozen=True)
class ExampleRow:
    """One example question with who added it (and removed it)."""

    id: int
    text: str
    holdout: bool
    source: str
    added_by: str | None
    added_at: datetime
    removed_by: str | None
    removed_at: datetime | None


@dataclass(frozen=True)
class TrainingSet:
    """What a release trains on: examples per topic (held-out ones apart) and their ids."""

    train: dict[str, list[str]]
    holdout: dict[str, list[str]]
    example_topics: dict[int, str]  # training example id -> its topic key

    @property
    def example_ids(self) -> list[int]:
        """The training examples' ids, sorted."""
        return sorted(self.example_topics)


def is_seeded(session: Session) -> bool:
    """Whether any topic exists (the seed ran)."""
    return session.scalar(select(func.count()).select_from(FaqTopic)) != 0


def seed_topics(session: Session, topics: Mapping[str, Iterable[str]]) -> bool:
    """Fill the empty tables with the repo's topics and examples; False if they were already filled.

    Two processes seeding at once: the loser's insert hits the unique key and it rolls back (the winner's rows
    stand).
    """
    if is_seeded(session):
        return False
    try:
        with crud._unit_of_work(session):
            now = utcnow()
            for key, examples in topics.items():
                topic = FaqTopic(key=key, source="seed", created_at=now)
                session.add(topic)
                session.flush()
                for i, text in enumerate(examples):
                    session.add(FaqExample(topic_id=topic.id, text=text[:300], source="seed", added_at=now,
                                           holdout=i % HOLDOUT_EVERY == HOLDOUT_EVERY - 1))
    except IntegrityError:
        return False
    return True


def topic_keys(session: Session) -> list[str]:
    """Every topic key, sorted."""
    return list(session.scalars(select(FaqTopic.key).order_by(FaqTopic.key)))


def get_topic(session: Session, *, key: str) -> FaqTopic | None:
    """One topic by key."""
    return session.scalars(select(FaqTopic).where(FaqTopic.key == key)).first()


def list_topics(session: Session) -> list[TopicRow]:
    """Every topic with its count of active examples (held-out ones included) and of editor additions."""
    active = FaqExample.removed_at.is_(None)
    rows = session.execute(
        select(FaqTopic.key, FaqTopic.source, func.count(FaqExample.id),
               func.coalesce(func.sum(case((FaqExample.holdout.is_(True), 1), else_=0)), 0),
               func.coalesce(func.sum(case((FaqExample.source == "editor", 1), else_=0)), 0))
        .outerjoin(FaqExample, (FaqExample.topic_id == FaqTopic.id) & active)
        .group_by(FaqTopic.id, FaqTopic.key, FaqTopic.source).order_by(FaqTopic.key)).all()
    return [TopicRow(str(k), str(s), int(n), int(h), int(e)) for k, s, n, h, e in rows]


def examples(session: Session, *, key: str, include_removed: bool = True) -> list[ExampleRow]:
    """The examples of one topic, newest first, with the names of who added or removed them."""
    adder = select(Staff.name).where(Staff.id == FaqExample.added_by).scalar_subquery()
    remover = select(Staff.name).where(Staff.id == FaqExample.removed_by).scalar_subquery()
    query = (select(FaqExample, adder, remover).join(FaqTopic, FaqTopic.id == FaqExample.topic_id)
             .where(FaqTopic.key == key).order_by(FaqExample.id.desc()))
    if not include_removed:
        query = query.where(FaqExample.removed_at.is_(None))
    return [ExampleRow(e.id, e.text, e.holdout, e.source, a, e.added_at, r, e.removed_at)
            for e, a, r in session.execute(query).all()]


def _next_holdouts(session: Session, topic: FaqTopic, n: int) -> list[bool]:
    count = session.scalar(select(func.count()).where(FaqExample.topic_id == topic.id)) or 0
    return [(count + i) % HOLDOUT_EVERY == HOLDOUT_EVERY - 1 for i in range(n)]


def add_examples(session: Session, *, editor: Staff, key: str, texts: list[str]) -> list[int]:
    """Add (already validated) example questions to topic ``key``; their ids. Duplicates of an active
    example of any topic are skipped (one question, one topic)."""
    topic = get_topic(session, key=key)
    if topic is None:
        raise ValueError(f"no topic {key!r}")
    existing = {t.casefold() for t in session.scalars(select(FaqExample.text)
                                                      .where(FaqExample.removed_at.is_(None)))}
    fresh = []
    for text in texts:
        if text.casefold() not in existing:
            existing.add(text.casefold())
            fresh.append(text)
    with crud._unit_of_work(session):
        now = utcnow()
        rows = [FaqExample(topic_id=topic.id, text=t, holdout=h, source="editor", added_by=editor.id, added_at=now)
                for t, h in zip(fresh, _next_holdouts(session, topic, len(fresh)), strict=True)]
        session.add_all(rows)
        session.flush()
        ids = [r.id for r in rows]
        if ids:
            crud._add_audit(session, actor=editor, action="add_examples", entity="faq_topic", entity_id=key,
                            detail={"examples": ids})
    return ids


def remove_example(session: Session, *, editor: Staff, key: str, example_id: int) -> bool:
    """Stamp one active example of ``key`` as removed; False if there is none such."""
    row = session.scalars(select(FaqExample).join(FaqTopic, FaqTopic.id == FaqExample.topic_id).where(
        FaqExample.id == example_id, FaqTopic.key == key, FaqExample.removed_at.is_(None))).first()
    if row is None:
        return False
    with crud._unit_of_work(session):
        row.removed_at = utcnow()
        row.removed_by = editor.id
        crud._add_audit(session, actor=editor, action="remove_example", entity="faq_topic", entity_id=key,
                        detail={"example": example_id})
    return True


def create_topic(session: Session, *, editor: Staff, key: str, texts: list[str]) -> FaqTopic:
    """A new topic with its (validated) example questions; ValueError if the key exists."""
    if get_topic(session, key=key) is not None:
        raise ValueError(f"topic {key!r} exists")
    with crud._unit_of_work(session):
        now = utcnow()
        topic = FaqTopic(key=key, source="editor", staff_id=editor.id, created_at=now)
        session.add(topic)
        session.flush()
        session.add_all([FaqExample(topic_id=topic.id, text=t, source="editor", added_by=editor.id, added_at=now,
                                    holdout=i % HOLDOUT_EVERY == HOLDOUT_EVERY - 1) for i, t in enumerate(texts)])
        crud._add_audit(session, actor=editor, action="create_topic", entity="faq_topic", entity_id=key,
                        detail={"examples": len(texts)})
    return topic


def training_set(session: Session) -> TrainingSet:
    """The active examples of every topic, split into training and held-out."""
    rows = session.execute(select(FaqTopic.key, FaqExample.id, FaqExample.text, FaqExample.holdout)
                           .join(FaqExample, FaqExample.topic_id == FaqTopic.id)
                           .where(FaqExample.removed_at.is_(None)).order_by(FaqTopic.key, FaqExample.id)).all()
    train: dict[str, list[str]] = {}
    holdout: dict[str, list[str]] = {}
    ids: dict[int, str] = {}
    for key, eid, text, held in rows:
        (holdout if held else train).setdefault(key, []).append(text)
        if not held:
            ids[int(eid)] = str(key)
    for key in topic_keys(session):  # a topic whose examples were all removed still counts (as empty)
        train.setdefault(key, [])
    return TrainingSet(train=train, holdout=holdout, example_topics=ids)


def holdout(session: Session) -> dict[str, list[str]]:
    """The active held-out questions per topic (the seed's and the editors')."""
    query = (select(FaqTopic.key, FaqExample.text).join(FaqExample, FaqExample.topic_id == FaqTopic.id)
             .where(FaqExample.removed_at.is_(None), FaqExample.holdout.is_(True)).order_by(FaqExample.id))
    out: dict[str, list[str]] = {}
    for key, text in session.execute(query).all():
        out.setdefault(str(key), []).append(str(text))
    return out


def seed_baseline(session: Session) -> tuple[list[str], list[int]]:
    """The topics and training example ids of the repo's own model (the seed): the baseline before any release."""
    rows = session.execute(select(FaqTopic.key, FaqExample.id).join(FaqExample, FaqExample.topic_id == FaqTopic.id)
                           .where(FaqExample.source == "seed", FaqExample.holdout.is_(False))).all()
    return sorted({str(k) for k, _ in rows}), sorted(int(i) for _, i in rows)


def example_topic_keys(session: Session, *, ids: Iterable[int]) -> dict[int, str]:
    """The topic key of each example id (removed ones included)."""
    wanted = list(ids)
    if not wanted:
        return {}
    rows = session.execute(select(FaqExample.id, FaqTopic.key).join(FaqTopic, FaqTopic.id == FaqExample.topic_id)
                           .where(FaqExample.id.in_(wanted))).all()
    return {int(i): str(k) for i, k in rows}


# ---------------------------------------------------------------------------------------------- releases


def create_release(session: Session, *, editor: Staff, kind: str, note: str, base_model: str | None,
                   topics: list[str], example_ids: list[int], changed_topics: list[str],
                   reviewed: list[int] | None = None) -> ModelRelease:
    """A queued release (audited); ``reviewed``: the confirmed review items it includes (ids)."""
    crud._check(kind, TRAINING_KINDS, "kind")
    with crud._unit_of_work(session):
        now = utcnow()
        row = ModelRelease(state="queued", kind=kind, note=note.strip()[:300], staff_id=editor.id,
                           base_model=base_model, topics=topics, examples=example_ids,
                           changed_topics=changed_topics, reviewed=list(reviewed or []), progress=0.0,
                           created_at=now, heartbeat_at=now)
        session.add(row)
        session.flush()
        crud._add_audit(session, actor=editor, action="prepare_release", entity="model_release", entity_id=row.id,
                        detail={"kind": kind})
    return row


def update_release(session: Session, *, release_id: int, **fields: Any) -> None:
    """Set fields of one release (the background job's progress, state, gate...)."""
    if "state" in fields:
        crud._check(fields["state"], RELEASE_STATES, "state")
    row = session.get(ModelRelease, release_id)
    if row is None:
        return
    with crud._unit_of_work(session):
        for name, value in fields.items():
            setattr(row, name, value)


def get_release(session: Session, *, release_id: int) -> ModelRelease | None:
    """One release by id."""
    return session.get(ModelRelease, release_id)


def list_releases(session: Session, *, limit: int = 30) -> list[ModelRelease]:
    """The newest releases first."""
    return list(session.scalars(select(ModelRelease).order_by(ModelRelease.id.desc()).limit(limit)))


def live_release(session: Session) -> ModelRelease | None:
    """The release serving now (None: the repo's own model)."""
    return session.scalars(select(ModelRelease).where(ModelRelease.state == "live")
                           .order_by(ModelRelease.id.desc()).limit(1)).first()


def active_release(session: Session) -> ModelRelease | None:
    """A release still queued, training or gating (one at a time)."""
    return session.scalars(select(ModelRelease).where(ModelRelease.state.in_(ACTIVE_STATES))
                           .order_by(ModelRelease.id.desc()).limit(1)).first()


def mark_live(session: Session, *, editor: Staff, release_id: int, action: str = "release_live") -> None:
    """``release_id`` serves: the one live before is rolled back in the same commit (audited)."""
    with crud._unit_of_work(session):
        for before in session.scalars(select(ModelRelease).where(ModelRelease.state == "live")):
            before.state = "rolled_back"
        row = session.get(ModelRelease, release_id)
        if row is not None:
            row.state = "live"
            row.live_at = utcnow()
        crud._add_audit(session, actor=editor, action=action, entity="model_release", entity_id=release_id)


def mark_rolled_back(session: Session, *, editor: Staff, release_id: int) -> None:
    """The live release was rolled back to the model before it (audited)."""
    with crud._unit_of_work(session):
        row = session.get(ModelRelease, release_id)
        if row is not None and row.state == "live":
            row.state = "rolled_back"
        crud._add_audit(session, actor=editor, action="release_rollback", entity="model_release",
                        entity_id=release_id)


def fail_abandoned(session: Session, *, silent_for: timedelta = timedelta(minutes=2)) -> int:
    """Releases still queued, training or gating whose job stopped beating (its process died): failed."""
    cutoff = utcnow() - silent_for
    rows = list(session.scalars(select(ModelRelease).where(
        ModelRelease.state.in_(ACTIVE_STATES),
        func.coalesce(ModelRelease.heartbeat_at, ModelRelease.created_at) < cutoff)))
    if rows:
        with crud._unit_of_work(session):
            for row in rows:
                row.state = "failed"
                row.error = "dihentikan: proses yang menyiapkannya berhenti sebelum selesai"
                row.finished_at = utcnow()
    return len(rows)


def message_texts(session: Session, *, ids: Iterable[int]) -> dict[int, str]:
    """The texts of these messages that are still stored (``hapus`` and the purge remove them)."""
    wanted = list(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Message.id, Message.text).where(Message.id.in_(wanted),
                                                                  Message.text.is_not(None))).all()
    return {int(i): str(t) for i, t in rows}


def recent_citizen_texts(session: Session, *, limit: int = 500) -> list[tuple[int, str]]:
    """(message id, text) of the newest inbound citizen messages still stored (erased ones have no text).

    For the release page's "which real messages would now go to this topic": the caller masks every text
    before it is shown.
    """
    rows = session.execute(select(Message.id, Message.text).where(Message.direction == "in",
                                                                  Message.text.is_not(None))
                           .order_by(Message.id.desc()).limit(limit)).all()
    return [(int(i), str(t)) for i, t in rows if str(t).strip()]
