"""A crafted checkpoint given to --resume is refused in one clear sentence, whatever part of it lies.

Each case changes one part of a real checkpoint of a tiny run (as an attacker
with a text editor and torch.save would) and expects the refusal that names it:
never a traceback, never the loss-is-NaN message, never a run that goes on.
"""

from __future__ import annotations

import gzip
import os
import pickle
import signal
import warnings
from pathlib import Path

import pytest
import torch
from run_support import TINY

from engine.errors import SpecError
from engine.train.checkpoint import load_checkpoint
from engine.train.commands import run
from engine.train.config import TrainConfig
from engine.train.loop import Trainer
from tui.i18n import catalogue, error_text, set_language


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict:
    """A real checkpoint stopped in epoch 2, after batch 3."""
    out = tmp_path_factory.mktemp("run")
    trainer = Trainer(TINY, [].append, out=out)
    assert run(trainer, stop_requested=lambda: trainer.global_step == trainer.steps_per_epoch + 3) == "stopped"
    return load_checkpoint(out / "checkpoint.pt")


def crafted(saved: dict, part: str, value: object) -> dict:
    """`saved` with `part` ("config.hidden", "rng", …) set to `value`."""
    payload = {key: dict(value) if isinstance(value, dict) else value for key, value in saved.items()}
    *parents, name = part.split(".")
    holder = payload
    for parent in parents:
        holder[parent] = dict(holder[parent])
        holder = holder[parent]
    holder[name] = value
    return payload


