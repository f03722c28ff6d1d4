"""The indexing lesson driven through the real app with Pilot; assertions on what is on screen.

Expected sentences come from engine's trace through the same catalogue the
screen uses, so rewording does not break these tests; NumPy's own words are
spelled out.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from pilot_support import CJK, AppHost, drive, one_app_fuzz
from test_tui_home import palette_search
from textual.widgets import Input, OptionList, Static

from engine.errors import SpecError
from engine.index import index_trace
from engine.index_parse import parse_index
from engine.index_setup import EXAMPLES_1D, EXAMPLES_2D, IndexSetup
from tui.i18n import error_text, t
from tui.screens.help import HelpScreen
from tui.screens.index import IndexScreen
from tui.screens.text_dialog import TextDialog
from tui.text.index import step_text
from tui.widgets.grid import Grid
from tui.widgets.keybar import KeyBar

OUT_OF_BOUNDS = "index 3 is out of bounds for axis 0 with size 3"


def lesson(app) -> IndexScreen:
    return next(screen for screen in app.screen_stack if isinstance(screen, IndexScreen))


def text(app, selector: str = "#status") -> str:
    """A line of the lesson as shown; the status line by default."""
    return str(lesson(app).query_one(selector, Static).render())


def grid(app, selector: str) -> Grid:
    return lesson(app).query_one(selector, Grid)


def run(
    body,
    expression: str | None = None,
    lang: str = "en",
    setup: IndexSetup | None = None,
) -> None:
    drive(
        body,
        lang=lang,
        lesson="index",
        setup=setup or IndexSetup(expression=expression),
    )


def explained(app, index: int) -> str:
    """What the screen should say at step `index`, from engine's trace."""
    trace = lesson(app).trace
    return step_text(trace, trace.step(index))


async def type_in_dialog(pilot, key: str, typed: str) -> None:
    await pilot.press(key)
    assert isinstance(pilot.app.screen, TextDialog)
    await pilot.press("end", "ctrl+u", *typed, "enter")


def test_slices_step_axis_by_axis_then_element_by_element():
    async def body(app, pilot):
        assert text(app, "#expression").startswith("a[1:, 1:]") and "step 1/4" in text(app)
        source, result = grid(app, "#source"), grid(app, "#result")
        assert [source.cell_text(0, r, c) for r in range(3) for c in range(2)] == [
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
        ]
        assert set(source.marks) == {(0, r, c) for r in (1, 2) for c in (0, 1)} and set(source.marks.values()) == {
            "tap"
        }
        assert "start 1, stop 3, step 1" in text(app, "#explain") and text(app, "#explain") == explained(app, 0)
        assert result.cell_text(0, 0, 0) == "·" and not lesson(app).query_one("#helper").display
        await pilot.press("right")
        assert set(source.marks) == {(0, 1, 1), (0, 2, 1)} and text(app, "#explain") == explained(app, 1)
        await pilot.press("l")
        assert text(app, "#explain") == "out[0, 0] = a[1, 1] = 4"
        assert source.marks[(0, 1, 1)] == "current" and source.marks[(0, 2, 1)] == "gap"
        assert (
            result.marks == {(0, 0, 0): "current"}
            and result.cell_text(0, 0, 0) == "4"
            and result.cell_text(0, 1, 0) == "·"
        )
        await pilot.press("end")
        assert "step 4/4" in text(app) and result.cell_text(0, 1, 0) == "6"
        assert "View" in text(app, "#memory") and "np.shares_memory(out, a) = True" in text(app, "#memory")
        await pilot.press("home", "left")
        assert "step 1/4" in text(app)

    run(body)


