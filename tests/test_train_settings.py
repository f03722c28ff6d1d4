"""Settings that crashed a run are refused in the same words on the command line and on the form, and
--resume says which settings it keeps, refuses the others, and lets a finished run train longer."""

from __future__ import annotations

import pytest
from run_support import TINY, metrics_lines, same_weights, without_timing

from engine.errors import SpecError
from engine.train.checkpoint import load_checkpoint
from engine.train.commands import run
from engine.train.config import MAX_SEED, TrainConfig, usable_cores
from engine.train.loop import Trainer
from tui.cli import main, parse_args
from tui.flags.train import config_from
from tui.i18n import error_text, t
from tui.screens.train_form import config_from_texts


@pytest.mark.parametrize(
    "field, typed, code",
    [
        ("seed", str(2**64), "train_between"),
        ("seed", "-1", "train_between"),
        ("threads", "100000", "train_threads"),
        ("threads", "2147483648", "train_threads"),
        ("threads", str(usable_cores() + 1), "train_threads"),
    ],
)
def test_seed_and_threads_are_bounded_in_the_same_words_on_the_command_line_and_the_form(field, typed, code):
    with pytest.raises(SpecError) as command_line:
        config_from(parse_args(["train", f"--{field}", typed]))
    with pytest.raises(SpecError) as form:
        config_from_texts({field: typed}, TrainConfig())
    assert command_line.value.code == code and error_text(command_line.value) == error_text(form.value)
    assert typed in error_text(form.value)


def test_the_largest_seed_and_thread_count_train():
    trainer = Trainer(TINY.with_changes(seed=MAX_SEED, threads=usable_cores(), epochs=1), [].append)
    assert run(trainer) == "done" and trainer.threads == usable_cores()


def cli(*args: str) -> int:
    return main(["train", "--headless", *args])


def test_resume_refuses_settings_it_keeps_and_names_them(tmp_path, capsys):
    assert cli("--dataset", "xor", "--hidden", "8", "--epochs", "1", "--threads", "1", "--out", str(tmp_path)) == 0
    before = (tmp_path / "metrics.jsonl").read_text()
    capsys.readouterr()
    assert cli("--resume", str(tmp_path), "--batch-size", "3", "--optimizer", "sgd") == 2
    err = capsys.readouterr().err
    assert "--optimizer, --batch-size cannot change" in err and "Only --epochs" in err and "Traceback" not in err
    assert cli("--resume", str(tmp_path)) == 2
    assert t("error.train_resume_finished", path=tmp_path / "checkpoint.pt", epochs=1) in capsys.readouterr().err
    assert cli("--resume", str(tmp_path), "--epochs", "1") == 2
    assert "--epochs 1 would train none" in capsys.readouterr().err
    assert (tmp_path / "metrics.jsonl").read_text() == before


def test_resume_with_more_epochs_trains_on_as_one_longer_run_would(tmp_path, capsys):
    longer = Trainer(TINY.with_changes(epochs=5), [].append)
    assert run(longer) == "done"
    assert cli("--dataset", "xor", "--hidden", "8", "--batch-size", "128", "--threads", "1", "--device", "cpu",
               "--epochs", "3", "--out", str(tmp_path)) == 0  # fmt: skip
    assert cli("--resume", str(tmp_path), "--epochs", "5") == 0
    assert "resuming after epoch 3" in capsys.readouterr().out
    assert without_timing(metrics_lines(tmp_path)) == without_timing(longer.history)
    assert same_weights(load_checkpoint(tmp_path / "checkpoint.pt")["model"], longer.model.state_dict())


def test_resume_with_a_learning_rate_uses_it_from_there_on(tmp_path):
    assert cli("--dataset", "xor", "--hidden", "8", "--epochs", "1", "--threads", "1", "--out", str(tmp_path)) == 0
    assert cli("--resume", str(tmp_path), "--epochs", "2", "--lr", "0.5") == 0
    saved = load_checkpoint(tmp_path / "checkpoint.pt")
    assert saved["optimizer"]["param_groups"][0]["lr"] == 0.5 and [line["lr"] for line in saved["history"]] == [
        0.01,
        0.5,
    ]
