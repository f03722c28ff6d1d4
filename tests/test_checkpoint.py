"""Checkpoints: a round trip keeps every number; every bad file is refused in words; a pickle's code never runs."""

from __future__ import annotations

import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from engine.errors import SpecError
from engine.train import checkpoint as checkpoint_module
from engine.train.checkpoint import CHECKPOINT_FORMAT, load_checkpoint, save_checkpoint
from engine.train.config import TrainConfig
from tui.i18n import catalogue, error_text, set_language


def make_payload(epoch: int = 3) -> dict:
    """What the training loop stores: a model and an Adam optimizer after a real step, RNG states, history."""
    torch.manual_seed(epoch)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.randn(4, 2)).sum().backward()
    optimizer.step()
    return {
        "format": CHECKPOINT_FORMAT,
        "config": TrainConfig(seed=epoch).to_json(),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "epoch": epoch,
        "step": 41,
        "rng": {
            "torch": torch.get_rng_state(),
            "generator": torch.Generator().manual_seed(epoch).get_state(),
        },
        "history": [{"epoch": e, "train_loss": 1.0 / e, "test_acc": 0.5} for e in range(1, epoch + 1)],
    }


def assert_same(a: object, b: object) -> None:
    """Tensors bit-equal (dtype too), containers equal element by element, everything else ==."""
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b)
        for key in a:
            assert_same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    else:
        assert type(a) is type(b) and a == b


def refusal(path: Path) -> SpecError:
    with pytest.raises(SpecError) as caught:
        load_checkpoint(path)
    return caught.value


def assert_said_in_both_languages(error: SpecError) -> None:
    try:
        for lang in ("en", "zh"):
            set_language(lang)
            assert f"error.{error.code}" in catalogue(lang)
            text = error_text(error)
            assert str(error.params["path"]) in text
    finally:
        set_language("en")


def test_round_trip_keeps_every_tensor_and_number(tmp_path):
    payload = make_payload()
    path = tmp_path / "run" / "deep" / "checkpoint.pt"
    save_checkpoint(path, payload)
    loaded = load_checkpoint(path)
    assert_same(payload, loaded)
    assert loaded["epoch"] == 3 and loaded["step"] == 41
    assert os.listdir(path.parent) == ["checkpoint.pt"]


def test_a_loaded_checkpoint_restores_model_optimizer_and_random_numbers(tmp_path):
    payload = make_payload()
    save_checkpoint(tmp_path / "c.pt", payload)
    loaded = load_checkpoint(tmp_path / "c.pt")
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    model.load_state_dict(loaded["model"])
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    optimizer.load_state_dict(loaded["optimizer"])
    assert optimizer.state_dict()["state"][0]["step"] == 1
    torch.set_rng_state(loaded["rng"]["torch"])
    first = torch.rand(3)
    torch.set_rng_state(payload["rng"]["torch"])
    assert torch.equal(first, torch.rand(3))


def test_saving_again_replaces_the_checkpoint(tmp_path):
    path = tmp_path / "checkpoint.pt"
    save_checkpoint(path, make_payload(epoch=1))
    save_checkpoint(path, make_payload(epoch=2))
    assert load_checkpoint(path)["epoch"] == 2 and os.listdir(tmp_path) == ["checkpoint.pt"]


def test_loading_calls_torch_load_once_with_weights_only(tmp_path, monkeypatch):
    """Never a second, unsafe try: one call, weights_only=True, even when the file is refused."""
    calls = []
    real_load = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real_load(*args, **kwargs)

    evil = tmp_path / "evil.pt"
    torch.save({"x": Evil(tmp_path / "marker")}, evil)
    save_checkpoint(tmp_path / "good.pt", make_payload())
    monkeypatch.setattr(torch, "load", spy)
    load_checkpoint(tmp_path / "good.pt")
    with pytest.raises(SpecError):
        load_checkpoint(evil)
    assert [(call["weights_only"], call["map_location"]) for call in calls] == [
        (True, "cpu"),
        (True, "cpu"),
    ]


