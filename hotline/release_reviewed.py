"""Reviewed real messages in a release: the review inbox's confirmed items (already redacted text, the editor's
labels) become part of the release's Rasa training data and a labelled set of real traffic in its folder.

- Into the Rasa data (:func:`split_for_rasa`, written to ``data/reviewed.yml`` beside the release's ``nlu.yml``:
  Rasa merges the files) under the confirmed intent, when the release's domain knows it (a non-FAQ intent of
  ``domain.yml``, or ``faq/<key>`` of a topic the release trains); anything else is skipped and counted by why.
  The redaction placeholders (``[NAME_1]``) are dropped from the line: the model never sees them in a citizen's
  message, and Rasa would read ``[..]`` as entity markup. A file of their own keeps them apart from the editors'
  and the repo's examples (:func:`scrub` never touches those).
- Into ``reviewed.jsonl`` (:func:`write_labelled`) with the fields of the project's labelled sets
  (``nlu/tools/labelled/``: id, text, urgency, category, victim), ids ``review-<id>``: the release gate measures
  triage on it (counts only).

An item whose citizen wrote ``hapus`` is deleted with the conversation (``crud.erase_conversation``) before any
export reads it; :func:`scrub` takes an erased item's text back out of the release folders written before.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from hotline.release_data import FAQ_PREFIX
from storage.review import TrainingExample

log = logging.getLogger(__name__)

REVIEWED_FILE = "reviewed.jsonl"
RASA_FILE = Path("data") / "reviewed.yml"
ID_PREFIX = "review-"
# A redaction placeholder: [NAME_1], [PHONE_2], [VILLAGE_1]...
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]*_\d+\]")
# An annotated Rasa example: "[suami](relationship)" -> "suami" (to compare texts).
_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_EXAMPLE = re.compile(r"^      - (.*)$")


@dataclass(frozen=True)
class ReviewedSet:
    """The confirmed examples a release exports, and which of them go into its Rasa data."""

    examples: tuple[TrainingExample, ...]
    rasa: dict[str, list[str]] = field(default_factory=dict)  # intent ("report_physical", "faq/cost") -> lines
    skipped: dict[str, int] = field(default_factory=dict)  # why not in the Rasa data -> how many

    @property
    def ids(self) -> list[int]:
        """The review item ids (all exported in the labelled file, whether or not Rasa trains on them)."""
        return [e.id for e in self.examples]

    @property
    def faq(self) -> dict[str, list[str]]:
        """The FAQ lines by topic key."""
        return {k.removeprefix(FAQ_PREFIX): v for k, v in self.rasa.items() if k.startswith(FAQ_PREFIX)}

    @property
    def other(self) -> dict[str, list[str]]:
        """The lines of the non-FAQ intents."""
        return {k: v for k, v in self.rasa.items() if not k.startswith(FAQ_PREFIX)}


def domain_intents(domain_file: Path) -> set[str]:
    """The domain's intents other than the FAQ retrieval intent (whose keys are the release's topics)."""
    data = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    names = {next(iter(i)) if isinstance(i, dict) else str(i) for i in data.get("intents") or []}
    return names - {FAQ_PREFIX.rstrip("/")}


def known_examples(nlu_file: Path) -> set[str]:
    """Every example of a generated ``nlu.yml``, entity markup removed, casefolded (to skip duplicates)."""
    out = set()
    for line in nlu_file.read_text(encoding="utf-8").splitlines():
        m = _EXAMPLE.match(line)
        if m:
            out.add(_MARKUP.sub(r"\1", m.group(1)).casefold().strip())
    return out


def rasa_line(text: str) -> str | None:
    """A redacted message as one Rasa example line: placeholders dropped, one line, no markup characters left;
    None when nothing usable remains."""
    line = " ".join(_PLACEHOLDER.sub(" ", text).split())
    if not line or any(c in line for c in "[]{}") or not any(c.isalpha() for c in line):
        return None
    return line


def split_for_rasa(examples: Iterable[TrainingExample], *, intents: set[str], topics: Iterable[str],
                   known: set[str]) -> ReviewedSet:
    """Which confirmed examples train which intent of a release whose domain has ``intents`` (non-FAQ) and whose
    FAQ ``topics`` are given; ``known``: example texts already in the data (casefolded). Skipped ones are counted
    as ``no_intent``, ``unknown_intent`` (not in this domain: a topic removed, a typo), ``duplicate`` or
    ``unusable`` (nothing but placeholders)."""
    faq_topics = set(topics)
    rows = tuple(examples)
    rasa: dict[str, list[str]] = {}
    skipped: Counter[str] = Counter()
    seen = set(known)
    for e in rows:
        intent = e.intent or ""
        if not intent:
            skipped["no_intent"] += 1
            continue
        is_faq = intent.startswith(FAQ_PREFIX)
        if (is_faq and intent.removeprefix(FAQ_PREFIX) not in faq_topics) or (not is_faq and intent not in intents):
            skipped["unknown_intent"] += 1
            continue
        line = rasa_line(e.text)
        if line is None:
            skipped["unusable"] += 1
        elif line.casefold() in seen:
            skipped["duplicate"] += 1
        else:
            seen.add(line.casefold())
            rasa.setdefault(intent, []).append(line)
    return ReviewedSet(examples=rows, rasa=rasa, skipped=dict(sorted(skipped.items())))


def labelled_row(e: TrainingExample) -> dict[str, object]:
    """One example in the format of the project's labelled sets (accepted labels as lists, as there)."""
    return {"id": f"{ID_PREFIX}{e.id}", "text": e.text, "urgency": [e.urgency], "category": [e.category],
            "victim": e.victim}


