"""The training lesson driven through the real app with Pilot; assertions on what is on screen.

Refusals are compared with engine's own SpecError for the same input. One test
trains for real in the child process (xor, a few seconds, most of it torch's
import); the helpers below shape events as the child writes them, and
test_tui_train_views.py draws the live view from them.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path

from pilot_support import CJK, drive
from run_support import assert_agree
from spec_errors import spec_error
from textual.widgets import Input, Select, Static

from engine.train.config import TrainConfig, parse_hidden, parse_number
from engine.train.events import FailedEvent, TrainEvent, event_from_json
from engine.train.setup import TrainSetup
from tui.i18n import error_text, t
from tui.screens.train import TrainScreen
from tui.screens.train_form import TrainForm
from tui.screens.train_views import failure_text
from tui.training_process import TrainingProcess
from tui.widgets.heatmap import HalfBlocks
from tui.widgets.keybar import KeyBar
from tui.widgets.loss_chart import LossChart

ROOT = Path(__file__).resolve().parent.parent
XOR = TrainConfig(dataset="xor", hidden=(8,), epochs=3, batch_size=64, threads=1)
DIGITS = TrainConfig(dataset="digits", hidden=(16,), epochs=2)


def run(body, config: TrainConfig = XOR, lang: str = "en", **setup) -> None:
    drive(body, lesson="train", lang=lang, setup=TrainSetup(config, **setup))


def screen(app) -> TrainScreen:
    return next(s for s in app.screen_stack if isinstance(s, TrainScreen))


def text(app, selector: str) -> str:
    return str(screen(app).query_one(selector, Static).render())


async def until(pilot, check, seconds: float = 30.0) -> float:
    """Poll `check()` until true; returns the seconds it took (fails after `seconds`)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "timed out"
        await pilot.pause(0.02)
    return time.monotonic() - started


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


# Events as the child writes them (engine/train/events.py) ---------------------


def started(config: TrainConfig, kind: str, classes: list[str], points: list | None = None) -> dict:
    return {
        "event": "started", "device": "cpu", "device_name": "CPU · 1 thread", "threads": None,
        "dataset": {"name": config.dataset, "kind": kind, "train": 800, "test": 200, "input_shape": [2] if kind == "points" else [1, 8, 8],
                    "classes": classes, "source": "generated (seed 0)", "extent": [-1, 1, -1, 1] if kind == "points" else None},
        "points": points or [],
        "summary": [{"layer": "fc1", "kind": "Linear", "output": [8], "parameters": 24},
                    {"layer": "fc2", "kind": "Linear", "output": [2], "parameters": 18}],
        "parameters": 42, "steps_per_epoch": 13, "epochs": config.epochs, "epoch": 0, "global_step": 0, "lr": config.lr, "out": "runs/x",
    }  # fmt: skip


def batch(epoch: int, step: int, loss: float) -> dict:
    return {"event": "batch", "epoch": epoch, "step": step, "steps_per_epoch": 13, "global_step": (epoch - 1) * 13 + step, "loss": loss,
            "lr": 0.01, "samples_per_s": 12345.0, "elapsed_s": 1.0, "eta_s": 75.0, "memory_mb": None}  # fmt: skip


def epoch(number: int, train_loss: float, test_loss: float, test_acc: float) -> dict:
    return {"event": "epoch", "epoch": number, "train_loss": train_loss, "train_acc": 0.5, "test_loss": test_loss, "test_acc": test_acc,
            "samples_per_s": 12345.0, "elapsed_s": 1.0, "lr": 0.01}  # fmt: skip


