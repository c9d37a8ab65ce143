"""The "why" of a case's triage, for its page: danger cues behind the urgency, what decided the category and the
victim, and whether the report was uncertain. Read from the first report message's stored triage summary
(``handlers.conversation._summary``: cue and rule names only, never message text)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Danger cues of the safety net (``handlers/safety.py``), in the counsellor's words.
CUE_LABEL = {
    "abduction_now": "penculikan sedang terjadi",
    "abuser_returning_now": "pelaku akan segera kembali",
    "child_left_alone": "anak ditinggal sendirian",
    "child_missing_now": "anak hilang sekarang",
    "confined_now": "dikurung / disekap sekarang",
    "forced_marriage_imminent": "akan dinikahkan paksa segera",
    "handover_imminent": "akan segera diserahkan (perdagangan orang)",
    "held_abroad_harmed": "ditahan dan disakiti di luar negeri",
    "help_violence": "minta tolong saat kekerasan",
    "hiding_or_chased": "bersembunyi / dikejar",
    "kill_threat": "ancaman pembunuhan",
    "passport_withheld": "paspor ditahan",
    "perpetrator_present": "pelaku ada di dekatnya",
    "serious_injury": "luka serius",
    "sextortion_meeting": "pemerasan seksual, diminta bertemu",
    "sexual_assault_recent": "kekerasan seksual baru terjadi (≤ 72 jam)",
    "suicide_self_harm": "niat bunuh diri / menyakiti diri",
    "violence_now": "kekerasan sedang terjadi",
    "weapon_threat": "ancaman dengan senjata",
}

#: The victim rules of ``handlers/triage.py`` (``_victim_why``).
VICTIM_RULE_LABEL = {
    "age": "usia korban disebut",
    "now_adult": "dulu anak, sekarang sudah dewasa",
    "now_child": "masih anak sekarang",
    "adult_past_writer": "pelapor dewasa bercerita tentang masa kecil",
    "age_years_ago": "usia saat kejadian + tahun berlalu ≥ 18",
    "long_ago": "kejadian ≥ 18 tahun lalu",
    "age_in_year": "usia pada tahun kejadian, kini dewasa",
    "married_child": "dinikahkan saat anak, kini dewasa",
    "mother_harmed": "ibu yang disakiti, pelapor anak",
    "writer_age_other_adult": "pelapor menyebut usianya, yang disakiti orang dewasa lain",
    "kin_adult_age": "kerabat dewasa yang disakiti",
    "adult_victim": "korban disebut sebagai orang dewasa",
    "elder_harmed": "orang tua lanjut usia yang disakiti",
    "elder_or_writer_with_kids": "pelapor dewasa / punya anak",
    "child_words": "kata-kata tentang anak",
    "writer_child": "pelapor anak",
    "more_child": "petunjuk anak",
    "adult_context": "konteks dewasa",
    "none": "tidak ada petunjuk",
}


@dataclass
class Why:
    """Lines of the case page's "Mengapa" list; ``recorded`` is False for summaries stored before the cues were."""

    recorded: bool
    cues: list[str] = field(default_factory=list)
    urgency: str = ""
    category: str = ""
    victim: str = ""
    uncertain: bool = False


def victim_label(evidence: str | None) -> str:
    """``age`` → its label; ``model 0.81 over rule child_words`` → the model's confidence and the rule it overrode."""
    if not evidence:
        return "tidak ada petunjuk yang cukup"
    if evidence.startswith("model "):
        parts = evidence.split()
        score = parts[1] if len(parts) > 1 else "?"
        rule = parts[-1] if "rule" in parts else None
        over = f", mengganti aturan: {VICTIM_RULE_LABEL.get(rule, rule)}" if rule else ""
        return f"model statistik (keyakinan {score}){over}"
    return VICTIM_RULE_LABEL.get(evidence, evidence)


def explain(triage: dict[str, Any] | None) -> Why | None:
    """The why of a stored triage summary; None when the case has no report message left (erased or purged)."""
    if not triage:
        return None
    recorded = "danger_cues" in triage
    why = Why(recorded=recorded)
    cues = [str(c) for c in triage.get("danger_cues") or []]
    why.cues = [CUE_LABEL.get(c, c) for c in cues]
    if cues:
        why.urgency = "tanda bahaya dari jaring pengaman: " + ", ".join(why.cues)
    elif recorded and triage.get("raised_by") == "emergency_model" and triage.get("urgency") == "emergency":
        # A page with no cue of the safety net: the counsellor should know only the statistical model saw danger.
        why.urgency = "tanpa tanda bahaya langsung: model statistik menilai darurat"
    elif recorded:
        why.urgency = "tanpa tanda bahaya langsung: dari isi laporan dan model"
    intent, confidence = triage.get("intent"), triage.get("confidence")
    if intent and str(intent).startswith("report_"):
        score = f" (keyakinan {confidence:.2f})" if isinstance(confidence, int | float) else ""
        why.category = f"niat Rasa {intent}{score}"
    else:
        why.category = "kata-kata kekerasan dalam pesan (aturan)" + (f"; niat Rasa {intent}" if intent else "")
    if recorded:
        why.victim = victim_label(triage.get("victim_evidence"))
    why.uncertain = bool(triage.get("uncertain_report"))
    return why
