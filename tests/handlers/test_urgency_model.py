"""Tests of the optional statistical urgency model and how triage uses it. Invented data only."""

from __future__ import annotations

import pytest

from handlers import urgency_model
from handlers.safety import normalise
from handlers.triage import triage

sklearn = pytest.importorskip("sklearn")


def test_trains_and_scores_an_emergency_higher_than_a_greeting() -> None:
    assert urgency_model.available()
    hot = urgency_model.emergency_probability(normalise("tolong suami lagi mukulin aku sekarang di kamar"))
    calm = urgency_model.emergency_probability(normalise("halo kak, jam buka kantor hari sabtu?"))
    assert hot is not None and calm is not None and 0.0 <= calm < hot <= 1.0


def test_deterministic() -> None:
    norm = normalise("pacar ngancem nyebar foto aku malam ini")
    assert urgency_model.emergency_probability(norm) == urgency_model.emergency_probability(norm)


def test_never_lowers_the_safety_net_and_not_for_mentions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urgency_model, "emergency_probability", lambda norm: 0.0)
    assert triage("tolong suami sy lg mukulin sy skrg", None).urgency == "emergency"
    monkeypatch.setattr(urgency_model, "emergency_probability", lambda norm: 0.99)
    assert triage("tadi nonton film, ada adegan suami mukul istri", None).urgency == "none"
    raised = triage("suami sering bentak sy", None)
    assert raised.urgency == "emergency" and raised.category != "none"


def test_rules_alone_when_model_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urgency_model, "_model", False)
    assert urgency_model.emergency_probability("apa saja") is None
    assert triage("suami sering bentak sy", None).urgency == "high"
