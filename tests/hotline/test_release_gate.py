"""The release gate's rule and its data: no labelled emergency may be lost, the hold-out may not get worse."""

from __future__ import annotations

import pytest

from hotline.release_gate import GateReport, ReviewedReport, emergency_set, holdout_set, run_reviewed_gate
from hotline.services import RasaServer


def report(*, lost: tuple[str, ...] = (), live: float = 0.9, new: float = 0.9) -> GateReport:
    return GateReport(emergencies_live=100, emergencies_new=100 - len(lost), lost=lost, holdout_live=live,
                      holdout_new=new, messages=160)


def test_one_lost_emergency_fails_the_gate() -> None:
    assert report().passed
    assert not report(lost=("b001",)).passed
    assert "1 hilang" in report(lost=("b001",)).summary() and "tidak lulus" in report(lost=("b001",)).summary()


def test_a_worse_holdout_fails_and_a_better_one_passes() -> None:
    assert not report(new=0.88).passed
    assert report(new=0.95).passed


def test_the_gate_has_its_messages() -> None:
    emergencies = emergency_set()
    assert len(emergencies) > 1000 and len({i for i, _ in emergencies}) == len(emergencies)
    holdout = holdout_set()
    assert len(holdout) >= 50 and all(cats for _, cats in holdout)


@pytest.mark.rasa
async def test_reviewed_messages_are_triaged_with_both_models_and_counted(rasa_server: RasaServer) -> None:
    # Invented, redacted as the review inbox stores them; labels as an editor confirmed them.
    rows = [{"id": "review-1", "text": "tolong suami saya mau bunuh saya pakai pisau sekarang",
             "urgency": ["emergency"], "category": ["physical"], "victim": "adult"},
            {"id": "review-2", "text": "halo kak [NAME_1] di sini", "urgency": ["none"], "category": ["none"],
             "victim": "unknown"}]
    report = await run_reviewed_gate(rasa_server.url, rasa_server.url, rows)
    assert report.messages == 2 and report.urgency_live == report.urgency_new == 2  # the same model: same counts
    assert "pesan nyata yang ditinjau: 2" in report.summary()
    assert await run_reviewed_gate(rasa_server.url, rasa_server.url, []) == ReviewedReport(0, 0, 0)