def test_integer_arrays_show_the_index_arrays_and_each_pair():
    async def body(app, pilot):
        helper = grid(app, "#helper")
        assert lesson(app).query_one("#helper").display
        assert [helper.cell_text(b, 0, c) for b in (0, 1) for c in range(3)] == [
            "0",
            "1",
            "2",
            "0",
            "1",
            "0",
        ]
        pairs = []
        for step in range(1, 4):
            await pilot.press("right")
            current = [cell for cell, mark in grid(app, "#source").marks.items() if mark == "current"]
            pairs.append(current[0][1:])
            assert helper.marks == {
                (0, 0, step - 1): "current",
                (1, 0, step - 1): "current",
            }
            assert text(app, "#explain") == explained(app, step)
        assert pairs == [(0, 0), (1, 1), (2, 0)]
        assert [grid(app, "#result").cell_text(0, 0, c) for c in range(3)] == [
            "1",
            "4",
            "5",
        ]
        assert "out (3,)" in grid(app, "#result").border_title
        assert "Copy" in text(app, "#memory") and "= False" in text(app, "#memory")

    run(body, "a[[0, 1, 2], [0, 1, 0]]")


def test_a_mask_shows_true_and_false_then_each_true_cell():
    async def body(app, pilot):
        helper = grid(app, "#helper")
        assert [helper.cell_text(0, r, c) for r in range(3) for c in range(2)] == [
            "False",
            "False",
        ] + ["True"] * 4
        assert helper.border_title == "a > 2" and set(helper.marks) == {(0, r, c) for r in (1, 2) for c in (0, 1)}
        assert text(app, "#explain") == explained(app, 0)
        await pilot.press("right", "right")
        assert helper.marks[(0, 1, 1)] == "current" and grid(app, "#source").marks[(0, 1, 1)] == "current"
        assert text(app, "#explain") == "out[1] = a[1, 1] = 4"

    run(body, "a[a > 2]")


def test_n_walks_the_course_examples_then_more():
    async def body(app, pilot):
        for expression in EXAMPLES_2D[1:5]:
            await pilot.press("n")
            assert text(app, "#expression").startswith(expression) and "step 1/" in text(app)
            assert text(app, "#message") == t("index.changed_expression", expression=expression)

    run(body)


def test_e_applies_a_typed_expression_and_out_of_bounds_is_a_lesson():
    async def body(app, pilot):
        await type_in_dialog(pilot, "e", "a[ ::2 ,0]")
        assert isinstance(app.screen, IndexScreen)
        assert text(app, "#expression").startswith("a[::2, 0]") and "step 1/4" in text(app)
        await type_in_dialog(pilot, "e", "a[3, 0]")
        assert isinstance(app.screen, IndexScreen) and "step 1/1" in text(app)
        assert f"NumPy raises IndexError: {OUT_OF_BOUNDS}" in text(app, "#explain")
        assert "from -3 to 2" in text(app, "#explain") and lesson(app).query_one("#explain").has_class("error")
        assert text(app, "#checked") == t("index.checked_message") and grid(app, "#result").border_title == t(
            "index.result_error"
        )
        await pilot.press("right")
        assert "step 1/1" in text(app)

    run(body)


def test_e_keeps_invalid_text_shows_the_column_and_the_lesson_stays():
    async def body(app, pilot):
        before = (text(app), text(app, "#expression"), text(app, "#explain"))
        await type_in_dialog(pilot, "e", "a[a > 2 & a < 5]")
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        with_error = str(dialog.query_one("#edit-error", Static).render())
        assert with_error == error_text(SpecError("index_needs_parens", column=9, op="&"))
        assert str(dialog.query_one("#edit-pointer", Static).render()) == "a[a > 2 & a < 5]\n        ^"
        assert dialog.query_one("#edit-expression", Input).value == "a[a > 2 & a < 5]"
        await pilot.press("escape")
        assert isinstance(app.screen, IndexScreen)
        assert (text(app), text(app, "#expression"), text(app, "#explain")) == before

    run(body)


