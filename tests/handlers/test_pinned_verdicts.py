"""Every labelled message keeps its pinned verdict, or the change is listed and reviewed (issue 12, item 2)."""

from __future__ import annotations

from handlers.rules import pinned


def test_every_labelled_message_keeps_its_pinned_verdict() -> None:
    now = pinned.compute()
    assert len(now) >= 7000, "the labelled sets were not found"
    changes = pinned.diff(pinned.load(), now)
    assert not changes, (
        f"{len(changes)} verdicts changed (rules-only triage with the statistical heads). Review them, then pin "
        "with `.venv/bin/python -m handlers.rules.pinned --write`:\n" + "\n".join(changes[:200])
    )


def test_a_changed_verdict_is_named_by_id_and_field() -> None:
    old = {"x1": {"urgency": "high", "category": "physical", "victim": "adult", "cues": []},
           "x2": {"urgency": "none", "category": "none", "victim": "unknown", "cues": []}}
    new = {"x1": {"urgency": "emergency", "category": "physical", "victim": "adult", "cues": ["violence_now"]},
           "x2": dict(old["x2"]), "x3": dict(old["x2"])}
    assert pinned.diff(old, new) == [
        "x1: urgency high -> emergency, cues [] -> ['violence_now']",
        "x3: new, not pinned",
    ]
