"""``hotline triage`` end to end: the console script, the real trained Rasa model, the shared scorer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT
from hotline.services import RasaServer

HOTLINE = str(Path(sys.executable).parent / "hotline")

BAD_INPUTS = {
    "empty": "",
    "huge": "tolong " * 3500,  # ~24,000 characters
    "emoji": "😭😭😭🙏🙏",
    "zero_width": "to\u200blong\u200d sa\u200cya\ufeff",
    "rtl": "\u202eolleh\u202c \u200fmarhaba",
    "punct": "?!?!... ,,, !!!",
    "sql": "'; DROP TABLE cases; -- ",
}


def run_cli(args: list[str], stdin: str, rasa_url: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, RASA_URL=rasa_url)
    return subprocess.run([HOTLINE, *args], input=stdin, capture_output=True, text=True, env=env,
                          cwd=PROJECT_ROOT, timeout=600, check=False)


@pytest.mark.rasa
def test_dev_set_metrics_meet_the_goals(rasa_server: RasaServer, shared_dir: Path) -> None:
    labels = shared_dir / "triage" / "dev.jsonl"
    proc = run_cli(["triage", "--score", str(labels), "--scorer", str(shared_dir / "triage" / "score.py")],
                   "", rasa_server.url)
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = next(line for line in proc.stdout.splitlines() if line.startswith("summary: "))
    metrics = {k: float(v) for k, v in (kv.split("=") for kv in summary.removeprefix("summary: ").split())}
    print(summary)
    assert metrics["missing_predictions"] == 0
    assert metrics["emergency_recall"] >= 0.95
    assert metrics["false_emergency_rate"] <= 0.10
    assert metrics["urgency_accuracy"] >= 0.80
    assert metrics["category_accuracy"] >= 0.80


@pytest.mark.rasa
def test_one_output_line_per_input_with_labels(rasa_server: RasaServer) -> None:
    rows = [{"id": "a", "text": "tlg sy d pukul suami skrg dia msh d rmh"},
            {"id": "b", "text": "puspaga itu apa ya?"}]
    proc = run_cli(["triage"], "".join(json.dumps(r) + "\n" for r in rows), rasa_server.url)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    assert out[0]["urgency"] == "emergency" and out[0]["category"] == "physical"
    assert out[0]["danger_cues"], "the safety net's evidence is part of the output"
    assert out[0]["intent"] == "report_physical" and out[0]["confidence"] > 0
    assert out[1]["urgency"] == "none" and out[1]["faq_key"] == "puspaga"


@pytest.mark.rasa
def test_bad_input_gets_a_valid_triage(rasa_server: RasaServer) -> None:
    stdin = "".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in BAD_INPUTS.items())
    stdin += "this is not json\n"
    proc = run_cli(["triage"], stdin, rasa_server.url)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    by_id = {o["id"]: o for o in out if o.get("id")}
    assert set(by_id) == set(BAD_INPUTS)
    for row in by_id.values():
        assert row["urgency"] in {"emergency", "high", "normal", "none"}
        assert row["category"] in {"physical", "psychological", "sexual", "exploitation", "trafficking",
                                   "neglect", "other", "none"}
        assert row["victim"] in {"child", "adult", "unknown"}
    assert by_id["sql"]["urgency"] == "none"
    assert by_id["emoji"]["urgency"] == "none"
    assert any(o.get("error") for o in out), "an unreadable line is reported, not dropped silently"


def test_triage_without_rasa_still_flags_emergencies(tmp_path: Path) -> None:
    """Rasa unreachable: the safety net alone still answers, through the same command."""
    stdin = json.dumps({"id": "x", "text": "tolonggg suami bawa golok mau bunuh aku skrg"}) + "\n"
    proc = run_cli(["triage"], stdin, "http://127.0.0.1:9")
    assert proc.returncode == 0, proc.stderr[-2000:]
    row = json.loads(proc.stdout)
    assert row["urgency"] == "emergency" and row["intent"] is None
