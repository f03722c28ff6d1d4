"""The training lesson's live view drawn from recorded events (no child process), through the real app.

The events are the JSON the child writes (helpers in test_tui_train.py), read
as the app reads them; what is asserted is what is on screen.
"""

from __future__ import annotations

from test_tui_train import (
    DIGITS,
    IMAGE_EVENTS,
    TOY_EVENTS,
    XOR,
    batch,
    epoch,
    feed,
    images,
    run,
    screen,
    started,
    text,
)

from engine.errors import SpecError
from engine.train.events import event_from_json
from engine.train.presets import preset_config
from tui.i18n import error_text, t
from tui.screens.train_form import TrainForm
from tui.text.train import accuracy_lines
from tui.widgets.confusion import Confusion
from tui.widgets.heatmap import HalfBlocks
from tui.widgets.loss_chart import LossChart


def test_toy_events_draw_progress_chart_and_boundary_with_the_test_points():
    async def body(app, pilot):
        feed(app, XOR, TOY_EVENTS)
        await pilot.pause(0.3)
        train = screen(app)
        assert text(app, "#progress").splitlines() == [
            "training · epoch 2/3 · batch 5/13 · ETA 1:15 · 12,345 samples/s",
            "CPU · 1 thread · lr 0.01 · test accuracy 50.5%",
        ]
        assert text(app, "#epoch-line") == "epoch 1: loss 0.69 train / 0.68 test · accuracy 50.0% train / 50.5% test"
        chart = train.query_one(LossChart)
        assert chart.batches == ([1.0, 1 + 5 / 13], [0.70, 0.6]) and chart.test == ([1], [0.68]) and chart.draws >= 1
        picture = train.query_one("#boundary", HalfBlocks).picture
        rows, side = picture.rows, min(picture.cols, 2 * picture.rows)
        assert (
            picture.marks[(side // 4 // 2, side // 4)].text == "●"
            and picture.marks[(3 * side // 4 // 2, 3 * side // 4)].text == "○"
        )
        left, right = picture.pixels[0, 0], picture.pixels[0, side - 1]
        assert left[2] > left[0] and right[0] > right[2]  # blue on the left (class 0), orange on the right
        assert "● blue" in train.query_one("#view").border_title and rows == train.query_one("#boundary").size.height
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
        assert confusion.display and confusion.cell_text(8, 3) == "6" and confusion.cell_text(8, 8) == "30"
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
        expected = error_text(SpecError("loss_not_finite", value="NaN", epoch=3, step=41, lr="10"))
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
        train._on_batch = lambda event: (drawn.append(event.step), original(event))
        for step in range(1, 11):
            train.runs.post(event_from_json(batch(1, step, 1.0 / step)))
        train.runs.post(event_from_json(epoch(1, 0.5, 0.4, 0.6)))
        train.runs.post(event_from_json(batch(2, 1, 0.3)))
        await pilot.pause(0.3)
        assert drawn == [1]  # only the newest batch (epoch 2, step 1) was drawn
        positions, losses = train.query_one(LossChart).batches
        assert positions == [step / 13 for step in range(1, 11)] + [1 + 1 / 13]
        assert losses[-1] == 0.3 and train.epoch.epoch == 1

    run(body)


COURSE = preset_config("course")


def accuracy_event(classes: list[str]) -> dict:
    """The accuracy event the child sends when an image run is done (the tutorial's closing numbers)."""
    rows = [{"name": name, "correct": i, "total": 10, "percent": 10.0 * i} for i, name in enumerate(classes)]
    rows[1] = {"name": classes[1], "correct": 0, "total": 0, "percent": None}
    return {"event": "accuracy", "images": 90, "correct": 44, "percent": 48, "classes": rows}


CIFAR_NAMES = ["plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
COURSE_EVENTS = [
    started(COURSE, "images", CIFAR_NAMES),
    *(batch(1, step, 2.3 - 0.05 * step) for step in range(1, 14)),
    epoch(1, 1.9, 1.6, 0.41),
    *(batch(2, step, 1.6 - 0.02 * step) for step in range(1, 14)),
    epoch(2, 1.45, 1.4, 0.48),
    images(),
    accuracy_event(CIFAR_NAMES),
    {"event": "done", "epoch": 2, "test_acc": 0.48},
]


def test_when_an_image_run_is_done_the_tutorials_closing_lines_take_the_right_pane():
    async def body(app, pilot):
        feed(app, COURSE, COURSE_EVENTS)
        await pilot.pause(0.1)
        train = screen(app)
        lines = text(app, "#accuracy").splitlines()
        assert lines == accuracy_lines(event_from_json(accuracy_event(CIFAR_NAMES)))
        assert lines[0] == "Accuracy of the network on the 90 test images: 48 %"
        assert lines[1] == "Accuracy for class: plane is 0.0 %" and lines[3] == "Accuracy for class: bird  is 20.0 %"
        assert lines[2].startswith("Accuracy for class: car   is – %")
        pane = train.query_one("#accuracy-pane")
        assert pane.display and pane.region.width >= len(lines[0]) and train.has_class("-accuracy")
        assert train.query_one("#view").border_title == t("train_ui.view_accuracy")
        seen = []
        for _ in range(4):
            await pilot.press("v")
            seen.append(
                next(name for name in ("confusion", "pictures", "accuracy-pane") if train.query_one(f"#{name}").display)
            )
        assert seen == ["confusion", "pictures", "pictures", "accuracy-pane"]
        await pilot.press("v")
        assert not train.has_class("-accuracy") and train.query_one(Confusion).display

    run(body, COURSE)
