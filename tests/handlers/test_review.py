"""What lands in the review inbox (handlers/review.py): each rule on triage results that must and must not land,
and the labels an editor's form starts from."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from handlers.review import INTENTS, REASON_LABEL, RULES, reasons_for, suggested, verdict_of
from handlers.triage import TriageResult


def result(**kw: Any) -> TriageResult:
    base: dict[str, Any] = {"urgency": "none", "category": "none", "victim": "unknown", "language": "id",
                            "intent": "greet", "confidence": 0.97, "faq_key": None}
    return TriageResult(**{**base, **kw})


CASES = [
    # (reasons expected, triage)
    ([], result()),
    ([], result(urgency="high", category="physical", intent="report_physical", confidence=0.9,
                danger_cues=[])),
    (["weak_intent"], result(intent="out_of_scope", confidence=0.31)),
    (["weak_intent"], result(urgency="normal", category="other", intent="report_other", confidence=0.45,
                             uncertain_report=True)),
    (["report_vetoed"], result(intent="report_psychological", confidence=0.88)),
    (["emergency_by_model"], result(urgency="emergency", category="physical", intent="out_of_scope",
                                    confidence=0.7)),
    ([], result(urgency="emergency", category="physical", intent="out_of_scope", confidence=0.7,
                danger_cues=["weapon_threat"])),
    (["category_overruled"], result(urgency="high", category="sexual", intent="report_exploitation",
                                    confidence=0.8)),
    (["victim_by_model"], result(urgency="high", category="physical", victim="child", intent="report_physical",
                                 confidence=0.9, victim_evidence="model 0.73 over rule none")),
    (["weak_intent", "victim_by_model"], result(urgency="high", category="physical", victim="adult",
                                                intent="report_physical", confidence=0.5,
                                                victim_evidence="model 0.61 over rule kin_words")),
]


@pytest.mark.parametrize(("expected", "triage"), CASES)
def test_rules(expected: list[str], triage: TriageResult) -> None:
    assert reasons_for(triage, in_intake=False) == expected


def test_every_rule_is_exercised_and_labelled() -> None:
    fired = {r for expected, _ in CASES for r in expected}
    assert fired == {rule.reason for rule in RULES}
    assert set(REASON_LABEL) == fired | {"not_violence", "corrected"}


def test_intake_answers_and_rasa_down_do_not_land() -> None:
    weak = result(intent="inform", confidence=0.2)
    assert reasons_for(weak, in_intake=True) == []
    assert reasons_for(result(intent=None, confidence=None), in_intake=False) == []


def test_verdict_and_suggested_labels() -> None:
    faq = result(intent="faq", faq_key="puspaga", confidence=0.5)
    assert verdict_of(faq) == {"urgency": "none", "category": "none", "victim": "unknown", "intent": "faq/puspaga",
                               "confidence": 0.5}
    assert "faq/puspaga" in INTENTS and "report_sexual" in INTENTS
    v = verdict_of(result(urgency="normal", category="other", intent="report_other", confidence=0.4))
    said_no = SimpleNamespace(verdict=v, reasons=["not_violence"], correction=None)
    assert suggested(said_no) == {"urgency": "none", "category": "none", "victim": "unknown",
                                  "intent": "out_of_scope"}
    corrected = SimpleNamespace(verdict=v, reasons=["corrected"],
                                correction={"urgency": "emergency", "category": "sexual", "victim": "child"})
    assert suggested(corrected) == {"urgency": "emergency", "category": "sexual", "victim": "child",
                                    "intent": "report_other"}
    plain = SimpleNamespace(verdict={"intent": "nlu_fallback"}, reasons=["weak_intent"], correction=None)
    assert suggested(plain)["intent"] == ""
