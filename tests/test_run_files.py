"""A run's folder is never lost or corrupted: no overwriting another run, whole metrics lines on a full disk,
a checkpoint save on a full disk said as such with the old checkpoint whole, a resume that drops what the
checkpoint does not hold, and failure messages that say which checkpoint is really there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from run_support import (
    TINY,
    assert_agree,
    fill,
    metrics_lines,
    no_space,
    same_weights,
    saved_history,
    small_disk,
    without_timing,
)

from engine.errors import SpecError
from engine.train import checkpoint as checkpoint_module
from engine.train import loop as train_loop
from engine.train import run_files
from engine.train.checkpoint import load_checkpoint
from engine.train.commands import run
from engine.train.events import EpochEvent, FailedEvent, TrainEvent
from engine.train.loop import Trainer
from tui.i18n import error_text, t
from tui.text.train import failure_words


@pytest.fixture(scope="module")
def reference() -> Trainer:
    """TINY trained from start to end without a break."""
    trainer = Trainer(TINY, [].append)
    assert run(trainer) == "done"
    return trainer


def finished(trainer: Trainer, reference: Trainer) -> None:
    assert without_timing(trainer.history) == without_timing(reference.history)
    assert same_weights(trainer.model.state_dict(), reference.model.state_dict())


def test_a_new_run_never_overwrites_the_run_in_its_folder(tmp_path):
    spiral, circle = tmp_path / "spiral", tmp_path / "circle"
    assert run(Trainer(TINY.with_changes(dataset="spiral", epochs=1), [].append, out=spiral)) == "done"
    assert run(Trainer(TINY.with_changes(dataset="circle", epochs=2), [].append, out=circle)) == "done"
    before = {name: (spiral / name).read_bytes() for name in ("checkpoint.pt", "metrics.jsonl")}
    for resume in (None, circle):  # a new run there, or another run continued there
        with pytest.raises(SpecError) as caught:
            Trainer(TINY.with_changes(dataset="circle"), [].append, out=spiral, resume=resume)
        assert caught.value.code == "train_out_has_run" and "--resume" in error_text(caught.value)
    assert {name: (spiral / name).read_bytes() for name in before} == before


def test_resuming_drops_the_epochs_a_killed_run_trained_after_its_checkpoint(tmp_path, monkeypatch, reference):
    monkeypatch.setattr(train_loop, "CHECKPOINT_EVERY_S", float("inf"))
    killed = Trainer(TINY, [].append, out=tmp_path)
    for _ in range(killed.steps_per_epoch):
        killed.train_batch()
    killed.save()  # epoch 1 saved; then two more epochs reach metrics.jsonl and the process dies
    for _ in range(killed.steps_per_epoch + 2):
        killed.train_batch()
    assert [line["epoch"] for line in metrics_lines(tmp_path)] == [1, 2]
    with open(tmp_path / "metrics.jsonl", "a") as handle:
        handle.write('{"epoch": 3, "train_l')  # and a line the crash cut short
    resumed = Trainer(TINY, [].append, out=tmp_path, resume=tmp_path)
    assert_agree(tmp_path, exactly=True)
    assert run(resumed) == "done"
    assert [line["epoch"] for line in metrics_lines(tmp_path)] == [1, 2, 3]
    assert without_timing(metrics_lines(tmp_path)) == without_timing(reference.history)
    finished(resumed, reference)


def test_a_full_disk_while_appending_metrics_leaves_whole_lines_only(tmp_path, monkeypatch):
    """Twenty lines cross a 4 KiB page: with no page free, the write that crosses it stops half way."""
    monkeypatch.setattr(train_loop, "CHECKPOINT_EVERY_S", float("inf"))
    with small_disk(tmp_path, 64 * 1024) as disk:
        out = disk / "run"

        def full_after_the_first_epoch(event: TrainEvent) -> None:
            if isinstance(event, EpochEvent) and event.epoch == 1:
                fill(disk, 0)

        events: list[TrainEvent] = []
        trainer = Trainer(
            TINY.with_changes(epochs=40), lambda e: (events.append(e), full_after_the_first_epoch(e)), out=out
        )
        assert run(trainer) == "failed"
        failed = events[-1]
        assert isinstance(failed, FailedEvent) and failed.code == "metrics_disk_full"
        assert os.strerror(28) in error_text(failed.error()) and str(disk / "run") in error_text(failed.error())
        lines = metrics_lines(out)  # whole lines only
        assert 10 < len(lines) < 40 and [line["epoch"] for line in lines] == list(range(1, len(lines) + 1))
        assert failed.params["epoch"] == len(lines) + 1
        assert t("train.kept_none") in failure_words(failed)


def test_a_write_cut_short_is_cut_back_to_the_last_whole_line(tmp_path, monkeypatch):
    """The same fault without a tmpfs: the writer stops half way through epoch 2's line."""
    real = run_files._write_all

    def half_then_full(descriptor: int, data: bytes) -> None:
        if b'"epoch": 2' in data:
            os.write(descriptor, data[: len(data) // 2])
            raise no_space()
        real(descriptor, data)

    monkeypatch.setattr(run_files, "_write_all", half_then_full)
    events: list[TrainEvent] = []
    assert run(Trainer(TINY, events.append, out=tmp_path)) == "failed"
    assert events[-1].code == "metrics_disk_full" and [line["epoch"] for line in metrics_lines(tmp_path)] == [1]


def test_a_full_disk_on_the_first_checkpoint_blames_the_disk_not_torch(tmp_path):
    with small_disk(tmp_path, 64 * 1024) as disk:
        trainer = Trainer(TINY, [].append, out=disk / "run")
        fill(disk, 0)
        with pytest.raises(SpecError) as caught:
            trainer.save()
        assert caught.value.code == "checkpoint_disk_full_none" and caught.value.params["reason"] == os.strerror(28)
        assert "pos" not in error_text(caught.value) and str(disk / "run") in error_text(caught.value)
        assert os.listdir(disk / "run") == ["run.json"]  # the settings, written at the start


def test_a_writer_refused_for_space_is_named_as_a_full_disk(tmp_path, monkeypatch):
    """The same fault without a tmpfs: torch.save's writes are refused half way."""

    def refused(self, data: bytes) -> int:
        raise no_space()

    monkeypatch.setattr(checkpoint_module._Writes, "write", refused)
    with pytest.raises(SpecError) as caught:
        Trainer(TINY, [].append, out=tmp_path).save()
    assert caught.value.code == "checkpoint_disk_full_none" and "pos" not in error_text(caught.value)
    assert os.listdir(tmp_path) == ["run.json"]


def test_a_full_disk_on_a_later_save_fails_the_run_in_words_and_keeps_the_old_checkpoint(tmp_path):
    with small_disk(tmp_path, 256 * 1024) as disk:
        out = disk / "run"
        events: list[TrainEvent] = []
        trainer = Trainer(TINY, events.append, out=out)
        for _ in range(trainer.steps_per_epoch + 2):
            trainer.train_batch()
        trainer.save()
        old = (out / "checkpoint.pt").read_bytes()
        trainer.train_batch()
        fill(disk, 0)
        assert run(trainer, stop_requested=lambda: True) == "failed"  # the stop's save finds the disk full
        failed = events[-1]
        assert failed.code == "checkpoint_disk_full" and failed.params["kept_step"] == 2
        assert (out / "checkpoint.pt").read_bytes() == old and sorted(os.listdir(out)) == [
            "checkpoint.pt",
            "metrics.jsonl",
            "run.json",
        ]
        assert t("train.kept_in_epoch", epoch=2, step=2, out=out) in failure_words(failed)
        assert load_checkpoint(out / "checkpoint.pt")["step"] == 2
        assert_agree(out, exactly=True)


def test_after_a_diverging_loss_the_message_says_which_checkpoint_exists(tmp_path, monkeypatch):
    monkeypatch.setattr(train_loop, "CHECKPOINT_EVERY_S", float("inf"))
    for save_first in (False, True):
        out = tmp_path / str(save_first)
        events: list[TrainEvent] = []
        trainer = Trainer(TINY.with_changes(optimizer="sgd", momentum=0.0), events.append, out=out)
        for _ in range(trainer.steps_per_epoch):
            trainer.train_batch()
        if save_first:
            trainer.save()
        trainer.change_lr(1e30)
        assert run(trainer) == "failed"
        words = failure_words(events[-1])
        assert "last good checkpoint" not in words
        if save_first:
            assert t("train.kept_after_epoch", epoch=1, out=out) in words and saved_history(out) == trainer.history
        else:
            assert t("train.kept_none") in words and not (out / "checkpoint.pt").exists()


def test_resume_into_another_folder_copies_the_history_and_leaves_the_first(tmp_path, reference):
    first, second = tmp_path / "first", tmp_path / "second"
    stopped = Trainer(TINY, [].append, out=first)
    assert run(stopped, stop_requested=lambda: stopped.global_step == stopped.steps_per_epoch + 1) == "stopped"
    before = (first / "metrics.jsonl").read_text()
    resumed = Trainer(TINY, [].append, out=second, resume=first)
    assert metrics_lines(second) == metrics_lines(first) and run(resumed) == "done"
    assert (first / "metrics.jsonl").read_text() == before
    finished(resumed, reference)


def test_holds_run_counts_any_file_under_the_run_names(tmp_path):
    assert not run_files.holds_run(tmp_path)
    Path(tmp_path / "metrics.jsonl").symlink_to(tmp_path / "nowhere")
    assert run_files.holds_run(tmp_path)