def test_a_edits_the_array_and_one_row_is_1d():
    async def body(app, pilot):
        await type_in_dialog(pilot, "a", "1 2 3 4")
        assert isinstance(app.screen, IndexScreen)
        assert "a (4,)" in text(app) and text(app, "#expression").startswith(EXAMPLES_1D[0])
        assert [grid(app, "#source").cell_text(0, 0, c) for c in range(4)] == [
            "1",
            "2",
            "3",
            "4",
        ]
        await type_in_dialog(pilot, "a", "1 2; 3")
        assert isinstance(app.screen, TextDialog)
        assert "row 2" in str(app.screen.query_one("#edit-error", Static).render())
        await pilot.press("escape")
        assert "a (4,)" in text(app)
        await type_in_dialog(pilot, "a", "1 2 3 4;")
        assert "a (1, 4)" in text(app) and text(app, "#expression").startswith(EXAMPLES_2D[0])

    run(body)


def test_chinese_status_footer_steps_and_numpys_words_in_english():
    async def body(app, pilot):
        assert "第 1/4 步" in text(app) and CJK.search(text(app, "#explain"))
        footer = set(lesson(app).query_one(KeyBar).descriptions())
        assert {"示例", "编辑", "数组"} <= footer
        await type_in_dialog(pilot, "e", "a[3, 0]")
        assert OUT_OF_BOUNDS in text(app, "#explain") and CJK.search(text(app, "#explain"))
        await type_in_dialog(pilot, "e", "a[1, 2")
        shown = str(app.screen.query_one("#edit-error", Static).render())
        assert CJK.search(shown) and "7" in shown

    run(body, lang="zh")


def test_help_lists_the_lessons_keys():
    async def body(app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(s.render()) for s in app.screen.query(Static))
        for key in ("index_next_example", "index_edit", "index_array", "next", "play"):
            assert t(f"keys.{key}") in shown

    run(body)


def test_home_and_palette_list_the_lesson_in_both_languages():
    async def body(app, pilot):
        options = app.screen.query_one("#lessons", OptionList)
        titles = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(title.startswith("Array indexing 数组索引") for title in titles)
        found = await palette_search(pilot, "数组索引")
        assert found and "Array indexing 数组索引" in found[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IndexScreen)

    drive(body, lesson=None)


# Random text in the expression dialog ------------------------------------------


async def submit(app, pilot, typed: str):
    """Put text in the dialog (as typing would), press Enter, report what is on screen."""
    if not isinstance(app.screen, TextDialog):
        await pilot.press("e")
    dialog = app.screen
    dialog.query_one("#edit-expression", Input).value = typed
    await pilot.press("enter")
    still_open = isinstance(app.screen, TextDialog)
    error = str(dialog.query_one("#edit-error", Static).render()) if still_open else None
    return app.is_running, still_open, error, text(app), text(app, "#expression")


def test_random_text_in_the_expression_dialog_never_breaks_the_lesson():
    pieces = st.sampled_from(list("a[](),:~&|%<>=!-0123 .") + ["a > 2", "None", "...", "[0, 1]"])
    with AppHost(lesson="index", setup=IndexSetup()) as host:
        shown = {"expression": "a[1:, 1:]"}

        @one_app_fuzz(25)
        @given(
            st.one_of(
                st.lists(pieces, max_size=10).map("".join),
                st.text(max_size=12),
                st.sampled_from(EXAMPLES_2D),
            )
        )
        def check(typed):
            running, still_open, error, shown_status, expression = host.call(
                lambda app, pilot: submit(app, pilot, typed)
            )
            assert running
            try:
                trace = index_trace(IndexSetup(expression=parse_index(typed).text).spec())
            except SpecError as problem:
                assert still_open and error == error_text(problem)
                assert expression.startswith(shown["expression"] + "  ")
                return
            assert not still_open and expression.startswith(trace.spec.subscript.text + "  ")
            assert re.search(rf"step 1/{trace.step_count} ", shown_status)
            shown["expression"] = trace.spec.subscript.text

        check()
