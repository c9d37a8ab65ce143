"""The release gate: a new Rasa model may serve only if triage with it is not worse than with the live one.

Run by the blue-green swap (``hotline.model_swap``) after the new server loaded and before anyone is moved to it,
against the live server in the same run, on the project's own labelled messages:

- every labelled message whose guide label is an emergency and that the live model's triage calls an emergency
  must still be one with the new model (emergency recall may not drop by one message);
- on the invented hold-out (``nlu/tools/holdout.py``, never trained on), the share of messages triaged to an
  accepted category (or to "not a report") may not be lower.

Ids and counts only are reported, never texts.
"""

from __future__ import annotations

import ast
import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from core.settings import PROJECT_ROOT
from handlers.triage import TriageResult, faq_key_of, triage

LABELLED_DIR = PROJECT_ROOT / "nlu" / "tools" / "labelled"
HOLDOUT_FILE = PROJECT_ROOT / "nlu" / "tools" / "holdout.py"


@dataclass(frozen=True)
class GateReport:
    """The comparison the console shows: live model beside the candidate."""

    emergencies_live: int
    emergencies_new: int
    lost: tuple[str, ...]  # ids of labelled emergencies the candidate no longer calls one
    holdout_live: float
    holdout_new: float
    messages: int

    @property
    def passed(self) -> bool:
        """No emergency lost and the hold-out not worse."""
        return not self.lost and self.holdout_new >= self.holdout_live

    def summary(self) -> str:
        """One line for the console and the logs (counts only)."""
        verdict = "lulus" if self.passed else "tidak lulus"
        return (f"gerbang {verdict}: darurat {self.emergencies_live} → {self.emergencies_new} "
                f"({len(self.lost)} hilang), hold-out {self.holdout_live:.3f} → {self.holdout_new:.3f}, "
                f"{self.messages} pesan")


def emergency_set(folder: Path = LABELLED_DIR) -> list[tuple[str, str]]:
    """(id, text) of the labelled messages whose first guide label is an emergency."""
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                urgency = row["urgency"] if isinstance(row["urgency"], list) else [row["urgency"]]
                if urgency and urgency[0] == "emergency":
                    out.append((str(row["id"]), str(row["text"])))
    return out


def holdout_set(path: Path = HOLDOUT_FILE) -> list[tuple[str, list[str]]]:
    """(text, accepted categories) of the invented hold-out, read without importing the tools."""
    if not path.exists():
        return []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "HOLDOUT" for t in targets):
                return [(str(t), [str(c) for c in cats]) for t, cats in ast.literal_eval(node.value)]
    return []


def category_of(result: TriageResult) -> str:
    """A report's category, or "none" for anything that opens no case."""
    return "none" if result.urgency == "none" else str(result.category)


async def _parses(client: httpx.AsyncClient, url: str, texts: list[str], concurrency: int) -> list[dict[str, Any]]:
    limit = asyncio.Semaphore(concurrency)

    async def one(text: str) -> dict[str, Any]:
        async with limit:
            r = await client.post(f"{url}/model/parse", json={"text": text})
            r.raise_for_status()
            parsed: dict[str, Any] = r.json()
            return parsed

    return list(await asyncio.gather(*(one(t) for t in texts)))


def _triage_all(texts: list[str], parses: list[dict[str, Any]]) -> list[TriageResult]:
    return [triage(t, p) for t, p in zip(texts, parses, strict=True)]


async def run_gate(live_url: str, new_url: str, *, concurrency: int = 4) -> GateReport:
    """Triage the gate's messages with each server's parses and compare."""
    emergencies = emergency_set()
    holdout = holdout_set()
    texts = [t for _, t in emergencies] + [t for t, _ in holdout]
    async with httpx.AsyncClient(timeout=30) as client:
        live_parses, new_parses = await asyncio.gather(_parses(client, live_url, texts, concurrency),
                                                       _parses(client, new_url, texts, concurrency))
    # Triage is CPU work (the statistical heads): off the event loop, which keeps answering people.
    live = await asyncio.to_thread(_triage_all, texts, live_parses)
    new = await asyncio.to_thread(_triage_all, texts, new_parses)
    n = len(emergencies)
    live_em = {emergencies[i][0] for i in range(n) if live[i].urgency == "emergency"}
    new_em = {emergencies[i][0] for i in range(n) if new[i].urgency == "emergency"}

    def accuracy(results: list[TriageResult]) -> float:
        hits = sum(category_of(r) in cats for r, (_, cats) in zip(results[n:], holdout, strict=True))
        return hits / len(holdout) if holdout else 1.0

    return GateReport(emergencies_live=len(live_em), emergencies_new=len(new_em),
                      lost=tuple(sorted(live_em - new_em)), holdout_live=round(accuracy(live), 4),
                      holdout_new=round(accuracy(new), 4), messages=len(texts))