CASES = {
    "another model's hidden size": ("config.hidden", [16], "checkpoint_weights_mismatch", "model.fc1.weight"),
    "another dataset's inputs": ("config.dataset", "digits", "checkpoint_weights_mismatch", "model.fc1.weight"),
    "hidden is text": ("config.hidden", "abc", "checkpoint_bad_setting", "abc"),
    "hidden is a number": ("config.hidden", 5, "checkpoint_bad_setting", "5"),
    "seed past 2**64": ("config.seed", 2**70, "checkpoint_bad_setting", str(2**70)),
    "threads past the cores": ("config.threads", 100000, "checkpoint_bad_threads", "--threads"),
    "rng empty": ("rng", {}, "checkpoint_missing_keys", "rng.generator"),
    "rng of floats": ("rng.torch", torch.zeros(5056), "checkpoint_bad_part", "float32[5056]"),
    "rng of the wrong size": ("rng.generator", torch.zeros(3, dtype=torch.uint8), "checkpoint_bad_part", "uint8[3]"),
    "optimizer empty": ("optimizer", {}, "checkpoint_missing_keys", "optimizer.state"),
    "model empty": ("model", {}, "checkpoint_weights_missing", "model.fc1.weight"),
    "loss sum is text": ("partial.loss_sum", "x", "checkpoint_bad_part", "partial.loss_sum"),
    "partial is a list": ("partial", [1, 2], "checkpoint_bad_part", "list[2]"),
    "history of junk": ("history", [1, "x", None], "checkpoint_bad_part", "history"),
    "history of strings": ("history", ["x"], "checkpoint_bad_part", "history[0]"),
    "step 10**12": ("step", 10**12, "checkpoint_bad_part", "step"),
    "negative epoch": ("epoch", -1, "checkpoint_bad_part", "epoch"),
    "lr is text": ("optimizer.param_groups", [{"lr": "x"}], "checkpoint_bad_part", "optimizer.param_groups[0].lr"),
    "moments without their shape": (
        "optimizer.state",
        {0: {"step": torch.tensor(1.0)}},
        "checkpoint_missing_keys",
        "exp_avg",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_crafted_checkpoint_is_refused_naming_the_part(tmp_path, saved, case):
    part, value, code, named = CASES[case]
    payload = crafted(saved, part, value)
    if case == "history of strings":
        payload["epoch"] = 1
    torch.save(payload, tmp_path / "checkpoint.pt")
    with pytest.raises(SpecError) as caught:
        Trainer(TINY, [].append, out=tmp_path, resume=tmp_path)
    error = caught.value
    assert error.code == code, error
    for lang in ("en", "zh"):
        set_language(lang)
        assert f"error.{code}" in catalogue(lang) and named in error_text(error)
    set_language("en")
    assert os.listdir(tmp_path) == ["checkpoint.pt"], "nothing written for a refused resume"


def test_the_saved_checkpoint_itself_resumes(tmp_path, saved):
    torch.save(saved, tmp_path / "checkpoint.pt")
    trainer = Trainer(TINY, [].append, out=tmp_path, resume=tmp_path)
    assert (trainer.epoch, trainer.step) == (1, 3) and run(trainer) == "done"


def test_a_raw_pickle_is_refused_without_torchs_warning(tmp_path):
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(pickle.dumps({"format": "tensortour-checkpoint-1", "model": {}}, protocol=4))
    with warnings.catch_warnings(record=True) as caught_warnings:
        warnings.simplefilter("always")
        with pytest.raises(SpecError):
            load_checkpoint(path)
    assert [str(w.message) for w in caught_warnings] == []


def alarm_guard(seconds: int):
    """Fail instead of hanging when a read blocks (a FIFO with no writer)."""

    def hung(*_):
        raise AssertionError(f"blocked for {seconds} s")

    signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)


@pytest.mark.parametrize(
    "make, what",
    [
        (lambda path: os.mkfifo(path), "path_fifo"),
        (lambda path: path.symlink_to("/dev/zero"), "path_char_device"),
        (lambda path: path.symlink_to(path), "path_symlink_loop"),
    ],
    ids=["fifo", "dev-zero", "symlink-loop"],
)
def test_resume_reads_only_a_regular_checkpoint_and_says_what_the_path_is(tmp_path, make, what):
    make(tmp_path / "checkpoint.pt")
    alarm_guard(10)
    try:
        with pytest.raises(SpecError) as caught:
            Trainer(TINY, [].append, out=tmp_path, resume=tmp_path)
    finally:
        signal.alarm(0)
    assert caught.value.code == "checkpoint_not_regular" and caught.value.params["what"] == what
    for lang in ("en", "zh"):
        set_language(lang)
        assert catalogue(lang)[f"words.{what}"] in error_text(caught.value)
    set_language("en")


@pytest.mark.parametrize(
    "make, what",
    [
        (lambda path: os.mkfifo(path), "path_fifo"),
        (lambda path: path.symlink_to("/dev/zero"), "path_char_device"),
        (lambda path: path.symlink_to(path), "path_symlink_loop"),
        (lambda path: path.mkdir(), "path_folder"),
    ],
    ids=["fifo", "dev-zero", "symlink-loop", "folder"],
)
def test_a_data_file_that_is_no_regular_file_is_named_for_what_it_is(tmp_path, make, what):
    from test_datasets import IDX_NAMES, idx_arrays, write_idx

    from engine.train.datasets import load_dataset

    write_idx(tmp_path / "mnist", idx_arrays())
    (tmp_path / "mnist" / IDX_NAMES[0]).unlink()
    make(tmp_path / "mnist" / IDX_NAMES[0])
    alarm_guard(10)
    try:
        with pytest.raises(SpecError) as caught:
            load_dataset(TrainConfig(dataset="mnist", data_dir=str(tmp_path)))
    finally:
        signal.alarm(0)
    assert caught.value.code == "data_not_a_file" and caught.value.params["what"] == what
    assert catalogue("en")[f"words.{what}"] in error_text(caught.value)


def mnist_with(tmp_path: Path, name: str, data: bytes) -> SpecError:
    """load_dataset's refusal when the tiny MNIST set has `data` as its file `name`."""
    from test_datasets import IDX_NAMES, idx_arrays, write_idx

    from engine.train.datasets import load_dataset

    write_idx(tmp_path / "mnist", idx_arrays())
    plain = name.removesuffix(".gz")
    assert plain in IDX_NAMES
    (tmp_path / "mnist" / plain).unlink()
    (tmp_path / "mnist" / name).write_bytes(data)
    with pytest.raises(SpecError) as caught:
        load_dataset(TrainConfig(dataset="mnist", data_dir=str(tmp_path)))
    return caught.value


def test_an_idx_header_whose_sizes_overflow_64_bits_is_measured_exactly(tmp_path):
    header = bytes([0, 0, 8, 3]) + (2**31).to_bytes(4, "big") * 2 + (4).to_bytes(4, "big")
    error = mnist_with(tmp_path, "train-images-idx3-ubyte", header)
    assert error.code == "data_truncated" and (error.params["expected"], error.params["got"]) == (16 + 2**64, 16)


def test_a_gzip_that_unpacks_past_its_header_stops_there(tmp_path):
    """A 'bomb': a small .gz whose header promises 5 labels, then unpacks to 64 MB of zeros; and one whose
    header alone promises 2**95 bytes."""
    bomb = gzip.compress(bytes([0, 0, 8, 1]) + (5).to_bytes(4, "big") + bytes(64 << 20), compresslevel=1)
    assert len(bomb) < 1_000_000
    error = mnist_with(tmp_path / "a", "train-labels-idx1-ubyte.gz", bomb)
    assert error.code == "data_trailing_unpacked" and error.params["expected"] == 13
    promise = gzip.compress(bytes([0, 0, 8, 3]) + (2**31).to_bytes(4, "big") * 3)
    assert mnist_with(tmp_path / "b", "train-images-idx3-ubyte.gz", promise).code == "data_too_large"


@pytest.mark.parametrize(
    "make, what",
    [
        (lambda path: os.mkfifo(path), "path_fifo"),
        (lambda path: path.symlink_to("/dev/zero"), "path_char_device"),
        (lambda path: path.symlink_to(path), "path_symlink_loop"),
        (lambda path: path.write_text("x"), "path_file"),
    ],
    ids=["fifo", "dev-zero", "symlink-loop", "file"],
)
def test_a_data_dir_that_is_no_folder_is_named_for_what_it_is(tmp_path, make, what):
    from engine.train.datasets import load_dataset

    make(tmp_path / "data")
    with pytest.raises(SpecError) as caught:
        load_dataset(TrainConfig(dataset="cifar10", data_dir=str(tmp_path / "data")))
    assert caught.value.code == "data_dir_not_folder" and caught.value.params["what"] == what
