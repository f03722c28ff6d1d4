"""The training loop: it learns, it repeats itself exactly, it resumes bit for bit, it stops on NaN, it obeys commands."""

from __future__ import annotations

import math
import os
from typing import TypeVar

import pytest
import torch

from engine.errors import SpecError
from engine.train import loop as train_loop
from engine.train.checkpoint import load_checkpoint
from engine.train.commands import Inbox, run
from engine.train.config import TrainConfig
from engine.train.events import (
    BatchEvent,
    BoundaryEvent,
    DoneEvent,
    EpochEvent,
    FailedEvent,
    ImagesEvent,
    LrEvent,
    SavedEvent,
    StoppedEvent,
    TrainEvent,
)
from engine.train.loop import CHECKPOINT_NAME, Trainer

TINY = TrainConfig(dataset="xor", hidden=(8,), epochs=3, batch_size=64, threads=1, device="cpu")
TIMING = {"samples_per_s", "elapsed_s"}
E = TypeVar("E", bound=TrainEvent)


def train(config: TrainConfig, **options) -> tuple[Trainer, list[TrainEvent], str]:
    events: list[TrainEvent] = []
    trainer = Trainer(config, events.append, **options)
    return trainer, events, run(trainer)


def without_timing(history: list[dict]) -> list[dict]:
    return [{key: value for key, value in epoch.items() if key not in TIMING} for epoch in history]


def of_kind(events: list[TrainEvent], kind: type[E]) -> list[E]:
    return [event for event in events if isinstance(event, kind)]


def test_a_short_run_beats_chance_clearly():
    _, events, outcome = train(TrainConfig(dataset="digits", hidden=(32,), epochs=4, threads=1, device="cpu"))
    assert outcome == "done"
    epochs = of_kind(events, EpochEvent)
    assert [e.epoch for e in epochs] == [1, 2, 3, 4]
    assert epochs[-1].test_acc > 0.8  # chance is 0.1 on ten digits
    assert epochs[-1].train_loss < epochs[0].train_loss
    assert of_kind(events, DoneEvent)[0].test_acc == epochs[-1].test_acc


def test_epoch_metrics_match_a_separate_evaluation():
    trainer, events, _ = train(TINY)
    model = trainer.model.eval()
    with torch.no_grad():
        logits = model(trainer.data.x_test)
    expected_loss = torch.nn.functional.cross_entropy(logits, trainer.data.y_test).item()
    expected_acc = (logits.argmax(1) == trainer.data.y_test).float().mean().item()
    last = of_kind(events, EpochEvent)[-1]
    assert last.test_loss == pytest.approx(expected_loss, rel=1e-5)
    assert last.test_acc == pytest.approx(expected_acc)
    assert set(last.to_json()) >= {
        "epoch",
        "train_loss",
        "test_loss",
        "test_acc",
        "samples_per_s",
        "elapsed_s",
    }


def test_same_seed_same_numbers_other_seed_other_numbers():
    first, _, _ = train(TINY)
    second, _, _ = train(TINY)
    third, _, _ = train(TINY.with_changes(seed=1))
    assert without_timing(first.history) == without_timing(second.history)
    for a, b in zip(first.model.parameters(), second.model.parameters()):
        assert torch.equal(a, b)
    assert without_timing(first.history) != without_timing(third.history)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_resume_mid_epoch_continues_bit_identically(tmp_path, optimizer):
    config = TINY.with_changes(optimizer=optimizer, epochs=2)
    whole, _, _ = train(config)
    events: list[TrainEvent] = []
    interrupted = Trainer(config, events.append, out=tmp_path)
    batches = []
    outcome = run(
        interrupted,
        stop_requested=lambda: len(batches.append(1) or batches) > interrupted.steps_per_epoch + 3,
    )
    assert outcome == "stopped"
    assert (interrupted.epoch, interrupted.step) == (1, 3)
    assert of_kind(events, StoppedEvent) == [StoppedEvent(epoch=1, step=3)]
    resumed = Trainer(config, [].append, out=tmp_path, resume=tmp_path)
    assert (resumed.epoch, resumed.step) == (1, 3)
    assert run(resumed) == "done"
    for a, b in zip(whole.model.parameters(), resumed.model.parameters()):
        assert torch.equal(a, b)
    assert without_timing(whole.history) == without_timing(resumed.history)


