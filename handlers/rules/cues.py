"""The safety net's cues kept as data (``handlers/data/cues.yml``), run by one small engine.

Each family is a list of entries: ``id``, ``what`` it detects, ``patterns`` (regular expressions on normalised
text, alternatives of one another) and invented examples that must and must not fire. :func:`family_pattern`
gives :mod:`handlers.safety` the family as one regular expression; :func:`matches` names the entries that fire,
for tests and for explaining a verdict.

Seven kinds of family (docs/triage-wordings.md):

- ``fires``: cues that raise danger: each entry names the ``cue`` it fires (``suicide_self_harm``, ...) and may
  require ``with``: one of these context patterns anywhere in the message too; :func:`firing` gives the cues;
- ``suicide_outright``: suicide said outright, one expression for :mod:`handlers.safety` (:func:`family_pattern`),
  which lowers it when negated, past or a partner's lever;
- ``confinement``, ``abduction``, ``documents_withheld``, ``injury``, ``kill_threat``, ``child_left_alone``,
  ``stalking`` (a context of abuse, no cue of its own), ``breaking_in``, ``burn_threat``: the other danger cues, one
  expression each for :mod:`handlers.safety` (:func:`family_pattern`), which keeps when they fire and what lowers
  them;
- ``fires_in_clause``: cues read clause by clause (:func:`search` gives each cue and where it matched, so the
  safety net can drop a negated one and lower one told in the past);

- ``not_own_death``: a death that is not the writer's (stops the suicide cue, keeps the emergency head quiet);
- ``not_danger``: words that look like danger and are not (a writer "tidak sadar" = unaware, a contract that
  "binds", stuck in traffic): :func:`mask` blanks them before the safety net reads the message;
- ``lowers``: a context that lowers cues that fired (a dream, a film, a game, a photo's scene): each entry names
  the cues it ``lowers``, ``to`` what (``high`` or ``none``), ``unless`` which named predicates hold, and
  whether it applies only when those cues are ``alone``; :func:`lower` applies them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
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
    # Only for a ``lowers`` entry: the cues it lowers ("*" for every cue), to "high" or "none", the named
    # predicates that keep the cues as they are, and whether the entry applies only when no other cue fired.
    lowers: tuple[str, ...] = ()
    to: str = "high"
    unless: tuple[str, ...] = ()
    alone: bool = False
    # Only for a ``fires`` entry: the danger cue it raises, and context patterns of which one must match too.
    cue: str = ""
    context: tuple[str, ...] = ()

    @property
    def pattern(self) -> str:
        """The entry's patterns as one alternative, each bounded by word edges."""
        return "|".join(r"\b(?:" + p + r")\b" for p in self.patterns)

    @property
    def context_pattern(self) -> str | None:
        """The ``with`` patterns as one alternative, or None when the entry needs no context."""
        return "|".join(r"\b(?:" + p + r")\b" for p in self.context) or None


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
                          does_not_fire=tuple(str(t) for t in entry.get("does_not_fire") or ()),
                          lowers=tuple(str(c) for c in entry.get("lowers") or ()), to=str(entry.get("to", "high")),
                          unless=tuple(str(u) for u in entry.get("unless") or ()), alone=bool(entry.get("alone")),
                          cue=str(entry.get("cue") or ""), context=tuple(str(w) for w in entry.get("with") or ()))
                re.compile(cue.pattern)
                re.compile(cue.context_pattern or "")
                if family.startswith("fires") and not cue.cue:
                    raise ValueError("a fires entry names the cue it raises")
                if cue.to not in ("high", "none"):
                    raise ValueError(f"to must be high or none, not {cue.to!r}")
            except (KeyError, TypeError, ValueError, re.error) as exc:
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


@functools.cache
def _contexts(family: str) -> tuple[re.Pattern[str] | None, ...]:
    return tuple(re.compile(c.context_pattern) if c.context_pattern else None for c in load()[family])


def matches(family: str, norm: str) -> list[str]:
    """The ids of the entries of ``family`` that fire on an already normalised text (pattern, and context if the
    entry has one)."""
    return [cue_id for (cue_id, rx), ctx in zip(_compiled(family), _contexts(family), strict=True)
            if rx.search(norm) and (ctx is None or ctx.search(norm))]


def search(family: str, text: str) -> list[tuple[str, int]]:
    """(cue, where its match starts) for each entry of a ``fires`` family whose patterns match ``text`` (a clause);
    the caller decides what keeps the cue (a negation just before it, a death that is not the writer's)."""
    return [(c.cue, m.start()) for c, (_, rx) in zip(load()[family], _compiled(family), strict=True)
            if (m := rx.search(text))]


def firing(family: str, norm: str) -> list[str]:
    """The danger cues the entries of a ``fires`` family raise on an already normalised text (each once)."""
    hit = set(matches(family, norm))
    return list(dict.fromkeys(c.cue for c in load()[family] if c.id in hit))


def mask(family: str, norm: str) -> str:
    """``norm`` with every span an entry of ``family`` matches blanked out (words that only look like danger)."""
    for _, rx in _compiled(family):
        norm = rx.sub(" ", norm)
    return re.sub(r" {2,}", " ", norm).strip()


def lower(family: str, norm: str, found: dict[str, Any], predicates: dict[str, Callable[[], bool]]) -> None:
    """Lower, in place, the cues in ``found`` (cue -> "emergency" or "high") that an entry of ``family`` lowers.

    ``predicates`` maps the names an entry may list under ``unless`` to a test of the message; an unknown name
    is an error in the data (the test of the data calls this with every name).
    """
    for cue, (_, rx) in zip(load()[family], _compiled(family), strict=True):
        hit = [c for c in found if "*" in cue.lowers or c in cue.lowers]
        if not hit or (cue.alone and len(hit) < len(found)):
            continue
        if not rx.search(norm) or any(predicates[name]() for name in cue.unless):
            continue
        for c in hit:
            if cue.to == "none":
                del found[c]
            elif found[c] == "emergency":
                found[c] = "high"
