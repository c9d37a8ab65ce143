"""Tests of the optional statistical urgency model and how triage uses it. Invented data only."""

from __future__ import annotations

import pytest

from handlers import text_model
from handlers.safety import normalise
from handlers.triage import triage

sklearn = pytest.importorskip("sklearn")


def test_trains_and_scores_an_emergency_higher_than_a_greeting() -> None:
    assert text_model.available()
    hot = text_model.emergency_probability(normalise("tolong suami lagi mukulin aku sekarang di kamar"))
    calm = text_model.emergency_probability(normalise("halo kak, jam buka kantor hari sabtu?"))
    assert hot is not None and calm is not None and 0.0 <= calm < hot <= 1.0


def test_deterministic() -> None:
    norm = normalise("pacar ngancem nyebar foto aku malam ini")
    assert text_model.emergency_probability(norm) == text_model.emergency_probability(norm)


def test_never_lowers_the_safety_net_and_not_for_mentions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_model, "emergency_probability", lambda norm: 0.0)
    assert triage("tolong suami sy lg mukulin sy skrg", None).urgency == "emergency"
    monkeypatch.setattr(text_model, "emergency_probability", lambda norm: 0.99)
    assert triage("tadi nonton film, ada adegan suami mukul istri", None).urgency == "none"
    raised = triage("suami sering bentak sy", None)
    assert raised.urgency == "emergency" and raised.category != "none"


def test_rules_alone_when_model_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_model, "_model", False)
    assert text_model.emergency_probability("apa saja") is None
    assert triage("suami sering bentak sy", None).urgency == "high"


def test_victim_guess_tells_a_schoolchild_from_a_wife() -> None:
    child = text_model.victim_guess(normalise("tmn sekelas aku sering dipalak dan ditampar kakak kelas di toilet"))
    adult = text_model.victim_guess(normalise("sy sering dimaki2 dan didorong sm suami kalau telat masak"))
    assert child is not None and child[0] == "child"
    assert adult is not None and adult[0] == "adult"


def test_victim_model_decides_only_where_the_rules_have_loose_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_model, "victim_guess", lambda norm: ("child", 0.9))
    loose = triage("tolong aku dikurung terus di rumah sama orang yg jemput aku", None)
    assert loose.victim == "child" and loose.victim_evidence is not None
    assert loose.victim_evidence.startswith("model 0.90")
    # An age is the rules' to decide, however sure the model is.
    aged = triage("adik sy 24 thn dipukulin pacarnya kemarin", None)
    assert aged.victim == "adult" and aged.victim_evidence == "age"
    monkeypatch.setattr(text_model, "victim_guess", lambda norm: ("adult", 0.4))
    unsure = triage("tolong aku dikurung terus di rumah sama orang yg jemput aku", None)
    assert unsure.victim_evidence is not None and not unsure.victim_evidence.startswith("model")


def test_report_probability_separates_a_beating_from_a_service_question() -> None:
    hot = text_model.report_probability(normalise("suami sy sering mukulin sy kalau pulang mabuk"))
    calm = text_model.report_probability(normalise("bisa pesan layanan psikolog buat karyawan kantor kami?"))
    assert hot is not None and calm is not None and calm < text_model.REPORT_VETO < hot


def test_report_veto_applies_only_to_a_report_resting_on_rasa_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_model, "report_probability", lambda norm: 0.01)
    parse = {"intent": {"name": "report_psychological", "confidence": 0.95}, "entities": []}
    assert triage("bisa pesan layanan psikolog buat karyawan kantor kami?", parse).urgency == "none"
    # An act word or a danger cue keeps the report, however unlikely the model finds it.
    assert triage("suami sy sering mukulin sy", parse).urgency != "none"
    assert triage("tolong saya dikurung suami sekarang", parse).urgency == "emergency"


def test_more_everyday_contrast_never_raises_the_weight_of_the_emergency_class() -> None:
    hotline = [{"text": "a", "urgency": "emergency"}, {"text": "b", "urgency": "none"},
               {"text": "c", "urgency": "none"}]
    everyday = [{"text": f"e{i}", "urgency": "none", "source": "everyday"} for i in range(50)]
    labels = [r["urgency"] == "emergency" for r in hotline]
    alone = text_model._balanced_weights(hotline, labels)
    with_contrast = text_model._balanced_weights(hotline + everyday, labels + [False] * len(everyday))
    # The hotline rows keep their weights however many contrast lines there are, and the classes are balanced.
    assert with_contrast[: len(hotline)] == alone == [1.5, 0.75, 0.75]
    assert set(with_contrast[len(hotline):]) == {0.75 * text_model.CONTRAST_WEIGHT}


def test_the_strongest_features_are_shown_and_none_is_a_function_word_alone() -> None:
    """What the README shows of the heads is what they read; the emergency head never weighs a function word."""
    for head in ("emergency", "report"):
        feats = text_model.strongest_features(head, 20)
        assert len(feats) == 20 and all(w > 0 for _, w in feats)
        assert [w for _, w in feats] == sorted((w for _, w in feats), reverse=True)
    words = [f[2:] for f, _ in text_model.strongest_features("emergency", 200) if f.startswith("w:")]
    assert words and not any(all(t in text_model.FUNCTION_WORDS for t in w.split()) for w in words)
