"""Defaults that learn: each (model, dataset) pair starts from settings that beat chance clearly in a short run.

The full numbers (epochs and seconds to a stated accuracy, every pair) are
benchmarks/train_defaults.py's; here each pair trains a few epochs of its
defaults on one thread, and the flags take the pair's defaults where none is given.
"""

from __future__ import annotations

import argparse

import pytest

from engine.train.config import TrainConfig
from engine.train.loop import Trainer
from engine.train.presets import default_config, pair_defaults, preset_config
from tui.flags.train import add_arguments, config_from
from tui.screens.train_form import pair_texts

# (model, dataset): epochs of a short run; the pairs whose defaults changed and one of each other kind.
SHORT_RUNS = {
    ("simplecnn", "shapes"): 1,
    ("lenet5", "shapes"): 4,
    ("net", "shapes"): 1,
    ("mlp", "shapes"): 3,
    ("simplecnn", "digits"): 2,
    ("mlp", "digits"): 1,
    ("mlp", "spiral"): 10,
    ("charrnn", "text"): 2,
}


def flags(*words: str) -> TrainConfig:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return config_from(parser.parse_args(list(words)))


@pytest.mark.parametrize(("model", "dataset"), SHORT_RUNS)
def test_the_default_beats_chance_clearly_in_a_short_run(model, dataset):
    config = default_config(model, dataset).with_changes(epochs=SHORT_RUNS[model, dataset], threads=1)
    trainer = Trainer(config, emit=lambda _event: None, views=False)
    while not trainer.finished:
        trainer.train_batch()
    chance = 1 / len(trainer.data.class_names)
    best = max(row["test_acc"] for row in trainer.history)
    assert best >= min(2 * chance, chance + 0.1), (model, dataset, best, chance)


def test_the_flags_start_from_the_pairs_defaults_and_a_flag_given_wins():
    assert (flags("--dataset", "digits", "--model", "simplecnn").lr, flags("--dataset", "digits").epochs) == (
        0.001,
        100,
    )
    assert flags("--dataset", "shapes", "--model", "simplecnn").epochs == 5
    assert flags("--dataset", "shapes", "--model", "simplecnn", "--lr", "0.01", "--epochs", "2").lr == 0.01
    assert flags().lr == TrainConfig().lr and flags("--dataset", "digits").lr == TrainConfig().lr
    assert flags("--preset", "course", "--model", "simplecnn").lr == preset_config("course").lr


def test_the_form_offers_the_pairs_lr_and_epochs():
    assert pair_texts("simplecnn", "shapes") == {"lr": "0.001", "epochs": "5"}
    assert pair_texts("mlp", "spiral") == {"lr": f"{TrainConfig().lr:g}", "epochs": str(TrainConfig().epochs)}
    assert pair_defaults("lenet5", "mnist") == {"lr": 0.003}