def test_a_nan_loss_stops_at_that_step_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    monkeypatch.setattr(train_loop, "CHECKPOINT_EVERY_S", 0.0)
    events: list[TrainEvent] = []
    trainer = Trainer(
        TINY.with_changes(optimizer="sgd", momentum=0.0, epochs=5, batch_size=8),
        events.append,
        out=tmp_path,
    )
    for _ in range(trainer.steps_per_epoch):
        trainer.train_batch()
    trainer.change_lr(1e30)
    assert run(trainer) == "failed"
    failed = of_kind(events, FailedEvent)[0]
    assert failed.code == "loss_not_finite"
    assert failed.params["value"] in {"NaN", "inf"}
    assert failed.params["lr"] == "1e+28"  # 0.01 × 1e30
    assert (failed.params["epoch"], failed.params["step"]) == (
        trainer.epoch + 1,
        trainer.step + 1,
    )
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())  # stopped before the bad step
    saved = load_checkpoint(tmp_path / CHECKPOINT_NAME)
    assert saved["epoch"] == 1 and saved["step"] == 0
    assert all(torch.isfinite(v).all() for v in saved["model"].values())


def test_commands_pause_step_change_lr_save_and_stop(tmp_path):
    inbox = Inbox()
    events: list[TrainEvent] = []
    trainer = Trainer(TINY.with_changes(epochs=50), events.append, out=tmp_path)
    for command in (
        {"cmd": "pause"},
        {"cmd": "step"},
        {"cmd": "step"},
        {"cmd": "lr", "factor": 0.5},
        {"cmd": "save"},
        {"cmd": "stop"},
    ):
        inbox.put(command)
    assert run(trainer, inbox) == "stopped"
    assert trainer.global_step == 2
    kinds = [e.KIND for e in events if e.KIND != "boundary"]
    assert kinds == ["paused", "batch", "batch", "lr", "saved", "batch", "stopped"]
    assert of_kind(events, LrEvent)[0].lr == pytest.approx(TINY.lr / 2)
    assert of_kind(events, SavedEvent)[0].path == str(tmp_path / CHECKPOINT_NAME)
    assert [e.global_step for e in of_kind(events, BatchEvent)[:2]] == [1, 2]
    assert load_checkpoint(tmp_path / CHECKPOINT_NAME)["step"] == 2


def test_batches_report_progress_and_the_boundary_for_point_sets():
    _, events, _ = train(TINY)
    batch = of_kind(events, BatchEvent)[-1]
    assert batch.global_step == 3 * batch.steps_per_epoch and batch.eta_s == 0
    assert batch.memory_mb is None
    boundary = of_kind(events, BoundaryEvent)[-1]
    assert len(boundary.label) == boundary.height and len(boundary.label[0]) == boundary.width
    assert {v for row in boundary.label for v in row} <= {0, 1}
    assert all(0.5 <= c <= 1 for row in boundary.confidence for c in row)


def test_the_boundary_is_the_models_prediction_at_those_points():
    trainer, events, _ = train(TINY)
    boundary = of_kind(events, BoundaryEvent)[-1]
    x0, x1, y0, y1 = boundary.extent
    row, col = 3, boundary.width - 5
    x = x0 + (x1 - x0) * col / (boundary.width - 1)
    y = y1 - (y1 - y0) * row / (boundary.height - 1)
    with torch.no_grad():
        expected = trainer.model.eval()(torch.tensor([[x, y]])).argmax(1).item()
    assert boundary.label[row][col] == expected


def test_image_sets_report_the_confusion_matrix_each_epoch():
    trainer, events, _ = train(TrainConfig(dataset="digits", hidden=(16,), epochs=1, threads=1, device="cpu"))
    images = of_kind(events, ImagesEvent)[0]
    confusion = torch.tensor(images.confusion)
    with torch.no_grad():
        predicted = trainer.model.eval()(trainer.data.x_test).argmax(1)
    expected = torch.zeros(10, 10, dtype=torch.long)
    for t, p in zip(trainer.data.y_test.tolist(), predicted.tolist()):
        expected[t, p] += 1
    assert torch.equal(confusion, expected)
    assert images.per_class_acc == pytest.approx((expected.diagonal() / expected.sum(1)).tolist())
    assert len(images.samples) == 8 and images.samples[0].true == trainer.data.y_test[0].item()
    assert len(images.filters) == 8 and len(images.filters[0]) == 8  # first Linear rows as 8×8 images
    assert max(abs(v) for f in images.filters for row in f for v in row) == pytest.approx(1.0)