def boundary() -> dict:
    """Left half class 0, right half class 1, certain far from the middle."""
    width, height = 8, 4
    label = [[0 if x < width // 2 else 1 for x in range(width)] for _ in range(height)]
    confidence = [[0.5 + abs(x - 3.5) / 7 for x in range(width)] for _ in range(height)]
    return {
        "event": "boundary",
        "width": width,
        "height": height,
        "extent": [-1, 1, -1, 1],
        "label": label,
        "confidence": confidence,
    }


def images(classes: int = 10) -> dict:
    confusion = [[30 if i == j else (6 if (i, j) == (8, 3) else 0) for j in range(classes)] for i in range(classes)]
    ramp = [[[(x + y) / 14 for x in range(8)] for y in range(8)]]
    return {
        "event": "images", "confusion": confusion, "per_class_acc": [row[i] / sum(row) for i, row in enumerate(confusion)],
        "samples": [{"image": ramp, "true": 3, "pred": 3}, {"image": ramp, "true": 8, "pred": 3}],
        "filters": [[[(x - y) / 7 for x in range(8)] for y in range(8)]] * 2, "filter_title": "linear 8×8",
    }  # fmt: skip


POINTS = [[-0.5, 0.5, 0], [0.5, -0.5, 1]]
TOY_EVENTS = [
    started(XOR, "points", ["blue", "orange"], POINTS),
    batch(1, 13, 0.70),
    epoch(1, 0.69, 0.68, 0.505),
    batch(2, 5, 0.6),
    boundary(),
]
DIGIT_NAMES = [str(i) for i in range(10)]
IMAGE_EVENTS = [
    started(DIGITS, "images", DIGIT_NAMES),
    batch(1, 13, 2.0),
    epoch(1, 1.26, 0.43, 0.908),
    images(),
]


def global_step(train: TrainScreen) -> int:
    return train.batch.global_step if train.batch else 0


def feed(app, config: TrainConfig, events: list[dict]) -> None:
    """Show the live view as a start would, without a child, and apply recorded events."""
    train = screen(app)
    train.config = config
    train.set_class(not config.is_toy, "-images")
    train.query_one(LossChart).reset(config.epochs)
    train.state = "starting"
    train._show_live()
    for event in events:
        train.apply_event(event_from_json(event))


# The form ------------------------------------------------------------------------


def test_the_form_shows_the_setup_and_fits_80x24():
    async def body(app, pilot):
        train = screen(app)
        assert train.state == "form" and train.process is None
        assert train.query_one("#field-dataset", Select).value == "xor"
        assert train.query_one("#field-hidden", Input).value == "8"
        assert train.query_one("#field-lr", Input).value == "0.01"
        assert train.query_one("#field-batch_size", Input).value == "64"
        start = train.query_one("#start")
        assert start.region.bottom <= 23 and start.region.right <= 80  # above the key bar

    run(body)


REFUSALS = [
    ("lr", "abc", lambda: parse_number("abc", "lr")),
    ("lr", "0", lambda: TrainConfig(lr=0.0)),
    ("lr", "-1", lambda: TrainConfig(lr=-1.0)),
    ("lr", "nan", lambda: TrainConfig(lr=float("nan"))),
    ("batch_size", "0", lambda: TrainConfig(batch_size=0)),
    ("hidden", "16,x", lambda: parse_hidden("16,x")),
]


def test_invalid_fields_are_refused_on_the_form_and_nothing_starts():
    async def body(app, pilot):
        train, form = screen(app), screen(app).query_one(TrainForm)
        for key, typed, cause in REFUSALS:
            field = train.query_one(f"#field-{key}", Input)
            field.value = typed
            field.focus()
            await pilot.press("enter")
            assert form.error_shown() == f"{t('train_ui.form_refused')}: {error_text(spec_error(cause))}", typed
            assert field.value == typed and train.focused is field and field.has_class("-invalid-field")
            assert train.state == "form" and train.process is None
            field.value = {"lr": "0.01", "batch_size": "64", "hidden": "8"}[key]
        train.query_one("#field-model", Select).value = "net"
        train.query_one("#field-seed", Input).focus()
        await pilot.press("enter")
        assert form.error_shown().endswith(error_text(spec_error(lambda: TrainConfig(dataset="xor", model="net"))))
        assert "net" in form.error_shown() and train.focused is train.query_one("#field-model")
        assert train.process is None and train.query_one(TrainForm).display

    run(body)


def test_enter_on_a_choice_field_starts_like_any_field_and_the_focused_field_is_reversed():
    """Enter on a closed choice field asks to start (here refused: lr is -1); Space opens its menu instead."""

    async def body(app, pilot):
        train, form = screen(app), screen(app).query_one(TrainForm)
        train.query_one("#field-lr", Input).value = "-1"
        dataset = train.query_one("#field-dataset", Select)
        dataset.focus()
        await pilot.pause()
        assert dataset.query_one("SelectCurrent").rich_style.reverse  # plainly the field the keys go to
        assert not train.query_one("#field-model", Select).query_one("SelectCurrent").rich_style.reverse
        await pilot.press("enter")
        assert form.error_shown().startswith(t("train_ui.form_refused")) and train.process is None
        assert not dataset.expanded
        train.query_one("#field-lr", Input).value = "0.01"
        dataset.focus()
        await pilot.press("space")
        assert dataset.expanded and train.process is None

    run(body)


def test_chinese_form_and_refusal():
    async def body(app, pilot):
        train = screen(app)
        assert "学习率" in [str(label.render()) for label in train.query("Label")]
        field = train.query_one("#field-lr", Input)
        field.value = "-1"
        field.focus()
        await pilot.press("enter")
        shown = train.query_one(TrainForm).error_shown()
        assert CJK.search(shown) and shown.startswith(t("train_ui.form_refused", "zh"))

    run(body, lang="zh")


# A real run ----------------------------------------------------------------------


def test_a_real_run_pauses_steps_one_batch_at_a_time_and_stops(tmp_path):
    """Space right after Enter pauses before the first batch (the child reads commands before it trains)."""

    async def body(app, pilot):
        train = screen(app)
        train.query_one("#field-lr", Input).focus()
        await pilot.press("enter", "space")
        assert train.query_one("#live").display and text(app, "#message") == t("train_ui.pausing")
        await until(pilot, lambda: train.state == "paused")
        assert text(app, "#progress").startswith("paused · epoch 0/3 · batch 0/13")
        assert text(app, "#summary").startswith("xor: 800 train, 200 test")
        for step in range(1, 14):  # one epoch, batch by batch
            await pilot.press("n")
            await until(pilot, lambda step=step: global_step(train) == step, 10)
            assert f"batch {step}/13" in text(app, "#progress")
        await until(pilot, lambda: text(app, "#epoch-line").startswith("epoch 1: loss "))
        metrics_file = tmp_path / "run" / "metrics.jsonl"
        await until(pilot, metrics_file.exists, 5)
        metrics = json.loads(metrics_file.read_text().splitlines()[0])
        assert f"{metrics['test_acc']:.1%} test" in text(app, "#epoch-line")
        assert "test accuracy" in text(app, "#progress") and train.query_one(LossChart).train[1] == [
            metrics["train_loss"]
        ]
        await pilot.press("n")
        await until(pilot, lambda: "epoch 2/3 · batch 1/13" in text(app, "#progress"), 10)
        assert train.query_one("#boundary").display and train.query_one("#boundary", HalfBlocks).picture.marks
        pid = train.process.pid
        await pilot.press("x")
        await until(
            pilot,
            lambda: train.state == "stopped" and train.process.returncode is not None,
            2,
        )
        assert gone(pid) and (tmp_path / "run" / "checkpoint.pt").exists()
        await until(
            pilot,
            lambda: t("train_ui.stopped_in", epoch=2, step=1) in text(app, "#message"),
            1,
        )
        assert text(app, "#progress").startswith("stopped")

    run(body, out=str(tmp_path / "run"))


def test_quit_while_training_stops_the_child_after_its_batch_and_saves(tmp_path):
    """q keeps Stop's promise: the child finishes its (tiny) batch and saves, then the app goes."""
    config = TrainConfig(dataset="xor", hidden=(8,), epochs=100000, batch_size=8, threads=1)

    async def body(app, pilot):
        train = screen(app)
        await until(pilot, lambda: global_step(train) > 0)
        pid = train.process.pid
        await pilot.press("q")
        await until(pilot, lambda: gone(pid) and not app.is_running, 10)
        assert train.process.returncode == 0

    run(body, config, start=True, out=str(tmp_path / "run"))
    assert (tmp_path / "run" / "checkpoint.pt").is_file()
    assert_agree(tmp_path / "run", exactly=True)


def test_started_from_the_command_line_space_pauses_and_the_key_bar_shows_it(tmp_path):
    config = TrainConfig(dataset="xor", hidden=(8,), epochs=100000, batch_size=8, threads=1)

    async def body(app, pilot):
        train = screen(app)
        await until(pilot, lambda: global_step(train) > 0)
        assert "Space Pause" in str(train.query_one(KeyBar).render())
        await pilot.press("space")
        await until(pilot, lambda: train.state == "paused", 5)
        assert text(app, "#progress").startswith("paused")
        await pilot.press("q")

    run(body, config, start=True, out=str(tmp_path / "run"))


def test_a_child_that_dies_is_reported_with_its_status():
    async def main() -> list[TrainEvent]:
        process = TrainingProcess(XOR.to_json(), None)
        await process.start()
        os.kill(process.pid, signal.SIGKILL)
        return [event async for event in process]

    events = asyncio.run(main())
    died = {"status": -signal.SIGKILL, "stderr": ""}
    assert events[-1] == FailedEvent("train_child_died", died, None)


class LinesChild:
    """A child process that has written `lines` and exited (what TrainingProcess reads)."""

    def __init__(self, lines: list[str]) -> None:
        self.stdout = asyncio.StreamReader()
        self.stdout.feed_data("".join(line + "\n" for line in lines).encode())
        self.stdout.feed_eof()
        self.returncode = None
        self.killed = False

    def kill(self) -> None:
        self.killed, self.returncode = True, -signal.SIGKILL

    async def wait(self) -> int:
        return self.returncode


def test_a_line_that_is_no_event_ends_the_run_as_failed_in_plain_words():
    lines = [
        json.dumps(batch(1, 1, 0.7)),
        '{"event": "telemetry"}',
        json.dumps(batch(1, 2, 0.6)),
    ]
    process = TrainingProcess(XOR.to_json(), None)

    async def main() -> list[TrainEvent]:
        process._process = LinesChild(lines)  # needs the running loop
        return [event async for event in process]

    first, failed = asyncio.run(main())
    assert first == event_from_json(batch(1, 1, 0.7)) and process._process.killed
    assert failed.code == "train_bad_event" and "'telemetry'" in failure_text(failed)
    assert failure_text(failed).startswith("The training process sent an event")
