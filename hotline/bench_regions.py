"""``hotline bench regions``: place resolution on every message, and its accuracy on the labelled mentions.

Prints, measured in the same run:

* the index build (cold start: the first message that names a place pays it, unless ``places.warm()`` ran);
* p50/p99 per message of ``places.find_place`` on the labelled mentions and on the triage dev messages, beside
  the reference of ``safety.normalise`` on the same messages (the normalisation every message already pays);
* the accuracy on ``tests/handlers/data/place_mentions.jsonl`` by kind of mention, and the misses.

It asserts nothing; the test of the labelled set is ``tests/handlers/test_places.py``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT, Settings
from hotline.bench import load_texts, summarise

MENTIONS = PROJECT_ROOT / "tests" / "handlers" / "data" / "place_mentions.jsonl"


def kind(row: dict[str, Any]) -> str:
    """The kind of a labelled mention: ``abroad``, ``ambiguous``, ``none`` or ``place``."""
    if row.get("abroad"):
        return "abroad"
    if "ambiguous" in row:
        return "ambiguous"
    return "none" if row.get("code") is None else "place"


def judge(row: dict[str, Any], match: Any) -> bool:
    """Whether ``places.find_place``'s ``match`` is what the labelled ``row`` expects.

    ``{"code": C}``: exactly C, not ambiguous; ``{"code": null}``: no place; ``{"abroad": true}``: abroad and no
    Indonesian code; ``{"ambiguous": [teams]}``: a question, whose candidates lie in exactly those regencies
    (any when the list is empty).
    """
    from handlers import places

    k = kind(row)
    if k == "abroad":
        return match is not None and match.abroad and match.code is None and not match.candidates
    if k == "ambiguous":
        if match is None or not match.ambiguous:
            return False
        return not row["ambiguous"] or {places.team_of(c) for c in match.candidates} == set(row["ambiguous"])
    got = match.code if match is not None and not match.ambiguous else None
    return got == row["code"] and not (match is not None and match.ambiguous)


def load_mentions(path: Path = MENTIONS) -> list[dict[str, Any]]:
    """The labelled mentions."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _timed(fns: list[Any], texts: list[str], repeat: int) -> list[list[float]]:
    """Per-call milliseconds of each of ``fns`` on every text, interleaved so all see the same machine load."""
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for text in texts:
            for fn, out in zip(fns, samples, strict=True):
                t0 = time.perf_counter()
                fn(text)
                out.append((time.perf_counter() - t0) * 1000)
    return samples


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Entry point of ``hotline bench regions``."""
    from handlers import places
    from handlers.safety import normalise

    t0 = time.perf_counter()
    places.warm()
    build_s = time.perf_counter() - t0
    rows = load_mentions()
    mention_texts = [r["text"] for r in rows]
    dev = Path(args.file)
    dev_texts = load_texts(dev) if dev.exists() else []
    print(f"index built in {build_s:.2f} s; regions by level: {places.counts()}")
    for name, texts in (("labelled mentions", mention_texts), ("dev messages", dev_texts)):
        if not texts:
            continue
        ref, got = _timed([normalise, places.find_place], texts, args.repeat)
        for label, samples in ((f"reference: safety.normalise, {name}", ref), (f"find_place, {name}", got)):
            row = summarise(label, samples)
            print(f"{row['name']:<48} n={row['n']:<6} p50 {row['p50_ms']:.3f} ms  p99 {row['p99_ms']:.3f} ms")
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    misses = []
    for row in rows:
        k = kind(row)
        total[k] += 1
        if judge(row, places.find_place(row["text"])):
            right[k] += 1
        else:
            misses.append(row["text"])
    for k in sorted(total):
        print(f"accuracy {k:<10} {right[k]}/{total[k]} = {right[k] / total[k]:.3f}")
    n = sum(total.values())
    print(f"accuracy overall   {sum(right.values())}/{n} = {sum(right.values()) / n:.3f}")
    print("misses:", "; ".join(misses) or "none")
    return 0
