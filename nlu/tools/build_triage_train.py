"""Rebuild handlers/data/triage_train.jsonl, the training file of the auxiliary urgency model.

usage: python3 nlu/tools/build_triage_train.py

Rows: ``labelled.labelled_rows()`` (the sets in nlu/tools/labelled; never shared/triage/dev.jsonl), first
urgency label only, and the victim label, duplicates of a text dropped, plus the rows already marked ``"source": "invented"`` (kept
as they are). The order is fixed so the model trains deterministically.
"""

from __future__ import annotations

import json
from pathlib import Path

from labelled import labelled_rows

TRAIN_FILE = Path(__file__).resolve().parents[2] / "handlers" / "data" / "triage_train.jsonl"


def main() -> None:
    invented = []
    if TRAIN_FILE.exists():
        invented = [r for r in map(json.loads, TRAIN_FILE.read_text(encoding="utf-8").splitlines())
                    if r.get("source") == "invented"]
    seen: set[str] = set()
    rows = []
    for row in labelled_rows():
        if row["text"] in seen:
            continue
        seen.add(row["text"])
        rows.append({"text": row["text"], "urgency": row["urgency"][0], "victim": row["victim"], "source": row["set"]})
    rows += [r for r in invented if r["text"] not in seen]
    TRAIN_FILE.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{TRAIN_FILE}: {len(rows)} rows")


if __name__ == "__main__":
    main()
