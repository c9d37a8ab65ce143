"""FAQ training data and releases in storage, on SQLite and PostgreSQL: the seed, the fixed held-out part, who
added or removed what, and the plan that decides between a fine-tune and a full training."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from hotline.releases import make_plan
from storage import crud, training
from storage.models import Staff, utcnow

SEED = {"alpha": [f"apa itu alpha {i}" for i in range(10)], "beta": [f"beta buka jam berapa {i}" for i in range(7)]}


def _editor(session: Session) -> Staff:
    return crud.add_staff(session, name="Editor Uji", role="content_editor", region="32.76", channel="telegram",
                          contact_id="990001")


def test_the_seed_runs_once_and_every_fifth_example_is_held_out(session: Session) -> None:
    assert not training.is_seeded(session)
    assert training.seed_topics(session, SEED)
    assert not training.seed_topics(session, {"gamma": ["x"]})  # a second seed changes nothing
    rows = {t.key: t for t in training.list_topics(session)}
    assert set(rows) == {"alpha", "beta"}
    assert (rows["alpha"].examples, rows["alpha"].held_out, rows["beta"].held_out) == (10, 2, 1)
    data = training.training_set(session)
    assert data.holdout["alpha"] == ["apa itu alpha 4", "apa itu alpha 9"]
    assert "apa itu alpha 4" not in data.train["alpha"] and len(data.train["alpha"]) == 8


def test_editor_changes_are_recorded_and_audited_without_text(session: Session) -> None:
    training.seed_topics(session, SEED)
    editor = _editor(session)
    # beta has 7 examples (positions 0-6): of three more, the one at position 9 is held out.
    ids = training.add_examples(session, editor=editor, key="beta",
                                texts=["jam buka hari sabtu?", "apa itu alpha 1", "minggu buka?", "libur buka?"])
    assert len(ids) == 3  # "apa itu alpha 1" is already a question of alpha: one question, one topic
    rows = training.examples(session, key="beta")
    assert rows[0].text == "libur buka?" and rows[0].holdout and rows[0].added_by == "Editor Uji"
    assert not rows[1].holdout
    assert rows[0].source == "editor" and rows[-1].source == "seed"
    assert training.remove_example(session, editor=editor, key="beta", example_id=ids[0])
    assert not training.remove_example(session, editor=editor, key="beta", example_id=ids[0])  # already removed
    assert not training.remove_example(session, editor=editor, key="alpha", example_id=ids[1])  # other topic
    removed = next(r for r in training.examples(session, key="beta") if r.id == ids[0])
    assert removed.removed_by == "Editor Uji" and removed.removed_at is not None
    assert ids[0] not in training.training_set(session).example_topics
    audit = crud.list_audit(session, entity="faq_topic")
    assert sorted(a.action for a in audit) == ["add_examples", "remove_example"]
    assert "jam buka" not in str([a.detail for a in audit])


def test_plan_fine_tunes_added_examples_and_fully_trains_new_or_removed(session: Session) -> None:
    training.seed_topics(session, SEED)
    editor = _editor(session)
    assert not make_plan(session).changed  # the seed is what the repo's model was trained on
    training.add_examples(session, editor=editor, key="alpha", texts=["alpha itu gratis?"])
    plan = make_plan(session)
    assert (plan.kind, plan.added, plan.changed_topics) == ("finetune", 1, ["alpha"])

    training.create_topic(session, editor=editor, key="gamma", texts=[f"gamma {i}" for i in range(10)])
    plan = make_plan(session)
    assert (plan.kind, plan.new_topics, plan.changed_topics) == ("full", ["gamma"], ["alpha", "gamma"])
    with pytest.raises(ValueError):
        training.create_topic(session, editor=editor, key="gamma", texts=["x"])


def test_removing_a_seed_example_needs_a_full_training(session: Session) -> None:
    training.seed_topics(session, SEED)
    editor = _editor(session)
    first = training.examples(session, key="beta")[-1]
    training.remove_example(session, editor=editor, key="beta", example_id=first.id)
    plan = make_plan(session)
    assert (plan.kind, plan.removed, plan.changed_topics) == ("full", 1, ["beta"])


def test_a_live_release_is_the_next_baseline_and_unfinished_ones_fail(session: Session) -> None:
    training.seed_topics(session, SEED)
    editor = _editor(session)
    training.add_examples(session, editor=editor, key="alpha", texts=["alpha itu gratis?"])
    plan = make_plan(session)
    row = training.create_release(session, editor=editor, kind=plan.kind, note="uji", base_model=None,
                                  topics=plan.topics, example_ids=plan.example_ids,
                                  changed_topics=plan.changed_topics)
    assert training.active_release(session) is not None
    training.update_release(session, release_id=row.id, state="ready", gate_passed=True)
    training.mark_live(session, editor=editor, release_id=row.id)
    assert training.live_release(session) is not None and not make_plan(session).changed

    second = training.create_release(session, editor=editor, kind="full", note="", base_model=None, topics=[],
                                     example_ids=[], changed_topics=[])
    assert training.fail_abandoned(session) == 0  # its job beats (in some app process)
    training.update_release(session, release_id=second.id, heartbeat_at=utcnow() - timedelta(minutes=3))
    assert training.fail_abandoned(session) == 1
    assert training.get_release(session, release_id=second.id).state == "failed"  # type: ignore[union-attr]
    assert [a.action for a in crud.list_audit(session, entity="model_release")] == [
        "prepare_release", "release_live", "prepare_release"]
