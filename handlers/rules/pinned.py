"""Pinned verdicts: today's triage of every labelled message the project holds, kept in one golden file.

``handlers/data/pinned_verdicts.jsonl`` holds, per message id, the urgency, category, victim and danger cues
that :func:`handlers.triage.triage` gives with Rasa down (the safety net, the rule layers and the three
statistical heads; Rasa's answer would make the file depend on a 15-minute training and a running server).
``tests/handlers/test_pinned_verdicts.py`` recomputes them and lists the ids whose verdict changed, so a
change of verdict is a diff someone reviews, never a surprise.

Sources (ids only are stored, never texts): the labelled sets ``nlu/tools/labelled/*.jsonl``, the invented
test cases ``tests/handlers/data/triage_cases.jsonl``, the invented rows of
``handlers/data/triage_train.jsonl`` and the invented hold-out of ``nlu/tools/holdout.py`` (ids made from a
hash of the text), and the shared dev set when it is present (``dev:<id>``; its texts stay in
``../shared``). Never the shared real files.

Regenerate after a reviewed change: ``.venv/bin/python -m handlers.rules.pinned --write`` (about a minute);
without ``--write`` it prints the changed ids only.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "handlers" / "data" / "pinned_verdicts.jsonl"
LABELLED_DIR = ROOT / "nlu" / "tools" / "labelled"
TEST_CASES = ROOT / "tests" / "handlers" / "data" / "triage_cases.jsonl"
TRAIN_FILE = ROOT / "handlers" / "data" / "triage_train.jsonl"
HOLDOUT = ROOT / "nlu" / "tools" / "holdout.py"
DEV = ROOT.parent / "shared" / "triage" / "dev.jsonl"
FIELDS = ("urgency", "category", "victim", "cues")


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _hid(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


def _holdout_texts() -> list[str]:
    """The texts of ``HOLDOUT`` in nlu/tools/holdout.py, read without importing the tools package."""
    if not HOLDOUT.exists():
        return []
    tree = ast.parse(HOLDOUT.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "HOLDOUT" for t in targets):
                return [str(item[0]) for item in ast.literal_eval(node.value)]
    return []


def sources() -> Iterator[tuple[str, str]]:
    """(id, text) of every labelled message the project holds, in a fixed order; ids are unique."""
    seen: set[str] = set()

    def once(row_id: str, text: str) -> Iterator[tuple[str, str]]:
        if row_id not in seen:
            seen.add(row_id)
            yield row_id, text

    for path in sorted(LABELLED_DIR.glob("*.jsonl")):
        for row in _jsonl(path):
            yield from once(str(row["id"]), row["text"])
    for row in _jsonl(TEST_CASES):
        yield from once(f"case:{row['id']}", row["text"])
    for row in _jsonl(TRAIN_FILE):
        if row.get("source") == "invented":
            yield from once(_hid("invented", row["text"]), row["text"])
    for text in _holdout_texts():
        yield from once(_hid("holdout", text), text)
    for row in _jsonl(DEV):
        yield from once(f"dev:{row['id']}", row["text"])


def verdict(text: str) -> dict[str, Any]:
    """The pinned fields of one message's triage with Rasa down."""
    from handlers.triage import triage

    r = triage(text, None)
    return {"urgency": r.urgency, "category": r.category, "victim": r.victim, "cues": sorted(r.danger_cues)}


def compute() -> dict[str, dict[str, Any]]:
    """id -> verdict for every source message."""
    return {row_id: verdict(text) for row_id, text in sources()}


def load() -> dict[str, dict[str, Any]]:
    """The golden file: id -> pinned verdict."""
    return {r["id"]: {k: r[k] for k in FIELDS} for r in _jsonl(GOLDEN)}


def diff(pinned: dict[str, dict[str, Any]], now: dict[str, dict[str, Any]]) -> list[str]:
    """One line per id whose verdict changed ("id: field old -> new"), or that is new or gone.

    An id of the dev set that is pinned but absent now (the shared dev set is not in every checkout) is not a
    change.
    """
    lines = []
    for row_id in sorted(set(pinned) | set(now)):
        old, new = pinned.get(row_id), now.get(row_id)
        if old is None:
            lines.append(f"{row_id}: new, not pinned")
        elif new is None:
            if not (row_id.startswith("dev:") and not DEV.exists()):
                lines.append(f"{row_id}: pinned but no longer a source")
        elif old != new:
            changed = ", ".join(f"{k} {old[k]} -> {new[k]}" for k in FIELDS if old[k] != new[k])
            lines.append(f"{row_id}: {changed}")
    return lines


def write(now: dict[str, dict[str, Any]]) -> None:
    """Rewrite the golden file (ids sorted, one JSON line each)."""
    with GOLDEN.open("w", encoding="utf-8") as f:
        for row_id in sorted(now):
            f.write(json.dumps({"id": row_id, **now[row_id]}, ensure_ascii=False) + "\n")


def main(argv: list[str]) -> int:
    """Print the changed ids; with ``--write``, pin today's verdicts."""
    now = compute()
    changes = diff(load(), now)
    for line in changes:
        print(line)
    print(f"{len(now)} messages, {len(changes)} changed", file=sys.stderr)
    if "--write" in argv:
        write(now)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
