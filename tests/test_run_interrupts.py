"""A headless run stopped by anything (Ctrl+C, SIGTERM, SIGHUP, twice, a full disk, a kill) leaves files that
agree, says so in one line with the right exit status, and --resume ends where an unbroken run ends.

Runs are in-process (run_headless, as the CLI calls it) so that a signal can be sent at an exact batch:
the handlers are the ones the command installs.
"""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from run_support import TINY, assert_agree, metrics_lines, no_space, same_weights, without_timing
from test_datasets import IDX_NAMES, idx_arrays, idx_bytes

from engine.train import checkpoint as checkpoint_module
from engine.train import loop as train_loop
from engine.train import run_files
from engine.train.checkpoint import load_checkpoint
from engine.train.commands import run
from engine.train.config import TrainConfig
from engine.train.download import SOURCES
from engine.train.loop import Trainer
from tui.headless import run_headless
from tui.i18n import t

STEPS = 7  # batches an epoch of TINY (800 points, batches of 128)


@pytest.fixture(scope="module")
def reference() -> Trainer:
    trainer = Trainer(TINY, [].append)
    assert run(trainer) == "done"
    return trainer


class Killed(BaseException):
    """Stands in for SIGKILL: it unwinds past every handler, so the files stay as they were at that moment."""


def headless(out: Path, **options) -> int:
    """run_headless as the command runs it; a KeyboardInterrupt that escapes is a failure, not the test's end."""
    try:
        return run_headless(TINY, out=str(out), **options)
    except KeyboardInterrupt as escaped:
        pytest.fail(f"{type(escaped).__name__} escaped run_headless")


def after_batch(patch, batch: int, action) -> None:
    """Call `action(trainer)` right after global batch `batch` (1-based) is trained."""
    real = Trainer.train_batch

    def train_batch(self: Trainer) -> None:
        real(self)
        if self.global_step == batch:
            action(self)

    patch.setattr(Trainer, "train_batch", train_batch)


def die(_trainer: Trainer) -> None:
    raise Killed


def send(signum: int):
    return lambda *_: os.kill(os.getpid(), signum)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_stops_after_the_batch_and_saves(tmp_path, monkeypatch, capsys, signum, reference):
    after_batch(monkeypatch, STEPS + 3, send(signum))
    assert headless(tmp_path) == 128 + signum
    assert t("train.headless_interrupted", epoch=1, step=3, out=tmp_path) in capsys.readouterr().out
    assert (
        load_checkpoint(tmp_path / "checkpoint.pt")["epoch"],
        load_checkpoint(tmp_path / "checkpoint.pt")["step"],
    ) == (1, 3)
    assert_agree(tmp_path, exactly=True)
    monkeypatch.undo()
    assert headless(tmp_path, resume=str(tmp_path)) == 0
    assert without_timing(metrics_lines(tmp_path)) == without_timing(reference.history)


