"""The FAQ part of the training data: read from the repo's generated files, written back from the database for one
release (the rest of the Rasa project unchanged), and the progress read from Rasa's training output."""

from __future__ import annotations

from pathlib import Path

import yaml

from core.settings import PROJECT_ROOT
from hotline.release_data import check_examples, read_seed, write_release
from hotline.release_train import STAGES, Progress, log_tail, train_command

NLU = PROJECT_ROOT / "nlu"


def test_the_seed_is_every_faq_topic_of_the_generated_data() -> None:
    seed = read_seed(NLU / "data" / "nlu.yml")
    assert "puspaga" in seed and "bot_identity" in seed and len(seed) == 19
    assert "apa itu puspaga" in seed["puspaga"]
    assert all(len(v) >= 20 for v in seed.values())
    assert not any(k.startswith("faq/") for k in seed)


def test_a_release_folder_has_the_databases_faq_and_everything_else_unchanged(tmp_path: Path) -> None:
    seed = read_seed(NLU / "data" / "nlu.yml")
    train = {k: v[:5] for k, v in seed.items() if k != "patbm"}  # patbm removed
    train["puspaga"] = [*train["puspaga"], "kelas parenting puspaga hari apa?"]
    train["kartu_layanan"] = [f"kartu layanan itu apa {i}" for i in range(8)]  # a new topic
    folder = write_release(tmp_path / "r1", project=NLU, train=train,
                           answers={"kartu_layanan": "Kartu layanan adalah kartu uji."})
    nlu = yaml.safe_load((folder / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    faq = {b["intent"]: b["examples"] for b in nlu if str(b.get("intent", "")).startswith("faq/")}
    assert set(faq) == {f"faq/{k}" for k in train}
    assert "- kelas parenting puspaga hari apa?" in faq["faq/puspaga"]
    assert faq["faq/puspaga"].count("\n- ") + 1 == 6  # only the given examples (held-out ones never reach it)
    original = yaml.safe_load((NLU / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    rest = [b for b in original if not str(b.get("intent", "")).startswith("faq/")]
    assert [b for b in nlu if not str(b.get("intent", "")).startswith("faq/")] == rest
    domain = yaml.safe_load((folder / "domain.yml").read_text(encoding="utf-8"))
    responses = domain["responses"]
    assert responses["utter_faq/kartu_layanan"] == [{"text": "Kartu layanan adalah kartu uji."}]
    assert "utter_faq/patbm" not in responses
    repo = yaml.safe_load((NLU / "domain.yml").read_text(encoding="utf-8"))["responses"]
    assert responses["utter_faq/puspaga"] == repo["utter_faq/puspaga"]  # a fine-tune sees the same answer side
    assert (folder / "config.yml").read_bytes() == (NLU / "config.yml").read_bytes()
    assert (folder / "data" / "rules.yml").read_bytes() == (NLU / "data" / "rules.yml").read_bytes()


def test_editor_examples_are_one_plain_line_without_markup() -> None:
    kept, errors = check_examples(["  apa   itu kartu?  ", "", "apa itu kartu?", "[Budi](name) siapa"], minimum=0)
    assert kept == ["apa itu kartu?"] and len(errors) == 1 and "[ ]" in errors[0]
    kept, errors = check_examples([f"tanya {i}" for i in range(9)], minimum=10)
    assert len(kept) == 9 and "minimal 10" in errors[0]
    assert check_examples(["x" * 201])[1]
    assert check_examples([])[1] == ["Tulis minimal satu contoh pertanyaan, satu per baris."]


def test_progress_follows_rasas_components_and_epoch_bars() -> None:
    p = Progress()
    assert p.feed("2026-12-07 11:02:32 INFO rasa.engine.training.hooks - Starting to train component "
                  "'RegexFeaturizer'.")
    assert p.feed("2026-12-07 11:03:03 INFO rasa.engine.training.hooks - Starting to train component "
                  "'LeanDIETClassifier'.")
    at_diet = p.value
    assert p.feed("Epochs:  50%|█████     | 3/6 [00:29<00:32, 10.74s/it, t_loss=3.67, i_acc=0.99]")
    assert at_diet < p.value < 0.7
    assert not p.feed("Epochs:  16%|█▌        | 1/6 [00:08<00:42]")  # never backwards
    p.feed("Starting to train component 'LeanResponseSelector'.")
    p.feed("Epochs: 100%|██████████| 6/6 [01:20<00:00]")
    assert 0.9 < p.value < 1.0


def test_every_component_of_the_pipeline_has_a_progress_stage() -> None:
    config = yaml.safe_load((PROJECT_ROOT / "nlu" / "config.yml").read_text(encoding="utf-8"))
    names = [step["name"].rsplit(".", 1)[-1] for step in config["pipeline"] + config["policies"]]
    assert [n for n in names if n not in STAGES] == []


def test_the_log_tail_keeps_a_bars_last_state(tmp_path: Path) -> None:
    log = tmp_path / "train.log"
    log.write_bytes(b"line one\nEpochs:  10%|x\rEpochs:  20%|xx\rEpochs:  30%|xxx\nlast line\n")
    assert log_tail(log) == "line one\nEpochs:  30%|xxx\nlast line"
    assert log_tail(tmp_path / "none.log") == ""


def test_fine_tune_and_full_command_lines() -> None:
    rasa = Path("/venv/bin/rasa")
    full = train_command(rasa, name="release-3", finetune=None, epoch_fraction=0.2)
    assert "--finetune" not in full and full[:2] == [str(rasa), "train"]
    fine = train_command(rasa, name="release-4", finetune=Path("/m/live.tar.gz"), epoch_fraction=0.2)
    assert fine[-4:] == ["--finetune", "/m/live.tar.gz", "--epoch-fraction", "0.2"]
