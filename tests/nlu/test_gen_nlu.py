"""The Rasa training data generator: everyday contrast as out_of_scope, labelled texts spread per intent."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import yaml

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "nlu" / "tools"


def _gen_nlu() -> ModuleType:
    sys.path.insert(0, str(TOOLS))
    spec = importlib.util.spec_from_file_location("gen_nlu_under_test", TOOLS / "gen_nlu.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _examples() -> dict[str, list[str]]:
    data = yaml.safe_load((ROOT / "nlu" / "data" / "nlu.yml").read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}
    for item in data["nlu"]:
        if "intent" in item:
            out[item["intent"]] = [line[2:] for line in item["examples"].splitlines() if line.startswith("- ")]
    return out


def test_an_even_spread_of_the_everyday_contrast_is_out_of_scope_in_the_committed_data() -> None:
    gen = _gen_nlu()
    contrast = gen.everyday_contrast()
    assert len(contrast) >= 400
    assert not any(line.startswith("#") for line in contrast)
    examples = _examples()
    out_of_scope = {e.lower() for e in examples["out_of_scope"]}
    reports = {e.lower() for intent, rows in examples.items() if intent.startswith("report_") for e in rows}
    for_rasa = gen.spread(contrast, gen.CONTRAST_FOR_RASA)
    assert len(for_rasa) == min(len(contrast), gen.CONTRAST_FOR_RASA)
    missing = [line for line in for_rasa if line.lower() not in out_of_scope]
    assert not missing, f"regenerate nlu/data/nlu.yml (python3 nlu/tools/gen_nlu.py): {missing[:5]}"
    assert not reports & out_of_scope


def test_spread_keeps_short_lists_and_spreads_long_ones_evenly() -> None:
    gen = _gen_nlu()
    assert gen.spread(["a", "b"], 5) == ["a", "b"]
    rows = [str(i) for i in range(10)]
    assert gen.spread(rows, 5) == ["0", "2", "4", "6", "8"]
    assert gen.spread(rows, 10) == rows


def test_no_report_intent_trains_on_more_labelled_texts_than_the_cap() -> None:
    gen = _gen_nlu()
    examples = _examples()
    for intent in gen.REPORT_INTENTS:
        # hand-written and templated examples come on top of the capped labelled ones
        assert len(examples[intent]) <= gen.LABELLED_PER_INTENT + 250, intent
