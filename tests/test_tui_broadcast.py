"""The broadcasting lesson driven through the real app with Pilot; assertions on what is on screen.

Expected sentences and cells come from engine and the lesson's own formatting
functions, expected numbers from NumPy, and NumPy's and torch's messages from
what they really raise, so a rewording does not break these tests but a wrong
number does.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st
from pilot_support import CJK, AppHost, drive, one_app_fuzz
from textual.widgets import Input, Static

from engine.broadcast import BroadcastSpec, broadcast_trace
from engine.broadcast_setup import EXAMPLES, BroadcastSetup, parse_shapes
from engine.errors import SpecError
from tui.i18n import error_text, t
from tui.screens.broadcast import BroadcastScreen
from tui.screens.help import HelpScreen
from tui.screens.home import HomeScreen
from tui.screens.text_dialog import TextDialog
from tui.text.broadcast import example_name, explain, table_cells
from tui.widgets.grid import Grid

DEFAULT = broadcast_trace(BroadcastSetup().spec())


def run(body, setup: BroadcastSetup | None = None, lang: str = "en") -> None:
    drive(body, lesson="broadcast", setup=setup or BroadcastSetup(), lang=lang)


def lesson(app) -> BroadcastScreen:
    """The lesson's screen, also while a dialog or help covers it."""
    return next(screen for screen in app.screen_stack if isinstance(screen, BroadcastScreen))


def text(app, selector: str) -> str:
    return str(lesson(app).query_one(selector).render())


def grid(app, selector: str) -> Grid:
    found = lesson(app).query_one(selector)
    assert isinstance(found, Grid)
    return found


def cells(g: Grid, block: int, rows: int, cols: int) -> list[list[str]]:
    return [[g.cell_text(block, r, c) for c in range(cols)] for r in range(rows)]


def numbers(g: Grid, shape: tuple[int, ...]) -> np.ndarray:
    """A value grid read back into an array of `shape` (blocks of its last two axes)."""
    rows, cols = shape[-2:] if len(shape) >= 2 else (1, shape[0] if shape else 1)
    blocks = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    read = [[[float(g.cell_text(b, r, c)) for c in range(cols)] for r in range(rows)] for b in range(blocks)]
    return np.array(read).reshape(shape)


def test_steps_show_each_rule_with_the_table_and_the_compared_axis_marked():
    async def body(app, pilot):
        shapes = grid(app, "#shapes")
        for index, step in enumerate(DEFAULT.steps):
            assert f"step {index + 1}/8" in text(app, "#status")
            assert text(app, "#explain").startswith(explain(DEFAULT, step))
            assert cells(shapes, 0, 4, 2) == table_cells(DEFAULT, step)
            await pilot.press("right")
        assert "step 8/8" in text(app, "#status")
        await pilot.press("home", "l", "l")  # rule 1, then the last axis compared
        assert shapes.marks[(0, 2, 0)] == "gap"  # the 1 prepended to b
        assert [shapes.marks[(0, row, 1)] for row in (1, 2)] == ["tap", "tap"]
        assert shapes.marks[(0, 3, 1)] == shapes.marks[(0, 0, 1)] == "current"
        assert (0, 1, 0) not in shapes.marks and shapes.cell_text(0, 3, 0) == "·"
        await pilot.press("h", "left", "left")
        assert "step 1/8" in text(app, "#status") and shapes.cell_text(0, 2, 0) == ""
        await pilot.press("end")
        assert "step 8/8" in text(app, "#status")

    run(body)


def test_values_are_stretched_by_copies_and_the_result_is_numpys():
    async def body(app, pilot):
        a, b, result = (
            grid(app, "#value-a"),
            grid(app, "#value-b"),
            grid(app, "#value-result"),
        )
        assert cells(a, 0, 3, 1) == [["1"], ["2"], ["3"]] and cells(b, 0, 1, 4) == [["10", "20", "30", "40"]]
        assert not result.display
        await pilot.press(*["right"] * 5)  # rule 5 on axis 1: a's column copied
        assert cells(a, 0, 3, 4) == [[str(v)] * 4 for v in (1, 2, 3)]
        assert {cell for cell, mark in a.marks.items() if mark == "tap"} == {
            (0, r, c) for r in range(3) for c in (1, 2, 3)
        }
        assert result.display and result.cell_text(0, 0, 0) == "·"
        await pilot.press("right")  # b's row copied; a's copies now underlined
        assert set(a.marks.values()) == {"gap"} and len(a.marks) == 9
        assert {cell for cell, mark in b.marks.items() if mark == "tap"} == {
            (0, r, c) for r in (1, 2) for c in range(4)
        }
        await pilot.press("right")
        expected = np.arange(1, 4).reshape(3, 1) + 10 * np.arange(1, 5)
        assert np.array_equal(numbers(result, (3, 4)), expected)
        assert text(app, "#verify").startswith("✓")

    run(body)


