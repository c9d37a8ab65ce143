"""Parses of a model loaded for prediction only (nlu/hotline_classifiers.py) against Rasa's own load (issue 14).

usage: .venv-rasa/bin/python nlu/tools/load_parity.py MODEL.tar.gz TEXTS.txt|LABELS.jsonl [...]

Loads MODEL twice in this process: as ``rasa run`` serves it (the lean load), then through Rasa 3.6's
``RasaModel.load`` (one training step before the weights are read). Parses every text with both and prints how
many intents and FAQ keys differ and the largest confidence difference. Exit 1 if any intent or FAQ key differs
or a confidence differs by more than 1e-5. Runs in the Rasa env (Python 3.10).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

NLU_DIR = Path(__file__).resolve().parents[1]
TOLERANCE = 1e-5


def read_texts(paths: list[Path]) -> list[str]:
    """Texts of plain-text files (one per line) and JSONL files (their ``text`` field)."""
    texts = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"] if path.suffix == ".jsonl" else line.strip())
    return texts


def summary(parse: dict[str, Any]) -> tuple[str, str | None, dict[str, float]]:
    """Intent, FAQ key and every intent's confidence of one parse."""
    faq = parse.get("response_selector", {}).get("faq", {}).get("response", {})
    ranking = {r["name"]: r["confidence"] for r in parse.get("intent_ranking", [])}
    ranking["faq-key"] = faq.get("confidence", 0.0)
    return parse["intent"]["name"], faq.get("intent_response_key"), ranking


async def parse_all(model: Path, texts: list[str]) -> list[tuple[str, str | None, dict[str, float]]]:
    from rasa.core.agent import Agent  # imported late: slow, and only inside .venv-rasa

    agent = Agent.load(str(model))
    return [summary(await agent.parse_message(text)) for text in texts]


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    sys.path.insert(0, str(NLU_DIR))
    import hotline_classifiers
    from rasa.utils.tensorflow.models import RasaModel

    model, texts = Path(argv[0]), read_texts([Path(p) for p in argv[1:]])
    lean_loads = []
    load_for_prediction = hotline_classifiers._load_for_prediction

    def counted(model: Any, *args: Any) -> Any:
        lean_loads.append(type(model).__name__)
        return load_for_prediction(model, *args)

    hotline_classifiers._load_for_prediction = counted  # type: ignore[assignment]
    lean = asyncio.run(parse_all(model, texts))
    print(f"loaded for prediction only: {', '.join(sorted(lean_loads)) or 'nothing'}")
    # The reference: this process only, the lean classes load the way Rasa's own classes do.
    hotline_classifiers._PredictionLoad.load = classmethod(  # type: ignore[assignment]
        lambda cls, *args, **kwargs: RasaModel.load.__func__(cls, *args, **kwargs)  # type: ignore[attr-defined]
    )
    rasa = asyncio.run(parse_all(model, texts))
    intents = sum(a[0] != b[0] for a, b in zip(lean, rasa, strict=True))
    keys = sum(a[1] != b[1] for a, b in zip(lean, rasa, strict=True))
    delta = max((abs(a[2][k] - b[2].get(k, -1.0)) for a, b in zip(lean, rasa, strict=True) for k in a[2]),
                default=0.0)
    print(f"{len(texts)} texts: intents differing {intents}, FAQ keys differing {keys}, "
          f"largest confidence difference {delta:.2e}")
    return 0 if intents == keys == 0 and delta <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
