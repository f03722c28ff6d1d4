"""Every lesson fits: at 80×24, 100×30 and the minimum size, in English and Chinese, after each key of a walk
through its presets and examples, nothing the step marks is out of sight without a mark, no box is cut by its
container, no sentence is cut by its box. Below the minimum size the app says so, and recovers."""

from __future__ import annotations

import asyncio

import pytest
from fit_support import unseen
from pilot_support import FakeVerifier, drive
from textual.widgets import OptionList

from tui.app import TensorTourApp
from tui.i18n import set_language, t
from tui.lessons import REGISTRY
from tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen

SIZES = ((80, 24), (100, 30), (MIN_WIDTH, MIN_HEIGHT))

WALKS = {
    "perceptron": "g g g g g end",
    "activations": "f f f f c end",
    "broadcast": "n n n end v o end",
    "matmul": "n n n n end b end",
    "index": "n n n n n end",
    "loss": "end a c end",
    "autograd": "p p end b end p b p b end p end left",
    "conv": "c c c c c c c K K C C i i i i end m end",
    "pool": "b o end o K K i i end",
    "arch": "n n n end",
    "rnn": "U U U end i end",
    "tensor": "end n end n n end n n end n end n end n end x v",
    "module": "right right end v end g g m end v end k i b",
    "optim": "end n n n v g z end",
    "data": "v v W v end d n n n n n n n m",
}


def walk(lesson: str, lang: str, sizes=SIZES) -> list[str]:
    """Press each key of the lesson's walk; after each, look at the screen at 80×24 and the minimum size.

    100×30 (the text panel beside the work) is looked at after the first and the last key only: its
    layout is the 80×24 one with more room, and the walks were the longest part of the suite.
    """
    problems: list[str] = []
    keys = ["start", *WALKS[lesson].split()]
    every_key = [size for size in sizes if size != (100, 30)]

    async def main():
        app = TensorTourApp(lang=lang, lesson=lesson)
        app.verifier = FakeVerifier()
        async with app.run_test(size=sizes[0]) as pilot:
            for number, key in enumerate(keys):
                if key != "start":
                    await pilot.press(key)
                for size in sizes if number in (0, len(keys) - 1) else every_key:
                    await pilot.resize_terminal(*size)
                    await pilot.pause()
                    problems.extend(f"{lesson} {lang} {size[0]}×{size[1]} after {key}: {p}" for p in unseen(app.screen))

    try:
        asyncio.run(main())
    finally:
        set_language("en")
    return problems


@pytest.mark.parametrize("lesson", sorted(WALKS))
def test_every_step_of_every_example_fits_in_english(lesson):
    assert walk(lesson, "en") == []


@pytest.mark.parametrize("lesson", sorted(WALKS))
def test_every_step_of_every_example_fits_in_chinese(lesson):
    assert walk(lesson, "zh") == []


def test_every_step_lesson_has_a_walk():
    assert set(WALKS) == {entry.id for entry in REGISTRY} - {"train"}


def test_too_small_says_both_sizes_and_recovers():
    async def body(app, pilot):
        await pilot.resize_terminal(50, 15)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        said = str(app.screen.query_one("Static").render())
        assert f"{MIN_WIDTH}×{MIN_HEIGHT}" in said and "50×15" in said
        await pilot.press("right")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not isinstance(app.screen, TooSmallScreen)
        assert "step 1/9" in str(app.screen.query_one("#status").render())

    drive(body)


def test_too_small_speaks_chinese():
    async def body(app, pilot):
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        assert str(app.screen.query_one("Static").render()) == t(
            "size.too_small", need_w=MIN_WIDTH, need_h=MIN_HEIGHT, w=40, h=10
        )
        assert "终端" in str(app.screen.query_one("Static").render())

    drive(body, lang="zh")


def test_home_end_keeps_live_training_in_sight():
    async def body(app, pilot):
        await pilot.press("end")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.highlighted_option.id == "train"
        assert "Live training" in app.export_screenshot().replace("&#160;", " ")
        assert unseen(app.screen) == []

    drive(body, lesson=None)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_question_and_its_explanation_fit_at_every_size(lang):
    """The activations lesson's tallest question (three choices) asked, then told with its why, at the minimum size
    and 200×50 (the snapshots show 80×24)."""
    problems: list[str] = []

    async def main():
        app = TensorTourApp(lang=lang, lesson="activations", quiz=True)
        app.verifier = FakeVerifier()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("Q", "escape", "Q", "escape", "Q")  # f(1), f′(2) skipped; how much gradient at x = 4
            for moment in ("asked", "told"):
                for size in ((MIN_WIDTH, MIN_HEIGHT), (200, 50)):
                    await pilot.resize_terminal(*size)
                    await pilot.pause()
                    assert app.screen.query_one("#quiz").display
                    problems.extend(f"{lang} {size[0]}×{size[1]} {moment}: {p}" for p in unseen(app.screen))
                await pilot.press("1", "enter")

    try:
        asyncio.run(main())
    finally:
        set_language("en")
    assert problems == []
