"""The safety net's cues kept as data (``handlers/data/cues.yml``), run by one small engine.

Each family is a list of entries: ``id``, ``what`` it detects, ``patterns`` (regular expressions on normalised
text, alternatives of one another) and invented examples that must and must not fire. :func:`family_pattern`
gives :mod:`handlers.safety` the family as one regular expression; :func:`matches` names the entries that fire,
for tests and for explaining a verdict. The first family is ``not_own_death``; the others still live in
:mod:`handlers.safety` as Python (docs/triage-wordings.md).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "cues.yml"


@dataclass(frozen=True)
class Cue:
    """One entry of a family."""

    family: str
    id: str
    what: str
    patterns: tuple[str, ...]
    fires: tuple[str, ...]
    does_not_fire: tuple[str, ...]

    @property
    def pattern(self) -> str:
        """The entry's patterns as one alternative, each bounded by word edges."""
        return "|".join(r"\b(?:" + p + r")\b" for p in self.patterns)


@functools.cache
def load(path: Path = DATA_FILE) -> dict[str, tuple[Cue, ...]]:
    """family -> its entries, read once; raises ValueError on a malformed entry or a pattern that does not compile."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    families: dict[str, tuple[Cue, ...]] = {}
    for family, entries in raw.items():
        cues = []
        for entry in entries:
            try:
                cue = Cue(family=family, id=str(entry["id"]), what=str(entry["what"]),
                          patterns=tuple(str(p) for p in entry["patterns"]),
                          fires=tuple(str(t) for t in entry.get("fires") or ()),
                          does_not_fire=tuple(str(t) for t in entry.get("does_not_fire") or ()))
                re.compile(cue.pattern)
            except (KeyError, TypeError, re.error) as exc:
                raise ValueError(f"{path.name}: bad entry in {family}: {entry!r}: {exc}") from exc
            cues.append(cue)
        if len({c.id for c in cues}) != len(cues):
            raise ValueError(f"{path.name}: duplicate id in {family}")
        families[family] = tuple(cues)
    return families


def family_pattern(family: str) -> str:
    """Every entry of ``family`` as one regular expression (alternatives), for :mod:`handlers.safety`."""
    return "|".join(c.pattern for c in load()[family])


@functools.cache
def _compiled(family: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((c.id, re.compile(c.pattern)) for c in load()[family])


def matches(family: str, norm: str) -> list[str]:
    """The ids of the entries of ``family`` that fire on an already normalised text."""
    return [cue_id for cue_id, rx in _compiled(family) if rx.search(norm)]