def write_labelled(folder: Path, examples: Iterable[TrainingExample]) -> Path:
    """Write ``reviewed.jsonl`` into a release folder; its path."""
    path = folder / REVIEWED_FILE
    lines = [json.dumps(labelled_row(e), ensure_ascii=False) + "\n" for e in examples]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def read_labelled(folder: Path) -> list[dict[str, object]]:
    """The rows of a release folder's ``reviewed.jsonl`` (none when the release has no such file)."""
    path = folder / REVIEWED_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_rasa(folder: Path, reviewed: ReviewedSet) -> Path | None:
    """Write the reviewed examples' Rasa data (``data/reviewed.yml``) into a release folder; its path, or None
    when no example goes to Rasa (no file: the release's data is then the editors' and the repo's only)."""
    if not reviewed.rasa:
        return None
    path = folder / RASA_FILE
    blocks = "".join(f"  - intent: {intent}\n    examples: |\n" + "".join(f"      - {ln}\n" for ln in lines)
                     for intent, lines in sorted(reviewed.rasa.items()))
    path.write_text(f'version: "3.1"\nnlu:\n{blocks}', encoding="utf-8")
    yaml.safe_load(path.read_text(encoding="utf-8"))  # fail here, not in Rasa, if the result is not YAML
    return path


def scrub(folders: Iterable[Path], review_ids: Iterable[int]) -> int:
    """Take erased review items out of release folders written before the erasure: their rows of
    ``reviewed.jsonl`` and their lines of ``data/reviewed.yml``; how many rows went. (A model already trained
    keeps what it learnt; the next release trains without them, and fully: ``hotline.releases.make_plan``.)"""
    gone_ids = {f"{ID_PREFIX}{i}" for i in review_ids}
    removed = 0
    for folder in folders:
        rows = read_labelled(folder)
        gone = [r for r in rows if r["id"] in gone_ids]
        if not gone:
            continue
        kept = [r for r in rows if r["id"] not in gone_ids]
        (folder / REVIEWED_FILE).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept),
                                            encoding="utf-8")
        removed += len(gone)
        lines = {rasa_line(str(r["text"])) for r in gone} - {None}
        data = folder / RASA_FILE
        if lines and data.exists():
            text = data.read_text(encoding="utf-8").splitlines(keepends=True)
            data.write_text("".join(ln for ln in text if not ((m := _EXAMPLE.match(ln.rstrip("\n")))
                                                              and m.group(1) in lines)), encoding="utf-8")
    return removed


class ReleaseScrubber:
    """The ``hapus`` hook (``Hotline.forget_review_items``): takes the erased review items out of every release
    folder under ``root``, off the event loop; never raises (an error is logged by type)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    async def __call__(self, review_ids: tuple[int, ...]) -> None:
        """Scrub ``review_ids`` from the release folders."""
        def run() -> int:
            folders = sorted(p for p in self.root.iterdir() if p.is_dir()) if self.root.is_dir() else []
            return scrub(folders, review_ids)

        try:
            removed = await asyncio.to_thread(run)
        except OSError as exc:
            log.warning("release folders not scrubbed after an erasure (%s)", type(exc).__name__)
            return
        if removed:
            log.info("%d erased review item(s) taken out of release folders", removed)