def test_three_shapes_in_three_dimensions_match_numpy():
    async def body(app, pilot):
        await pilot.press("end")
        result = grid(app, "#value-result")
        a, b, c = (
            np.arange(1, 3).reshape(2, 1, 1),
            10 * np.arange(1, 4).reshape(3, 1),
            100 * np.arange(1, 5),
        )
        assert np.array_equal(numbers(result, (2, 3, 4)), a + b + c)
        assert "24" in text(app, "#verify")

    run(body, BroadcastSetup("three-shapes"))


def test_a_mismatch_highlights_the_axis_and_quotes_numpy_and_torch_exactly():
    try:
        np.zeros((3, 4)) + np.zeros(5)
    except ValueError as error:
        numpy_says = str(error)
    try:
        torch.zeros(3, 4) + torch.zeros(5)
    except RuntimeError as error:
        torch_says = str(error)

    async def body(app, pilot):
        assert not lesson(app).query_one("#failure").display
        await pilot.press("end")
        failure = text(app, "#failure")
        assert numpy_says.rstrip() in failure and torch_says in failure
        assert lesson(app).trace.numpy_message == numpy_says
        shapes = grid(app, "#shapes")
        assert shapes.cell_text(0, 3, 1) == "✗" and shapes.marks[(0, 3, 1)] == "current"
        assert shapes.marks[(0, 1, 1)] == shapes.marks[(0, 2, 1)] == "tap"
        assert text(app, "#verify").startswith("✓") and "step 3/3" in text(app, "#status")

    run(body, BroadcastSetup("mismatch"))


def test_n_cycles_the_examples_from_the_first_step():
    async def body(app, pilot):
        await pilot.press("right")
        names = list(EXAMPLES)
        for following in names[1:] + names[:1]:
            await pilot.press("n")
            assert example_name(BroadcastSetup(following)) in text(app, "#status")
            assert text(app, "#message") == t("broadcast.example", name=example_name(BroadcastSetup(following)))
            assert "step 1/" in text(app, "#status")
            assert lesson(app).setup.shapes == EXAMPLES[following].shapes

    run(body)


def test_v_toggles_values_and_big_shapes_stay_symbolic():
    async def body(app, pilot):
        screen = lesson(app)
        await pilot.press("v")
        assert not screen.query_one("#values").display and screen.query_one("#counts").display
        assert "shapes" in text(app, "#status") and "a 3 · b 4 · a + b 12" in text(app, "#counts")
        await pilot.press("v")
        assert screen.query_one("#values").display and "values" in text(app, "#status")
        await pilot.press("n", "n", "n")  # the image minus its channel means: 3,072 elements
        assert lesson(app).setup.example == "image-minus-mean"
        await pilot.press("v")
        assert "3,072" in text(app, "#message") and not screen.query_one("#values").display
        assert "shapes (big)" in text(app, "#status")

    run(body)


def test_o_changes_the_operation_and_keeps_the_step():
    async def body(app, pilot):
        await pilot.press("end", "o")
        assert "step 8/8" in text(app, "#status") and text(app, "#message") == t(
            "broadcast.operation", expression="a - b"
        )
        result = grid(app, "#value-result")
        assert np.array_equal(
            numbers(result, (3, 4)),
            np.arange(1, 4).reshape(3, 1) - 10 * np.arange(1, 5),
        )
        await pilot.press("o")
        assert np.array_equal(
            numbers(result, (3, 4)),
            np.arange(1, 4).reshape(3, 1) * (10 * np.arange(1, 5)),
        )
        assert t("broadcast.custom") in text(app, "#status")  # no longer the example's operation
        await pilot.press("o")
        assert lesson(app).setup.op == "add" and example_name(BroadcastSetup()) in text(app, "#status")

    run(body)


