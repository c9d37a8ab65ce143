"""Measure the trained NLU model on the labelled development set (never train on it).

usage: .venv-rasa/bin/python nlu/tools/eval_dev.py [MODEL.tar.gz] [LABELS.jsonl ...] [--show] [--holdout]
                                                    [--url=http://127.0.0.1:5095]

Any labelled JSONL in the shared/triage format works (e.g. /work/blind/C.jsonl); several files are scored
together. With --url the texts go to a running Rasa server's /model/parse (the model argument is then ignored;
pass "-" for it) instead of loading the model in-process.

Maps each predicted intent to the triage view that handlers/triage.py takes from it: report_<type> ->
"a report of category <type>", anything else -> "not a report"; then prints report recall, non-report
accuracy, category accuracy (over reports with a scored category), parse latency and, with --show, every
miss. Urgency is not measured here: it comes from the safety net and time cues in handlers/.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

NLU_DIR = Path(__file__).resolve().parent.parent
DEFAULT_LABELS = NLU_DIR.parent.parent / "shared" / "triage" / "dev.jsonl"


def newest_model() -> Path:
    models = sorted((NLU_DIR / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit("no model in nlu/models: run rasa train first")
    return models[-1]


class _HttpParser:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/") + "/model/parse"

    async def parse_message(self, text: str) -> dict:
        import urllib.request

        req = urllib.request.Request(self.url, data=json.dumps({"text": text}).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())


def load_rows(labels_path: Path) -> list[dict]:
    if labels_path.name == "holdout":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from holdout import HOLDOUT

        rows = [{"id": f"h{i:03d}", "text": t, "category": cats, "urgency": ["none"] if cats == ["none"] else ["?"]}
                for i, (t, cats) in enumerate(HOLDOUT)]
    else:
        rows = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


async def run(model: Path | None, labels_paths: list[Path], show: bool, url: str | None = None) -> dict[str, float]:
    if url:
        agent = _HttpParser(url)
    else:
        os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
        from rasa.core.agent import Agent  # imported late: slow, and only inside .venv-rasa

        sys.path.insert(0, str(NLU_DIR))  # the custom components config.yml names (nlu/hotline_*.py)
        agent = Agent.load(str(model))
    rows = [row for p in labels_paths for row in load_rows(p)]
    reports = nonreports = report_hits = nonreport_hits = cat_total = cat_hits = 0
    cat_total_rep = cat_hits_rep = 0
    latencies = []
    for row in rows:
        start = time.perf_counter()
        parse = await agent.parse_message(row["text"])
        latencies.append((time.perf_counter() - start) * 1000)
        intent = parse["intent"]["name"]
        conf = parse["intent"]["confidence"]
        is_report = intent.startswith("report_")
        category = intent.removeprefix("report_") if is_report else "none"
        gold_report = row["urgency"] != ["none"]
        ok = True
        if gold_report:
            reports += 1
            report_hits += is_report
            ok = is_report
            if row["category"] not in (["*"], ["none"]):
                cat_total += 1
                cat_hits += category in row["category"]
                cat_total_rep += is_report
                cat_hits_rep += is_report and category in row["category"]
                ok = ok and category in row["category"]
        else:
            nonreports += 1
            nonreport_hits += not is_report
            ok = not is_report
        if show and not ok:
            print(f"MISS {row['id']} gold={row['category']} got={intent} ({conf:.2f}) | {row['text']}")
        if show:
            ents = [(e["entity"], e["value"]) for e in parse.get("entities", [])]
            if ents:
                print(f"  ents {row['id']}: {ents}")
    m = {
        "n": len(rows),
        "report_vs_nonreport_accuracy": (report_hits + nonreport_hits) / max(1, reports + nonreports),
        "report_recall": report_hits / reports,
        "nonreport_accuracy": nonreport_hits / nonreports,
        "category_accuracy": cat_hits / cat_total,
        "category_accuracy_when_report": cat_hits_rep / max(1, cat_total_rep),
        "parse_ms_p50": statistics.median(latencies),
        "parse_ms_max": max(latencies),
    }
    print(" ".join(f"{k}={v:.3f}" for k, v in m.items()))
    return m


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    url = next((a.split("=", 1)[1] for a in argv[1:] if a.startswith("--url=")), None)
    model = None if url else Path(args[0]) if args and args[0] != "-" else newest_model()
    labels = [Path("holdout")] if "--holdout" in argv else [Path(a) for a in args[1:]] or [DEFAULT_LABELS]
    asyncio.run(run(model, labels, "--show" in argv, url))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