def test_the_started_event_describes_data_model_and_device():
    events: list[TrainEvent] = []
    trainer = Trainer(TINY, events.append)
    started = trainer.started_event()
    assert started.device == "cpu" and started.device_name == "CPU · 1 thread"
    assert started.dataset.classes == list(trainer.data.class_names)
    assert started.parameters == sum(p.numel() for p in trainer.model.parameters())
    assert [row.output for row in started.summary][-1] == [2]
    assert started.steps_per_epoch == math.ceil(started.dataset.train / 64)
    assert 0 < len(started.points) <= 400


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_asking_for_cuda_without_it_quotes_torch(cuda_refusal):
    with pytest.raises(SpecError) as caught:
        Trainer(TINY.with_changes(device="cuda"), [].append)
    assert caught.value.code == "cuda_unavailable"
    assert caught.value.torch_message == cuda_refusal


def test_auto_picks_the_cpu_here_and_keeps_the_data_on_the_training_device():
    trainer = Trainer(TINY.with_changes(device="auto"), [].append)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert trainer.device.type == expected
    assert trainer.x_train.device.type == expected and next(trainer.model.parameters()).device.type == expected


def test_auto_prefers_cuda_then_mps_when_present(monkeypatch):
    from engine.train import device as devices

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert devices.resolve_device("auto") == torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(devices, "_mps_available", lambda: True)
    assert devices.resolve_device("auto") == torch.device("mps")
    monkeypatch.setattr(devices, "_mps_available", lambda: False)
    assert devices.resolve_device("auto") == torch.device("cpu")
    with pytest.raises(SpecError) as caught:
        devices.resolve_device("mps")
    assert caught.value.code == "mps_unavailable"


def test_the_gpu_name_and_memory_are_read_from_torch_cuda(monkeypatch):
    from engine.train import device as devices

    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device: "NVIDIA H100 80GB HBM3")
    monkeypatch.setattr(torch.cuda, "memory_allocated", lambda device: 3 * 2**20)
    cuda = torch.device("cuda")
    assert devices.device_name(cuda, 2) == "NVIDIA H100 80GB HBM3"
    assert devices.memory_mb(cuda) == 3.0
    assert devices.memory_mb(torch.device("cpu")) is None


def test_running_out_of_gpu_memory_is_a_failed_event_suggesting_a_smaller_batch(
    monkeypatch,
):
    events: list[TrainEvent] = []
    trainer = Trainer(TINY, events.append)

    def out_of_memory(x):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB\nmore detail")

    monkeypatch.setattr(trainer.model, "forward", out_of_memory)
    assert run(trainer) == "failed"
    failed = of_kind(events, FailedEvent)[0]
    assert failed.to_json() == {
        "event": "failed",
        "code": "cuda_out_of_memory",
        "params": {"batch": 64},
        "torch_message": "CUDA out of memory. Tried to allocate 2.00 GiB",
    }


def test_automatic_threads_are_the_usable_cores_whatever_the_load(monkeypatch):
    """The same count every time on one machine: another count changes a conv net's numbers in the last bits."""
    from engine.train import device as devices

    cores = len(os.sched_getaffinity(0))
    previous = torch.get_num_threads()
    try:
        for load in (0.2, cores + 3.0):
            monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, 0.0, 0.0))
            assert devices.set_threads(0) == min(8, cores) == torch.get_num_threads()
        assert devices.set_threads(3) == 3
    finally:
        torch.set_num_threads(previous)


def test_a_conv_net_with_automatic_threads_gives_the_same_numbers_twice():
    config = TrainConfig(
        dataset="digits",
        model="simplecnn",
        epochs=1,
        batch_size=64,
        threads=0,
        device="cpu",
    )
    first, _, _ = train(config)
    second, _, _ = train(config)
    assert without_timing(first.history) == without_timing(second.history)
    assert all(torch.equal(a, b) for a, b in zip(first.model.parameters(), second.model.parameters()))


def test_a_metrics_file_that_cannot_be_written_fails_the_run_plainly(tmp_path):
    events: list[TrainEvent] = []
    trainer = Trainer(TINY, events.append, out=tmp_path)
    (tmp_path / train_loop.METRICS_NAME).mkdir()  # a directory where the file must go
    assert run(trainer) == "failed"
    failed = of_kind(events, FailedEvent)[0]
    assert failed.code == "train_write_failed" and failed.params["path"] == str(tmp_path / train_loop.METRICS_NAME)
