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
    it = Intake(urgency="normal", answers={"what": True, "victim": "adult", "location": "32.76"})
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
                            triage("di payakumbuh barat", None)) == {"location": "13.76.01"}
    assert intake.interpret("location", "di malaysia", triage("di malaysia", None)) == {"location": "abroad"}
    assert intake.interpret("location", "entahlah", triage("entahlah", None)) == {"location": "unknown"}


def test_state_round_trip() -> None:
    it = Intake(case_code="K-ABCDE", urgency="high", asked=["victim"], step="victim", answers={"what": True})
    assert Intake.from_state(it.to_state()) == it
    assert Intake.from_state(None) is None


def test_an_ambiguous_place_asks_which_city_first_and_once() -> None:
    result = triage("suami saya mukul saya kemarin, saya tinggal di Bekasi", None)
    assert result.place_code is None and set(result.place_candidates) == {"32.16", "32.75"}
    assert result.region == "32"  # the province every reading shares
    it = Intake(urgency=result.urgency)
    it.answers.update(intake.known_from_triage(result))
    assert intake.next_step(it) == "place"
    it.asked.append("place")
    assert "place" not in [intake.next_step(it)]


def test_the_place_answer_by_button_or_by_text() -> None:
    none = triage("ok", None)
    cands = ["32.16", "32.75"]
    assert intake.interpret("place", "Kota Bekasi", none, callback_data="place:32.75", candidates=cands) == {
        "place": "32.75", "location": "32.75"}
    assert intake.interpret("place", "x", none, callback_data="place:99.99", candidates=cands) == {
        "place": "unknown", "location": "unknown"}  # a forged or stale button
    assert intake.interpret("place", "yang kabupaten", triage("yang kabupaten", None), candidates=cands) == {
        "place": "unknown", "location": "unknown"}
    assert intake.interpret("place", "kab bekasi", triage("kab bekasi", None), candidates=cands) == {
        "place": "32.16", "location": "32.16"}
    assert intake.interpret("place", "lewati", none, candidates=cands) == {"place": "skipped"}


def test_a_location_answer_that_is_ambiguous_leads_to_the_place_question() -> None:
    it = Intake(urgency="high", answers={"what": True, "victim": "adult"}, asked=["location"])
    it.answers.update(intake.interpret("location", "di Pekalongan", triage("di Pekalongan", None)))
    assert it.answers["location"] == "ambiguous" and intake.next_step(it) == "place"
