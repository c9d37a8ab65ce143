"""Every entry of the safety net's cue data (handlers/data/cues.yml) fires on its examples and on nothing else
of its own. Invented examples only."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.rules import cues
from handlers.safety import detect_danger, normalise

ENTRIES = [c for family in cues.load().values() for c in family]


def test_the_data_has_entries_with_examples() -> None:
    assert ENTRIES
    for c in ENTRIES:
        assert c.fires and c.does_not_fire, f"{c.family}/{c.id} needs examples of both kinds"


@pytest.mark.parametrize("cue", ENTRIES, ids=lambda c: f"{c.family}/{c.id}")
def test_entry_examples(cue: cues.Cue) -> None:
    for text in cue.fires:
        assert cue.id in cues.matches(cue.family, normalise(text)), f"{cue.id} must fire on: {text}"
    for text in cue.does_not_fire:
        assert cue.id not in cues.matches(cue.family, normalise(text)), f"{cue.id} must not fire on: {text}"


@pytest.mark.parametrize("cue", [c for c in ENTRIES if c.family == "not_own_death"], ids=lambda c: c.id)
def test_a_death_that_is_not_the_writers_raises_no_suicide_cue(cue: cues.Cue) -> None:
    for text in cue.fires:
        assert "suicide_self_harm" not in detect_danger(text).cues, text


def test_a_malformed_entry_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "cues.yml"
    bad.write_text("fam:\n  - id: x\n    what: y\n    patterns: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad entry"):
        cues.load(bad)
    dup = tmp_path / "dup.yml"
    dup.write_text("fam:\n  - {id: x, what: y, patterns: [a]}\n  - {id: x, what: z, patterns: [b]}\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        cues.load(dup)
