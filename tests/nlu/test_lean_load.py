"""A served model, loaded for prediction only, parses exactly as Rasa's own load does (issue 14, worker memory)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from core.settings import PROJECT_ROOT
from tests.conftest import _missing

# Invented for this test: reports, FAQ questions, greetings and everyday text, so that every head of the model
# (report intents, entities, the FAQ ResponseSelector) is read.
TEXTS = [
    "suami saya mukul saya tadi malam pakai sapu",
    "anak saya dilecehkan guru lesnya",
    "tolong, bapak tiri mengunci adik di kamar dan membawa pisau",
    "nomor SAPA 129 itu bisa dihubungi lewat whatsapp?",
    "puspaga itu apa ya dan buka jam berapa",
    "bagaimana cara melapor ke polisi kalau saya takut",
    "apakah data saya aman kalau saya cerita di sini",
    "halo selamat pagi",
    "terima kasih banyak ya kak",
    "baksonya enak tapi kuahnya keasinan",
    "my husband hit me and took my phone",
    "where can I find a shelter in Semarang",
]


def test_lean_load_parses_exactly_as_rasa_load(tmp_path: Path) -> None:
    python = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
    model = PROJECT_ROOT / "nlu" / "models" / "hotline.tar.gz"
    if not python.exists() or not model.exists():
        _missing("Rasa env or trained model missing (run scripts/setup.sh)")
    texts = tmp_path / "texts.txt"
    texts.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    run = subprocess.run(
        [str(python), str(PROJECT_ROOT / "nlu" / "tools" / "load_parity.py"), str(model), str(texts)],
        capture_output=True, text=True, timeout=600, env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin",
                                                           "HOME": str(tmp_path)},
    )
    last = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:]
    assert run.returncode == 0, last
    # Both TensorFlow models of the pipeline went through the lean load (not Rasa's, which would pass trivially).
    assert "loaded for prediction only: _LeanDIET, _LeanDIET2BOW" in run.stdout, run.stdout
    assert last.startswith(f"{len(TEXTS)} texts: intents differing 0, FAQ keys differing 0"), last
