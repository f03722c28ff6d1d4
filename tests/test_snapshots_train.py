"""Snapshots of the training lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_train.py --snapshot-update` and look at the SVGs.
The live views are fed a fixed list of events (no child process), so every run draws the same.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app
from test_tui_train import DIGITS, IMAGE_EVENTS, TOY_EVENTS, XOR, feed
from test_tui_train_views import COURSE, COURSE_EVENTS

from engine.train.setup import TrainSetup
from tui.screens.train_live import APPLY_INTERVAL_S
from tui.widgets.loss_chart import REDRAW_INTERVAL_S


def fed(config, events):
    async def run_before(pilot) -> None:
        await pilot.pause()  # the lesson screen opens once the app has started
        feed(pilot.app, config, events)
        await pilot.pause(max(REDRAW_INTERVAL_S, APPLY_INTERVAL_S) + 0.3)  # every throttled redraw has happened

    return run_before


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_train_form(snap_compare, lang):
    """`tensortour train --dataset xor`: the form, two columns of fields."""
    app = make_app(lang, "train", setup=TrainSetup(XOR))
    assert snap_compare(app, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_train_live_toy(snap_compare, lang):
    """Progress, loss chart and the decision boundary with the test points."""
    app = make_app(lang, "train", setup=TrainSetup(XOR))
    assert snap_compare(app, terminal_size=SIZE, run_before=fed(XOR, TOY_EVENTS))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_train_live_images(snap_compare, lang):
    """An image set after one epoch: the confusion matrix with per-class accuracy."""
    app = make_app(lang, "train", setup=TrainSetup(DIGITS))
    assert snap_compare(app, terminal_size=SIZE, run_before=fed(DIGITS, IMAGE_EVENTS))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_train_done_course(snap_compare, lang):
    """`tensortour train --preset course` when done: the loss chart beside the tutorial's closing accuracy lines."""
    app = make_app(lang, "train", setup=TrainSetup(COURSE))
    assert snap_compare(app, terminal_size=SIZE, run_before=fed(COURSE, COURSE_EVENTS))


LIMITED_EVENTS = [
    {
        **TOY_EVENTS[0],
        "limits": {
            "max_threads": {"value": 4, "source": "TENSORTOUR_MAX_THREADS"},
            "devices": {"value": ["cuda:1", "cpu"], "source": "/etc/tensortour/limits.toml"},
            "gpu_memory_fraction": {"value": 0.25, "source": "/etc/tensortour/limits.toml"},
        },
    },
    *TOY_EVENTS[1:],
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_train_live_under_server_limits(snap_compare, lang):
    """A shared server's limits under the progress lines, each source named; the chart gives up their rows."""
    app = make_app(lang, "train", setup=TrainSetup(XOR))
    assert snap_compare(app, terminal_size=SIZE, run_before=fed(XOR, LIMITED_EVENTS))