def test_a_second_signal_while_saving_stops_at_once_and_keeps_the_old_checkpoint(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(train_loop, "CHECKPOINT_EVERY_S", 0.0)  # a checkpoint at every epoch's end
    after_batch(monkeypatch, STEPS + 2, send(signal.SIGINT))
    real = checkpoint_module._check_loadable
    calls = []

    def second_ctrl_c(temporary, path):
        calls.append(path)
        if len(calls) == 2:  # the stop's own save, its new file written
            os.kill(os.getpid(), signal.SIGINT)
        real(temporary, path)

    monkeypatch.setattr(checkpoint_module, "_check_loadable", second_ctrl_c)
    assert headless(tmp_path) == 130
    err = capsys.readouterr().err
    assert err.count("tensortour:") == 1 and "Traceback" not in err
    assert t("train.kept_after_epoch", epoch=1, out=tmp_path) in " ".join(err.split())
    assert load_checkpoint(tmp_path / "checkpoint.pt")["epoch"] == 1
    assert sorted(os.listdir(tmp_path)) == ["checkpoint.pt", "metrics.jsonl", "run.json"]
    assert_agree(tmp_path, exactly=True)


def test_ctrl_c_before_training_begins_is_one_line(tmp_path, monkeypatch, capsys):
    real = train_loop.load_dataset

    def interrupted_while_loading(config, report=None):
        os.kill(os.getpid(), signal.SIGINT)
        return real(config, report)

    monkeypatch.setattr(train_loop, "load_dataset", interrupted_while_loading)
    assert headless(tmp_path / "run") == 130
    err = capsys.readouterr().err
    assert err.strip() == f"tensortour: {t('train.interrupted_setup')}"
    assert not (tmp_path / "run").exists() or os.listdir(tmp_path / "run") == []


def test_ctrl_c_during_a_download_is_one_line_and_keeps_no_part(tmp_path, monkeypatch, capsys):
    """The server sends the start of MNIST's first file, then Ctrl+C arrives (from its thread) while the rest is
    awaited."""
    start = gzip.compress(idx_bytes(idx_arrays()[IDX_NAMES[0]]))[:1000]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(SOURCES["mnist"].sizes[f"{IDX_NAMES[0]}.gz"]))
            self.end_headers()
            self.wfile.write(start)
            self.wfile.flush()
            os.kill(os.getpid(), signal.SIGINT)
            threading.Event().wait(2)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    monkeypatch.setenv("TENSORTOUR_MIRROR", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("no_proxy", "*")
    config = TrainConfig(dataset="mnist", data_dir=str(tmp_path / "data"), download=True, threads=1, device="cpu")
    try:
        code = run_headless(config, out=str(tmp_path / "run"))
    except KeyboardInterrupt:
        pytest.fail("KeyboardInterrupt escaped run_headless")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 130
    err = capsys.readouterr().err
    assert err.count("tensortour:") == 1 and "Traceback" not in err
    assert [p.name for p in (tmp_path / "data").rglob("*") if p.is_file()] == []


def test_a_closed_stdout_does_not_stop_the_run(tmp_path, monkeypatch, capsys, reference):
    """`tensortour train --headless … | head -1`: the reader is gone before the first line."""
    reader, writer = os.pipe()
    os.close(reader)
    monkeypatch.setattr(sys, "stdout", os.fdopen(writer, "w"))
    assert headless(tmp_path) == 0
    err = capsys.readouterr().err
    assert err.count(t("train.output_closed", out=tmp_path)) == 1
    assert without_timing(metrics_lines(tmp_path)) == without_timing(reference.history)
    assert_agree(tmp_path, exactly=True)


KINDS = ("SIGINT", "SIGTERM", "SIGHUP", "twice", "killed", "metrics disk full", "checkpoint disk full")
BATCHES = TINY.epochs * STEPS


def interrupt(patch, kind: str, at: int) -> None:
    """Arrange for `kind` to strike at global batch `at`."""
    if kind in ("SIGINT", "SIGTERM", "SIGHUP", "twice"):
        signum = getattr(signal, "SIGINT" if kind == "twice" else kind)
        after_batch(patch, at, lambda trainer: (send(signum)(), kind == "twice" and send(signum)()))
    elif kind == "killed":
        after_batch(patch, at, die)
    elif kind == "metrics disk full":
        real = run_files._write_all
        epoch = (at - 1) // STEPS + 1

        def half(descriptor: int, data: bytes) -> None:
            if f'"epoch": {epoch},'.encode() in data:
                os.write(descriptor, data[: len(data) // 3])
                raise no_space()
            real(descriptor, data)

        patch.setattr(run_files, "_write_all", half)
    else:
        real_write = checkpoint_module._Writes.write
        saves = []

        def write(self, data: bytes) -> int:
            if not saves or saves[-1] is not self:
                saves.append(self)
            if len(saves) == (at - 1) // STEPS + 1:
                raise no_space()
            return real_write(self, data)

        patch.setattr(checkpoint_module._Writes, "write", write)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), at=st.integers(1, BATCHES - 1))
def test_any_interruption_leaves_agreeing_files_and_resume_ends_where_an_unbroken_run_ends(
    tmp_path_factory, capsys, reference, kind, at
):
    out = tmp_path_factory.mktemp("run")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(train_loop, "CHECKPOINT_EVERY_S", 0.0)
        interrupt(patch, kind, at)
        try:
            code = headless(out)
        except Killed:
            code = None
    graceful = kind in ("SIGINT", "SIGTERM", "SIGHUP")
    assert code == {"SIGINT": 130, "SIGTERM": 143, "SIGHUP": 129, "twice": 130, "killed": None}.get(kind, 1)
    assert_agree(out, exactly=graceful)
    capsys.readouterr()
    if (out / "checkpoint.pt").exists():
        assert headless(out, resume=str(out)) == 0
        final = out
    else:  # nothing saved yet: the run starts again, in a folder of its own
        final = tmp_path_factory.mktemp("again")
        assert headless(final) == 0
    assert without_timing(metrics_lines(final)) == without_timing(reference.history)
    assert same_weights(load_checkpoint(final / "checkpoint.pt")["model"], reference.model.state_dict())
    assert_agree(final, exactly=True)


def test_ctrl_c_while_the_command_is_still_starting_is_one_line(tmp_path):
    """Ctrl+C a moment after the command starts (numpy or torch still loading) ends it with one line and 130."""
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "tui", "train", "--headless", "--dataset", "xor", "--epochs", "100000"]
    child = subprocess.Popen(
        [*command, "--threads", "1", "--out", str(tmp_path / "run")],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.4)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130 and "Traceback" not in err, err
    assert len(err.strip().splitlines()) <= 1 and (err.startswith("tensortour:") or "--resume" in out)


def test_a_stop_that_broke_an_import_half_way_is_still_one_line_and_130(monkeypatch, tmp_path, capsys):
    """Ctrl+C inside torch's lazy import of torch._dynamo surfaced as a RecursionError from numpy's half-made module
    (seen on the CUDA build): after a stop signal, any error is the student's stop, said in one line."""
    from tui import headless

    def import_cut_by_the_signal(self):
        self.signals.received = signal.SIGINT
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(headless._HeadlessRun, "train", import_cut_by_the_signal)
    assert headless.run_headless(TrainConfig(dataset="xor"), out=str(tmp_path / "run")) == 130
    err = capsys.readouterr().err
    assert err.startswith("tensortour:") and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_an_error_without_a_stop_signal_is_not_hidden(monkeypatch, tmp_path):
    from tui import headless

    def broken(self):
        raise RecursionError("a bug, not a stop")

    monkeypatch.setattr(headless._HeadlessRun, "train", broken)
    with pytest.raises(RecursionError):
        headless.run_headless(TrainConfig(dataset="xor"), out=str(tmp_path / "run"))