async def edit(pilot, texts: list[str]) -> TextDialog:
    """Press e, type each shape into its field, press Enter; return the dialog."""
    await pilot.press("e")
    dialog = pilot.app.screen
    assert isinstance(dialog, TextDialog)
    for name, typed in zip("abc", texts):
        dialog.query_one(f"#edit-{name}", Input).focus()
        await pilot.pause()
        await pilot.press("end", "ctrl+u", *typed)
    await pilot.press("enter")
    return dialog


def test_the_edit_dialog_applies_shapes_and_keeps_bad_text_with_the_reason():
    async def body(app, pilot):
        await edit(pilot, ["(2, 1)", "3x1x4", ""])
        assert isinstance(app.screen, BroadcastScreen)
        assert lesson(app).setup.shapes == ((2, 1), (3, 1, 4)) and t("broadcast.custom") in text(app, "#status")
        before = text(app, "#status"), text(app, "#explain")
        for typed in (
            ["3,,1", "4", ""],
            ["3", "-2", ""],
            ["", "4", ""],
            ["1", "2", "3x"],
        ):
            running, still_open, error, shapes, _ = await submit(app, pilot, typed)
            try:
                parse_shapes(typed)
            except SpecError as cause:
                assert running and still_open and error == error_text(cause)
            dialog = app.screen
            assert [dialog.query_one(f"#edit-{n}", Input).value for n in "abc"] == typed
            await pilot.press("escape")
            assert (text(app, "#status"), text(app, "#explain")) == before
        await submit(app, pilot, ["3,4", "5", ""])  # a mismatch is a lesson, not an error
        assert isinstance(app.screen, BroadcastScreen) and not lesson(app).trace.compatible

    run(body)


def test_chinese_sentences_with_the_same_numbers():
    async def body(app, pilot):
        await pilot.press("end")
        assert CJK.search(text(app, "#explain")) and CJK.search(text(app, "#status"))
        assert "第 3/3 步" in text(app, "#status")
        assert lesson(app).trace.torch_message in text(app, "#failure")

    run(body, BroadcastSetup("mismatch"), lang="zh")


def test_help_lists_the_lessons_keys_and_home_opens_the_default():
    async def body(app, pilot):
        app.open_lesson("broadcast")
        await pilot.pause()
        assert isinstance(app.screen, BroadcastScreen) and lesson(app).setup == BroadcastSetup()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(s.render()) for s in app.screen.query(Static))
        for key in (
            "broadcast_example",
            "broadcast_values",
            "broadcast_op",
            "edit",
            "next",
        ):
            assert t(f"keys.{key}") in shown
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, HomeScreen)

    drive(body, lesson=None)


# Random text in the dialog --------------------------------------------------------------

SHAPE_CHARS = st.sampled_from(list("0123456789 ,()[]x-+.e;"))


async def submit(app, pilot, texts):
    if not isinstance(app.screen, TextDialog):
        await pilot.press("e")
    dialog = app.screen
    for name, value in zip("abc", texts):
        dialog.query_one(f"#edit-{name}", Input).value = value
    dialog.query_one("#edit-c", Input).focus()
    await pilot.press("enter")
    still_open = isinstance(app.screen, TextDialog)
    error = str(dialog.query_one("#edit-error", Static).render()) if still_open else None
    return (
        app.is_running,
        still_open,
        error,
        lesson(app).setup.shapes,
        text(app, "#explain"),
    )


def test_random_text_in_the_dialog_never_breaks_the_lesson():
    with AppHost(lesson="broadcast", setup=BroadcastSetup()) as host:
        state = {"shapes": BroadcastSetup().shapes}

        @one_app_fuzz(40)
        @given(
            st.lists(
                st.text(SHAPE_CHARS, max_size=10) | st.sampled_from(["3,1", "4", "()", "(2, 1)", ""]),
                min_size=3,
                max_size=3,
            )
        )
        def check(texts):
            running, still_open, error, shapes, explained = host.call(lambda app, pilot: submit(app, pilot, texts))
            assert running
            try:
                expected = parse_shapes(texts)
                trace = broadcast_trace(BroadcastSpec(expected))
            except SpecError as problem:
                assert still_open and error == error_text(problem) and shapes == state["shapes"]
            else:
                assert not still_open and shapes == expected
                assert explained == explain(trace, trace.steps[0])
                state["shapes"] = shapes

        check()