class Evil:
    """Unpickling this makes a folder: the stand-in for any code a hostile checkpoint would run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


@pytest.mark.parametrize("writer", ["torch.save", "torch.save legacy", "pickle"])
def test_a_pickle_with_code_is_refused_and_its_code_never_runs(tmp_path, writer):
    marker = tmp_path / "marker"
    path = tmp_path / "evil.pt"
    if writer == "pickle":  # plain pickle stores tensors through a torch global of its own: leave them out
        path.write_bytes(pickle.dumps({"format": CHECKPOINT_FORMAT, "history": [Evil(marker)]}, protocol=2))
    else:
        torch.save(
            {**make_payload(), "history": [Evil(marker)]},
            path,
            _use_new_zipfile_serialization=writer == "torch.save",
        )
    error = refusal(path)
    assert not marker.exists()
    assert error.code == "checkpoint_unsafe" and error.params == {"path": str(path)}
    assert error.torch_message and "weights_only` set to `False`" not in error.torch_message
    assert_said_in_both_languages(error)
    assert "mkdir" in error.torch_message
    # The file is truly hostile: unsafe loading runs its code.
    if writer == "pickle":
        pickle.loads(path.read_bytes())
    else:
        torch.load(path, weights_only=False)
    assert marker.is_dir()


def test_a_missing_file_and_a_folder_are_refused(tmp_path):
    missing = refusal(tmp_path / "nothing.pt")
    assert (missing.code, missing.params) == (
        "checkpoint_missing",
        {"path": str(tmp_path / "nothing.pt")},
    )
    folder = refusal(tmp_path)
    assert (folder.code, folder.params) == (
        "checkpoint_is_directory",
        {"path": str(tmp_path)},
    )
    for error in (missing, folder):
        assert_said_in_both_languages(error)


@pytest.mark.parametrize(
    "text",
    ["epoch,loss\n1,0.5\n", "检查点\n", "x" * 4095 + "é, past the first 4096 bytes"],
)
def test_a_text_file_is_refused(tmp_path, text):
    path = tmp_path / "checkpoint.pt"
    path.write_text(text, encoding="utf-8")
    error = refusal(path)
    assert (error.code, error.params) == ("checkpoint_text", {"path": str(path)})
    assert_said_in_both_languages(error)


@pytest.mark.parametrize("keep", [0, 4, 100, 0.5, -1])
def test_a_truncated_file_is_refused(tmp_path, keep):
    whole = tmp_path / "whole.pt"
    save_checkpoint(whole, make_payload())
    data = whole.read_bytes()
    size = int(len(data) * keep) if isinstance(keep, float) else keep % len(data)
    path = tmp_path / "cut.pt"
    path.write_bytes(data[:size])
    error = refusal(path)
    assert (error.code, error.params) == (
        "checkpoint_truncated",
        {"path": str(path), "size": size},
    )
    assert_said_in_both_languages(error)


def test_random_bytes_are_refused_with_torchs_words(tmp_path):
    path = tmp_path / "noise.pt"
    path.write_bytes(bytes(range(256)) * 4)
    error = refusal(path)
    assert error.code == "checkpoint_unreadable" and error.torch_message
    assert "weights_only` set to `False`" not in error.torch_message
    assert_said_in_both_languages(error)


def test_a_zip_archive_that_is_not_a_torch_file_is_refused_with_torchs_words(tmp_path):
    path = tmp_path / "notes.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a checkpoint")
    error = refusal(path)
    with pytest.raises(Exception) as torch_says:
        torch.load(path, weights_only=True)
    assert (error.code, error.torch_message) == (
        "checkpoint_unreadable",
        str(torch_says.value),
    )


@pytest.mark.parametrize(
    "content, code, params",
    [
        (lambda: torch.zeros(3), "checkpoint_not_tensortour", {"found": "Tensor"}),
        (
            lambda: nn.Linear(2, 2).state_dict(),
            "checkpoint_not_tensortour",
            {"found": "OrderedDict {weight, bias}"},
        ),
        (
            lambda: {"format": "tensortour-checkpoint-9"},
            "checkpoint_version",
            {"found": "tensortour-checkpoint-9", "expected": CHECKPOINT_FORMAT},
        ),
        (
            lambda: {"format": CHECKPOINT_FORMAT, "config": {}, "model": {}},
            "checkpoint_missing_keys",
            {"keys": "optimizer, epoch, step, rng, history"},
        ),
        (
            lambda: {**make_payload(), "epoch": 2.5},
            "checkpoint_bad_field",
            {"field": "epoch", "expected": "int", "found": "float"},
        ),
        (
            lambda: {**make_payload(), "step": True},
            "checkpoint_bad_field",
            {"field": "step", "expected": "int", "found": "bool"},
        ),
        (
            lambda: {**make_payload(), "history": (1, 2)},
            "checkpoint_bad_field",
            {"field": "history", "expected": "list", "found": "tuple"},
        ),
    ],
    ids=[
        "tensor",
        "state_dict",
        "version",
        "missing",
        "float_epoch",
        "bool_step",
        "tuple_history",
    ],
)
def test_a_torch_file_that_is_not_a_tensortour_checkpoint_is_refused(tmp_path, content, code, params):
    path = tmp_path / "other.pt"
    torch.save(content(), path)
    error = refusal(path)
    assert (error.code, error.params) == (code, {"path": str(path), **params})
    assert_said_in_both_languages(error)


@pytest.fixture
def old_checkpoint(tmp_path) -> tuple[Path, dict]:
    path = tmp_path / "checkpoint.pt"
    payload = make_payload(epoch=1)
    save_checkpoint(path, payload)
    return path, payload


def assert_untouched(path: Path, payload: dict) -> None:
    assert_same(payload, load_checkpoint(path))
    assert os.listdir(path.parent) == [path.name]


def test_a_payload_torch_cannot_pickle_leaves_the_old_checkpoint(old_checkpoint):
    path, old = old_checkpoint
    with pytest.raises(SpecError) as caught:
        save_checkpoint(path, {**make_payload(), "history": [lambda: 1]})
    assert caught.value.code == "checkpoint_not_saveable" and "pickle" in caught.value.torch_message.lower()
    assert_said_in_both_languages(caught.value)
    assert_untouched(path, old)


def test_a_payload_weights_only_loading_would_refuse_is_not_written(old_checkpoint):
    path, old = old_checkpoint
    with pytest.raises(SpecError) as caught:
        save_checkpoint(path, {**make_payload(), "history": [np.zeros(3)]})
    assert caught.value.code == "checkpoint_not_saveable" and "numpy" in caught.value.torch_message
    assert_untouched(path, old)


def test_an_interrupt_while_writing_leaves_the_old_checkpoint(old_checkpoint, monkeypatch):
    path, old = old_checkpoint

    def write_half_then_interrupt(payload, handle):
        handle.write(b"PK\x03\x04 half a checkpoint")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", write_half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, make_payload())
    monkeypatch.undo()
    assert_untouched(path, old)


def test_an_unwritable_place_is_refused_in_words(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SpecError) as caught:
        save_checkpoint(blocker / "checkpoint.pt", make_payload())
    assert caught.value.code == "checkpoint_write_failed" and caught.value.params["reason"]
    assert_said_in_both_languages(caught.value)
    (tmp_path / "folder.pt").mkdir()
    with pytest.raises(SpecError) as caught:
        save_checkpoint(tmp_path / "folder.pt", make_payload())
    assert caught.value.code == "checkpoint_write_failed"
    assert sorted(os.listdir(tmp_path)) == ["file", "folder.pt"] and os.listdir(tmp_path / "folder.pt") == []


def test_saving_something_that_is_not_a_checkpoint_is_a_bug_in_the_caller(tmp_path):
    with pytest.raises(ValueError, match="checkpoint_missing_keys"):
        save_checkpoint(tmp_path / "c.pt", {"format": CHECKPOINT_FORMAT, "model": {}})
    assert os.listdir(tmp_path) == []


def test_unpickler_words_keep_the_object_and_drop_the_unsafe_advice():
    message = (
        "Weights only load failed. Re-running `torch.load` with `weights_only` set to `False` will likely succeed.\n\n\n"
        "Trying to load unsupported GLOBAL posix.system whose module posix is blocked.\n\n"
        "Check the documentation of torch.load to learn more."
    )
    assert (
        checkpoint_module.unpickler_words(message)
        == "Trying to load unsupported GLOBAL posix.system whose module posix is blocked."
    )
    assert checkpoint_module.unpickler_words("something new") == "something new"
