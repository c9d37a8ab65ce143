"""Personal data out of a citizen's message before it can join training data (issue 14, the review inbox).

Two passes: the maintained ``Samaran`` masker of ``lokal-id`` (names, phone numbers, NIK/KK, e-mail, plates,
addresses with a number, RT/RW, accounts, birth dates, ...), then the few rules of ``handlers/data/redaction.yml``
for what it misses in this hotline's messages (villages below the kecamatan, schools, streets without a number,
names after an honorific it does not know). The rules run on Samaran's output, so a value already masked is never
touched twice. docs/review-inbox.md has the miss rates before and after.

Samaran's UU PDP *attribute* types (health, religion, marital status, finance, criminal record, ...) are not
masked: "hamil", "janda" or "pencabulan" identify nobody on their own, and they are the very words the triage
labels are about.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml
from lokal.samaran import PII_TYPES, PiiType, Samaran

DATA_FILE = Path(__file__).resolve().parent / "data" / "redaction.yml"
# Identifiers stay masked; attributes that only describe (and that the labels depend on) stay readable.
KEPT_ATTRIBUTES: tuple[PiiType, ...] = ("GENDER", "RELIGION", "MARITAL_STATUS", "NATIONALITY", "HEALTH", "FINANCIAL",
                   "CRIMINAL_RECORD", "BIOMETRIC")
_MARK = re.compile(r"«([^»]*)»")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Rule:
    """One rule of the data file: what it masks, its patterns and its invented examples."""

    id: str
    what: str
    kind: str
    patterns: tuple[re.Pattern[str], ...]
    must_mask: tuple[str, ...]
    must_not_mask: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    """The data file: the rules and the stop words that end a captured value."""

    rules: tuple[Rule, ...]
    stop_words: frozenset[str]


@dataclass(frozen=True)
class Redacted:
    """A message with its personal data replaced by placeholders, and how many of each kind were replaced
    (kinds and counts only: never the values)."""

    text: str
    kinds: dict[str, int]


@functools.cache
def load(path: Path = DATA_FILE) -> Rules:
    """The rules, read once; ValueError on a malformed rule or a pattern without its ``v`` group."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rules = []
    for entry in raw.get("rules") or ():
        try:
            patterns = tuple(re.compile(str(p)) for p in entry["patterns"])
            rule = Rule(id=str(entry["id"]), what=str(entry["what"]), kind=str(entry["kind"]), patterns=patterns,
                        must_mask=tuple(str(t) for t in entry.get("must_mask") or ()),
                        must_not_mask=tuple(str(t) for t in entry.get("must_not_mask") or ()))
        except (KeyError, TypeError, re.error) as exc:
            raise ValueError(f"{path.name}: bad rule {entry!r}: {exc}") from exc
        if any("v" not in p.groupindex for p in patterns) or not re.fullmatch(r"[A-Z_]+", rule.kind):
            raise ValueError(f"{path.name}: rule {rule.id} needs a (?P<v>...) group and an upper-case kind")
        rules.append(rule)
    if len({r.id for r in rules}) != len(rules):
        raise ValueError(f"{path.name}: duplicate rule id")
    return Rules(rules=tuple(rules), stop_words=frozenset(str(w).lower() for w in raw.get("stop_words") or ()))


def unmarked(example: str) -> tuple[str, list[str]]:
    """A ``must_mask`` example without its «marks», and the marked values (which must disappear)."""
    return _MARK.sub(r"\1", example), [v.strip() for v in _MARK.findall(example)]


def _trim(value: str, stop_words: frozenset[str]) -> str:
    """``value`` up to its first stop word ("Sukatani kec" -> "Sukatani"); empty when it starts with one."""
    end = 0
    for word in _WORD.finditer(value):
        if word.group().lower().strip(".,") in stop_words:
            break
        end = word.end()
    return value[:end]


class _Numbering:
    """Placeholders numbered per kind within one message, one number per distinct value (as Samaran does)."""

    def __init__(self, samaran: Samaran) -> None:
        self.samaran = samaran
        self.own: dict[tuple[str, str], str] = {}
        self.counts: Counter[str] = Counter()

    def placeholder(self, kind: str, value: str) -> str:
        self.counts[kind] += 1
        if kind in PII_TYPES:  # Samaran's own kinds continue its numbering ([NAME_2] after its [NAME_1])
            return self.samaran.placeholder(cast(PiiType, kind), value)
        key = (kind, value.lower())
        if key not in self.own:
            self.own[key] = f"[{kind}_{sum(1 for k, _ in self.own if k == kind) + 1}]"
        return self.own[key]


def apply_rule(rule: Rule, text: str, numbering: _Numbering, stop_words: frozenset[str]) -> str:
    """``text`` with what ``rule`` finds replaced by placeholders."""
    for pattern in rule.patterns:
        out: list[str] = []
        cursor = 0
        for m in pattern.finditer(text):
            value = _trim(m.group("v"), stop_words)
            if not value:
                continue
            start = m.start("v")
            out.append(text[cursor:start])
            out.append(numbering.placeholder(rule.kind, value))
            cursor = start + len(value)
        out.append(text[cursor:])
        text = "".join(out)
    return text


def samaran_only(text: str) -> str:
    """What the maintained masker alone makes of ``text`` (the "before" of docs/review-inbox.md)."""
    return Samaran(exclude=KEPT_ATTRIBUTES).mask(text).text


def redact(text: str) -> Redacted:
    """``text`` with names, numbers, addresses, villages and schools replaced by placeholders like [NAME_1].

    Pure and deterministic (one fresh Samaran vault per message: nothing is remembered between messages); the
    placeholders cannot be reversed, since the vault is dropped.
    """
    samaran = Samaran(exclude=KEPT_ATTRIBUTES)
    masked = samaran.mask(text or "")
    numbering = _Numbering(samaran)
    numbering.counts.update(m.type for m in masked.matches)
    rules = load()
    out = masked.text
    for rule in rules.rules:
        out = apply_rule(rule, out, numbering, rules.stop_words)
    return Redacted(text=out, kinds=dict(numbering.counts))
