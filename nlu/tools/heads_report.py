"""What the statistical heads read, and how well their probabilities are calibrated on the shared real files.

usage: .venv/bin/python nlu/tools/heads_report.py [FILE.jsonl ...]   (default: the shared real files and dev)

Prints, as Markdown: the strongest features of the emergency head and of the report head
(:func:`handlers.text_model.strongest_features`), then for each file a reliability table per head: messages per
probability bin, the mean probability the head gave, and the share that really is an emergency (or a report) by
the file's labels; and how many messages cross the operating points (emergency head ≥ EMERGENCY_THRESHOLD, report
head < REPORT_VETO). The heads alone, without Rasa and without the rules. Prints no message text.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from handlers import text_model  # noqa: E402
from handlers.safety import normalise  # noqa: E402

SHARED = ROOT.parent / "shared" / "triage"
DEFAULT_FILES = [SHARED / "real" / "emot.jsonl", SHARED / "real" / "smsa.jsonl", SHARED / "dev.jsonl"]
BINS = [0.0, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0001]


def first_urgency(row: dict[str, object]) -> str:
    """The first accepted urgency of a labelled row."""
    value = row["urgency"]
    return str(value[0] if isinstance(value, list) else value)


def reliability(probs: list[float], truth: list[bool]) -> list[tuple[str, int, float, float]]:
    """(bin, messages, mean probability, observed share) for each non-empty bin."""
    out = []
    for lo, hi in zip(BINS, BINS[1:], strict=False):
        idx = [i for i, p in enumerate(probs) if lo <= p < hi]
        if idx:
            out.append((f"{lo:.1f}–{min(hi, 1.0):.1f}", len(idx), sum(probs[i] for i in idx) / len(idx),
                        sum(truth[i] for i in idx) / len(idx)))
    return out


def main(paths: list[Path]) -> None:
    """Print the features and the calibration tables."""
    if not text_model.warm():
        print("the statistical heads are off (scikit-learn missing)")
        return
    for head in ("emergency", "report"):
        feats = text_model.strongest_features(head, 15)
        print(f"**{head} head, strongest features:** " + ", ".join(f"`{f}` {w:.1f}" for f, w in feats) + "\n")
    for path in paths:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        norms = [normalise(str(r["text"])) for r in rows]
        em = [text_model.emergency_probability(n) or 0.0 for n in norms]
        rep = [text_model.report_probability(n) or 0.0 for n in norms]
        is_em = [first_urgency(r) == "emergency" for r in rows]
        is_rep = [first_urgency(r) != "none" for r in rows]
        print(f"### {path.name} ({len(rows)} messages: {sum(is_em)} emergencies, {sum(is_rep)} reports)\n")
        print("| head | bin | messages | mean P | observed |\n|---|---|---|---|---|")
        for head, probs, truth in (("emergency", em, is_em), ("report", rep, is_rep)):
            for b, count, mean, seen in reliability(probs, truth):
                print(f"| {head} | {b} | {count} | {mean:.3f} | {seen:.3f} |")
        over = sum(p >= text_model.EMERGENCY_THRESHOLD for p in em)
        over_none = sum(p >= text_model.EMERGENCY_THRESHOLD and not e for p, e in zip(em, is_em, strict=True))
        vetoed = sum(p < text_model.REPORT_VETO and r for p, r in zip(rep, is_rep, strict=True))
        print(f"\nEmergency head ≥ {text_model.EMERGENCY_THRESHOLD}: {over} messages ({over_none} not an "
              f"emergency by the labels); report head < {text_model.REPORT_VETO} on a labelled report: {vetoed}. "
              "(The head alone: triage lets it raise a message only where the rules allow, see handlers/triage.py.)\n")


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]] or DEFAULT_FILES)
