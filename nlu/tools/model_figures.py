"""Size, load time and memory of trained Rasa models, side by side in one run (issue 14, training time).

usage: PYTHONPATH=. .venv/bin/python nlu/tools/model_figures.py MODEL.tar.gz [MODEL.tar.gz ...] [--parses=200]

For each model: the file's MB, then ``rasa run --enable-api`` with it (one Sanic worker, as each of the
production workers runs), the seconds until ``/status`` names the model, the resident memory of the process tree
after the load and again after ``--parses`` parses of the invented hold-out texts (nlu/tools/holdout.py), and
the median parse latency. Pass the old model beside the new one so both are measured on the same machine state.
Training seconds come from ``nlu/models/.train_seconds`` (written by scripts/setup.sh), not from here.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from holdout import HOLDOUT  # noqa: E402

from hotline.services import RasaServer  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def measure(model: Path, parses: int) -> dict[str, float]:
    """Start Rasa on ``model`` in a scratch project folder and return its figures."""
    with tempfile.TemporaryDirectory(prefix="model-figures-") as tmp:
        project = Path(tmp)
        (project / "models").mkdir()
        (project / "models" / "hotline.tar.gz").symlink_to(model.resolve())
        server = RasaServer(venv=ROOT / ".venv-rasa", project=project, work_dir=project / "work").start()
        try:
            rss_loaded = server.rss_bytes()
            texts = [text for text, _ in HOLDOUT]
            latencies = []
            with httpx.Client(timeout=30.0) as client:
                for i in range(parses):
                    t0 = time.perf_counter()
                    r = client.post(f"{server.url}/model/parse", json={"text": texts[i % len(texts)]})
                    r.raise_for_status()
                    latencies.append(time.perf_counter() - t0)
            return {
                "mb": model.stat().st_size / 1e6,
                "load_s": server.started_in_s or 0.0,
                "rss_loaded_mb": rss_loaded / 1e6,
                "rss_after_mb": server.rss_bytes() / 1e6,
                "parse_p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
            }
        finally:
            server.stop()


def main(argv: list[str]) -> int:
    parses = 200
    models = []
    for arg in argv:
        if arg.startswith("--parses="):
            parses = int(arg.split("=", 1)[1])
        else:
            models.append(Path(arg))
    if not models:
        print(__doc__)
        return 2
    print(f"{'model':<40} {'MB':>7} {'load s':>7} {'RSS loaded MB':>14} {'RSS after MB':>13} {'parse p50 ms':>13}")
    for model in models:
        f = measure(model, parses)
        print(f"{str(model):<40} {f['mb']:>7.1f} {f['load_s']:>7.1f} {f['rss_loaded_mb']:>14.0f} "
              f"{f['rss_after_mb']:>13.0f} {f['parse_p50_ms']:>13.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