@dataclass(frozen=True)
class ReviewedReport:
    """Triage on the reviewed real messages a release exported (``reviewed.jsonl``): how often the urgency is the
    editor's, live model beside the candidate. Measured, not gated: the candidate trained on these messages, so
    they are no hold-out. Counts only."""

    messages: int
    urgency_live: int
    urgency_new: int

    def summary(self) -> str:
        """One line for the console (counts only)."""
        return (f"pesan nyata yang ditinjau: {self.messages}, urgensi benar {self.urgency_live} (model aktif) → "
                f"{self.urgency_new} (kandidat)")


async def run_reviewed_gate(live_url: str, new_url: str, rows: list[dict[str, Any]], *,
                            concurrency: int = 4) -> ReviewedReport:
    """Triage each labelled row (``{"text", "urgency": [accepted...]}``) with each server's parse and count the
    urgencies the editor accepted."""
    texts = [str(r["text"]) for r in rows]
    if not texts:
        return ReviewedReport(messages=0, urgency_live=0, urgency_new=0)
    async with httpx.AsyncClient(timeout=30) as client:
        live_parses, new_parses = await asyncio.gather(_parses(client, live_url, texts, concurrency),
                                                       _parses(client, new_url, texts, concurrency))
    live = await asyncio.to_thread(_triage_all, texts, live_parses)
    new = await asyncio.to_thread(_triage_all, texts, new_parses)

    def right(results: list[TriageResult]) -> int:
        return sum(res.urgency in row["urgency"] for res, row in zip(results, rows, strict=True))

    return ReviewedReport(messages=len(texts), urgency_live=right(live), urgency_new=right(new))


@dataclass(frozen=True)
class FaqGateReport:
    """FAQ topic accuracy on the held-out example questions (never trained on): live model beside the candidate.

    ``topics``: key -> (held-out questions, right with the live model, right with the candidate). Counts only.
    """

    topics: dict[str, tuple[int, int, int]]

    @property
    def total(self) -> int:
        """Held-out questions measured."""
        return sum(n for n, _, _ in self.topics.values())

    @property
    def live(self) -> float:
        """The live model's accuracy."""
        return round(sum(lv for _, lv, _ in self.topics.values()) / self.total, 4) if self.total else 1.0

    @property
    def new(self) -> float:
        """The candidate's accuracy."""
        return round(sum(nw for _, _, nw in self.topics.values()) / self.total, 4) if self.total else 1.0

    @property
    def passed(self) -> bool:
        """Not lower than the live model's."""
        return self.new >= self.live

    def worse_topics(self) -> list[str]:
        """Topics the candidate answers right less often than the live model."""
        return sorted(k for k, (_, lv, nw) in self.topics.items() if nw < lv)

    def summary(self) -> str:
        """One line for the console (counts only)."""
        verdict = "lulus" if self.passed else "tidak lulus"
        worse = self.worse_topics()
        return (f"FAQ {verdict}: akurasi hold-out {self.live:.3f} → {self.new:.3f} ({self.total} pertanyaan)"
                + (f"; lebih buruk di {', '.join(worse)}" if worse else ""))


async def run_faq_gate(live_url: str, new_url: str, holdout: dict[str, list[str]], *,
                       concurrency: int = 4) -> FaqGateReport:
    """Parse every held-out question with both servers and count the right topics."""
    pairs = [(key, text) for key, texts in sorted(holdout.items()) for text in texts]
    texts = [t for _, t in pairs]
    async with httpx.AsyncClient(timeout=30) as client:
        live, new = await asyncio.gather(_parses(client, live_url, texts, concurrency),
                                         _parses(client, new_url, texts, concurrency))
    topics: dict[str, tuple[int, int, int]] = {}
    for (key, _), lp, np_ in zip(pairs, live, new, strict=True):
        n, lv, nw = topics.get(key, (0, 0, 0))
        topics[key] = (n + 1, lv + (faq_key_of(lp) == key), nw + (faq_key_of(np_) == key))
    return FaqGateReport(topics=topics)


async def parse_all(url: str, texts: list[str], *, concurrency: int = 4) -> list[dict[str, Any]]:
    """``/model/parse`` of each text on one server (in order)."""
    async with httpx.AsyncClient(timeout=30) as client:
        return await _parses(client, url, texts, concurrency)
