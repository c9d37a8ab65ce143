"""The intake asks only what triage does not know, once, and honours "lewati"."""

from __future__ import annotations

from handlers import intake
from handlers.intake import Intake
from handlers.triage import triage


def test_a_complete_report_asks_only_for_a_safe_contact() -> None:
    result = triage("anak saya 9 tahun dipukul ayah tirinya tadi pagi di kecamatan sukmajaya depok", None)
    it = Intake(urgency=result.urgency)
    it.answers.update(intake.known_from_triage(result))
    assert {"what", "victim", "location"} <= set(it.answers)
    steps = []
    while (step := intake.next_step(it)) is not None:
        steps.append(step)
        it.asked.append(step)
    assert "what" not in steps and "victim" not in steps and "location" not in steps
    assert steps[-1] == "contact"


def test_normal_urgency_does_not_ask_whether_the_perpetrator_is_near() -> None:
    it = Intake(urgency="normal", answers={"what": True, "victim": "adult", "location": "depok"})
    assert intake.next_step(it) == "contact"


def test_presence_cue_means_nearby_is_known() -> None:
    result = triage("tolong suami saya mukul saya sekarang, dia masih di rumah", None)
    assert result.urgency == "emergency"
    assert intake.known_from_triage(result).get("nearby") == "yes"


def test_skip_and_answers_are_interpreted() -> None:
    none = triage("lewati", None)
    assert intake.interpret("location", "lewati aja", none) == {"location": "skipped"}
    assert intake.interpret("victim", "umurnya 12 thn", triage("umurnya 12 thn", None))["victim"] == "child"
    assert intake.interpret("victim", "dia 30 tahun", triage("dia 30 tahun", None))["victim"] == "adult"
    assert intake.interpret("nearby", "iya masih", triage("iya masih", None)) == {"nearby": "yes"}
    assert intake.interpret("nearby", "ga ada", triage("ga ada", None)) == {"nearby": "no"}
    assert intake.interpret("location", "di payakumbuh barat",
                            triage("di payakumbuh barat", None)) == {"location": "payakumbuh"}


def test_state_round_trip() -> None:
    it = Intake(case_code="K-ABCDE", urgency="high", asked=["victim"], step="victim", answers={"what": True})
    assert Intake.from_state(it.to_state()) == it
    assert Intake.from_state(None) is None
