"""The training lesson driven through the real app with Pilot; assertions on what is on screen.

Refusals are compared with engine's own SpecError for the same input. One test
trains for real in the child process (xor, a few seconds, most of it torch's
import); the views are tested by feeding events through `apply_event`, shaped as
engine/train/loop.py emits them.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pilot_support import CJK, drive
from textual.widgets import Input, Select, Static

from engine.errors import SpecError
from engine.train.config import TrainConfig, parse_hidden, parse_number
from tui.flags.train import TrainSetup
from tui.i18n import error_text, t
from tui.screens.train import TrainScreen
from tui.screens.train_form import TrainForm
from tui.training_process import TrainingProcess
from tui.widgets.confusion import Confusion
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


def spec_error(call) -> SpecError:
    with pytest.raises(SpecError) as caught:
        call()
    return caught.value


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


# Events as engine/train/loop.py emits them --------------------------------------


def started(
    config: TrainConfig, kind: str, classes: list[str], points: list | None = None
) -> dict:
    return {
        "event": "started", "device": "cpu", "device_name": "CPU · 1 thread",
        "dataset": {"name": config.dataset, "kind": kind, "train": 800, "test": 200, "input_shape": [2] if kind == "points" else [1, 8, 8],
                    "classes": classes, "source": "generated (seed 0)", "extent": [-1, 1, -1, 1] if kind == "points" else None},
        "points": points or [],
        "summary": [{"layer": "fc1", "kind": "Linear", "output": [8], "parameters": 24}, {"layer": "fc2", "kind": "Linear", "output": [2], "parameters": 18}],
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
    confusion = [
        [30 if i == j else (6 if (i, j) == (8, 3) else 0) for j in range(classes)]
        for i in range(classes)
    ]
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


def feed(app, config: TrainConfig, events: list[dict]) -> None:
    """Show the live view as a start would, without a child, and apply recorded events."""
    train = screen(app)
    train.config = config
    train.set_class(not config.is_toy, "-images")
    train.query_one(LossChart).reset(config.epochs)
    train.state = "starting"
    train._show_live()
    for event in events:
        train.apply_event(event)


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
        assert (
            start.region.bottom <= 23 and start.region.right <= 80
        )  # above the key bar

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
            assert (
                form.error_shown()
                == f"{t('train_ui.form_refused')}: {error_text(spec_error(cause))}"
            ), typed
            assert (
                field.value == typed
                and train.focused is field
                and field.has_class("-invalid-field")
            )
            assert train.state == "form" and train.process is None
            field.value = {"lr": "0.01", "batch_size": "64", "hidden": "8"}[key]
        train.query_one("#field-model", Select).value = "net"
        train.query_one("#field-seed", Input).focus()
        await pilot.press("enter")
        assert form.error_shown().endswith(
            error_text(spec_error(lambda: TrainConfig(dataset="xor", model="net")))
        )
        assert "net" in form.error_shown() and train.focused is train.query_one(
            "#field-model"
        )
        assert train.process is None and train.query_one(TrainForm).display

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
        assert train.query_one("#live").display and text(app, "#message") == t(
            "train_ui.pausing"
        )
        await until(pilot, lambda: train.state == "paused")
        assert text(app, "#progress").startswith("paused · epoch 0/3 · batch 0/13")
        assert text(app, "#summary").startswith("xor: 800 train, 200 test")
        for step in range(1, 14):  # one epoch, batch by batch
            await pilot.press("n")
            await until(
                pilot, lambda step=step: train.batch.get("global_step") == step, 10
            )
            assert f"batch {step}/13" in text(app, "#progress")
        await until(
            pilot, lambda: text(app, "#epoch-line").startswith("epoch 1: loss ")
        )
        metrics_file = tmp_path / "run" / "metrics.jsonl"
        await until(pilot, metrics_file.exists, 5)
        metrics = json.loads(metrics_file.read_text().splitlines()[0])
        assert f"{metrics['test_acc']:.1%} test" in text(app, "#epoch-line")
        assert "test accuracy" in text(app, "#progress") and train.query_one(
            LossChart
        ).train[1] == [metrics["train_loss"]]
        await pilot.press("n")
        await until(
            pilot, lambda: "epoch 2/3 · batch 1/13" in text(app, "#progress"), 10
        )
        assert (
            train.query_one("#boundary").display
            and train.query_one("#boundary", HalfBlocks).picture.marks
        )
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


def test_quit_while_training_stops_the_child_within_a_second(tmp_path):
    config = TrainConfig(
        dataset="xor", hidden=(8,), epochs=100000, batch_size=8, threads=1
    )

    async def body(app, pilot):
        train = screen(app)
        await until(pilot, lambda: train.batch.get("global_step", 0) > 0)
        pid = train.process.pid
        pressed = time.monotonic()
        await pilot.press("q")
        await until(pilot, lambda: gone(pid) and not app.is_running, 1.0)
        assert time.monotonic() - pressed < 1.0

    run(body, config, start=True, out=str(tmp_path / "run"))


def test_started_from_the_command_line_space_pauses_and_the_key_bar_shows_it(tmp_path):
    config = TrainConfig(
        dataset="xor", hidden=(8,), epochs=100000, batch_size=8, threads=1
    )

    async def body(app, pilot):
        train = screen(app)
        await until(pilot, lambda: train.batch.get("global_step", 0) > 0)
        assert "Space Pause" in str(train.query_one(KeyBar).render())
        await pilot.press("space")
        await until(pilot, lambda: train.state == "paused", 5)
        assert text(app, "#progress").startswith("paused")
        await pilot.press("q")

    run(body, config, start=True, out=str(tmp_path / "run"))


def test_a_child_that_dies_is_reported_with_its_status():
    async def main() -> list[dict]:
        process = TrainingProcess(XOR.to_json(), None)
        await process.start()
        os.kill(process.pid, signal.SIGKILL)
        return [event async for event in process]

    events = asyncio.run(main())
    assert events[-1] == {
        "event": "failed",
        "code": "train_child_died",
        "params": {"status": -signal.SIGKILL, "stderr": ""},
        "torch_message": None,
    }


# Views from recorded events --------------------------------------------------------


def test_toy_events_draw_progress_chart_and_boundary_with_the_test_points():
    async def body(app, pilot):
        feed(app, XOR, TOY_EVENTS)
        await pilot.pause(0.3)
        train = screen(app)
        assert text(app, "#progress").splitlines() == [
            "training · epoch 2/3 · batch 5/13 · ETA 1:15 · 12,345 samples/s",
            "CPU · 1 thread · lr 0.01 · test accuracy 50.5%",
        ]
        assert (
            text(app, "#epoch-line")
            == "epoch 1: loss 0.69 train / 0.68 test · accuracy 50.0% train / 50.5% test"
        )
        chart = train.query_one(LossChart)
        assert (
            chart.batches == ([1.0, 1 + 5 / 13], [0.70, 0.6])
            and chart.test == ([1], [0.68])
            and chart.draws >= 1
        )
        picture = train.query_one("#boundary", HalfBlocks).picture
        rows, side = picture.rows, min(picture.cols, 2 * picture.rows)
        assert (
            picture.marks[(side // 4 // 2, side // 4)].text == "●"
            and picture.marks[(3 * side // 4 // 2, 3 * side // 4)].text == "○"
        )
        left, right = picture.pixels[0, 0], picture.pixels[0, side - 1]
        assert (
            left[2] > left[0] and right[0] > right[2]
        )  # blue on the left (class 0), orange on the right
        assert (
            "● blue" in train.query_one("#view").border_title
            and rows == train.query_one("#boundary").size.height
        )
        await pilot.press("s")
        assert (
            train.query_one("#summary").display
            and "fc1 Linear" in text(app, "#summary")
            and "42 parameters" in text(app, "#summary")
        )
        await pilot.press("v")
        assert text(app, "#message") == t("train_ui.toy_views")

    run(body)


def test_image_events_draw_the_confusion_matrix_then_test_images_then_filters():
    async def body(app, pilot):
        feed(app, DIGITS, IMAGE_EVENTS)
        await pilot.pause(0.1)
        train = screen(app)
        confusion = train.query_one(Confusion)
        assert (
            confusion.display
            and confusion.cell_text(8, 3) == "6"
            and confusion.cell_text(8, 8) == "30"
        )
        row = "".join(segment.text for segment in confusion.render_line(9))
        assert row.split() == [
            "8",
            "·",
            "·",
            "·",
            "6",
            "·",
            "·",
            "·",
            "·",
            "30",
            "·",
            "83",
        ]  # 30 of 36 right
        await pilot.press("v")
        pictures = train.query_one("#pictures", HalfBlocks).picture
        captions = "".join(mark.text for _, mark in sorted(pictures.marks.items()))
        assert "✓ 3" in captions and "✗ 3/8" in captions
        await pilot.press("v")
        assert "linear 8×8" in train.query_one("#view").border_title
        await pilot.press("v")
        assert train.query_one(Confusion).display

    run(body, DIGITS)


def test_a_failed_event_is_said_plainly_and_the_form_reopens():
    failed = {
        "event": "failed",
        "code": "loss_not_finite",
        "params": {"value": "NaN", "epoch": 3, "step": 41, "lr": "10"},
        "torch_message": None,
    }

    async def body(app, pilot):
        feed(app, XOR, [TOY_EVENTS[0], failed])
        train = screen(app)
        message = text(app, "#message")
        expected = error_text(
            SpecError("loss_not_finite", value="NaN", epoch=3, step=41, lr="10")
        )
        assert (
            "NaN at epoch 3, step 41" in expected
            and expected in message
            and train.query_one("#message").has_class("error")
        )
        assert text(app, "#progress").startswith("failed") and app.is_running
        await pilot.press("e")
        assert train.query_one(TrainForm).display and train.state == "form"

    run(body)


def test_unknown_failure_codes_fall_back_to_the_code():
    async def body(app, pilot):
        feed(
            app,
            XOR,
            [
                {
                    "event": "failed",
                    "code": "something_new",
                    "params": {"x": 1},
                    "torch_message": "boom",
                }
            ],
        )
        assert "something_new x=1 boom" in text(app, "#message")

    run(body)


def test_between_repaints_only_the_newest_batch_is_drawn_but_every_loss_is_charted():
    async def body(app, pilot):
        feed(app, XOR, TOY_EVENTS[:1])
        train = screen(app)
        drawn = []
        original = train._on_batch
        train._on_batch = lambda event: (drawn.append(event["step"]), original(event))
        for step in range(1, 11):
            train._queue(batch(1, step, 1.0 / step))
        train._queue(epoch(1, 0.5, 0.4, 0.6))
        train._queue(batch(2, 1, 0.3))
        await pilot.pause(0.3)
        assert drawn == [1]  # only the newest batch (epoch 2, step 1) was drawn
        assert (
            len(train.query_one(LossChart).batches[0]) == 11
            and train.epoch["epoch"] == 1
        )

    run(body)


def test_the_ui_process_never_imports_torch_for_the_training_lesson():
    code = (
        "import asyncio, sys\n"
        "from tui.app import TensorTourApp\n"
        "from tui.flags.train import TrainSetup\n"
        "async def main():\n"
        "    app = TensorTourApp(lang='en', lesson='train', setup=TrainSetup())\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await pilot.pause(0.5)\n"
        "        print(type(app.screen).__name__, 'torch' in sys.modules)\n"
        "asyncio.run(main())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["TrainScreen", "False"]
