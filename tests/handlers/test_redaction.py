"""Redaction before training data: every rule of ``handlers/data/redaction.yml`` masks its must-mask examples and
leaves its must-not-mask examples alone (one parametrised test), and on the invented corpus the rules close what
the Samaran masker alone misses (the figures of docs/review-inbox.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lokal.samaran import Samaran

from handlers import redaction

DATA = Path(__file__).resolve().parent / "data"
RULES = redaction.load()


def _examples() -> list[tuple[str, str, str]]:
    out = []
    for rule in RULES.rules:
        out += [(rule.id, "must_mask", t) for t in rule.must_mask]
        out += [(rule.id, "must_not_mask", t) for t in rule.must_not_mask]
    return out


@pytest.mark.parametrize(("rule_id", "expect", "example"), _examples())
def test_rule_examples(rule_id: str, expect: str, example: str) -> None:
    rule = next(r for r in RULES.rules if r.id == rule_id)
    if expect == "must_mask":
        text, values = redaction.unmarked(example)
        assert values, "a must_mask example marks what must disappear with «»"
        out = redaction.redact(text).text
        assert not [v for v in values if v in out], out
        # The rule itself is needed: Samaran alone leaves at least one of the marked values.
        assert [v for v in values if v in redaction.samaran_only(text)], f"Samaran already masks: {example}"
    else:
        numbering = redaction._Numbering(Samaran())
        assert redaction.apply_rule(rule, example, numbering, RULES.stop_words) == example


def _score(path: Path, fn: object) -> tuple[int, int, int, int]:
    misses = total = over = kept = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out = fn(row["text"])  # type: ignore[operator]
        total += len(row["pii"])
        misses += sum(1 for v in row["pii"] if v in out)
        kept += len(row["keep"])
        over += sum(1 for v in row["keep"] if v not in out)
    return misses, total, over, kept


def test_miss_rate_before_and_after_on_the_invented_corpus() -> None:
    before = _score(DATA / "redaction_corpus.jsonl", redaction.samaran_only)
    after = _score(DATA / "redaction_corpus.jsonl", lambda t: redaction.redact(t).text)
    print(f"\ncorpus: Samaran alone misses {before[0]}/{before[1]}, with the rules {after[0]}/{after[1]}; "
          f"over-masked words kept: {before[2]}/{before[3]} -> {after[2]}/{after[3]}")
    assert before[0] > 0  # the measurement means something: Samaran alone does miss these
    assert after[0] == 0
    assert after[2] <= 2  # the rules may not eat the words the labels rest on


@pytest.mark.parametrize("name", ["redaction_heldout.jsonl", "redaction_heldout2.jsonl"])
def test_held_out_messages_written_after_the_rules(name: str) -> None:
    # Round 1 was written after the first rules (it missed 3/24 with them: a landline, an RT alone, a name after
    # "Pak RW"; those three rules came from it). Round 2 was written after that and measured once, untuned.
    before = _score(DATA / name, redaction.samaran_only)
    after = _score(DATA / name, lambda t: redaction.redact(t).text)
    print(f"\n{name}: Samaran alone misses {before[0]}/{before[1]}, with the rules {after[0]}/{after[1]}; "
          f"over-masked: {before[2]}/{before[3]} -> {after[2]}/{after[3]}")
    assert before[0] > 0 and after[0] == 0 and after[2] <= before[2]  # the rules add no over-masking


def test_redact_keeps_labels_words_and_reports_kinds_only() -> None:
    out = redaction.redact("saya hamil, suami saya Joko 0812-3456-7890 tinggal di desa Sukatani")
    assert out.text == "saya hamil, suami saya [NAME_1] [PHONE_1] tinggal di desa [VILLAGE_1]"
    assert out.kinds == {"NAME": 1, "PHONE": 1, "VILLAGE": 1}


@pytest.mark.parametrize("text", ["", "   ", "😢😢", "a" * 5000, "[NAME_1] [VILLAGE_1]", "desa", "jl."])
def test_odd_input(text: str) -> None:
    assert isinstance(redaction.redact(text).text, str)
