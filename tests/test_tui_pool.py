"""The pooling lesson driven through the real app with Pilot; assertions on what is on screen.

Expected numbers and texts come from engine (itself checked against torch in
test_pool_engine.py) or from torch directly; only torch's own words are spelled out.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from pilot_support import CJK, AppHost, drive, one_app_fuzz, verification_line
from spec_errors import spec_error
from textual.widgets import Input, Static

from engine.errors import SpecError
from engine.matrix import parse_matrix
from engine.pool import conv_parameters, fmt_cell, pool_trace
from engine.pool_setup import PoolSetup, shifted
from tui.i18n import error_text
from tui.screens.pool import PoolScreen
from tui.screens.text_dialog import TextDialog
from tui.widgets.grid import Grid
from tui.widgets.keybar import KeyBar

DEFAULT = PoolSetup()
RAMP = PoolSetup(input_name="ramp")


def run(body, setup: PoolSetup = DEFAULT, **options) -> None:
    drive(body, lesson="pool", setup=setup, **options)


def screen(app) -> PoolScreen:
    return next(s for s in app.screen_stack if isinstance(s, PoolScreen))


def text(app, selector: str) -> str:
    return str(screen(app).query_one(selector, Static).render())


def grid(app, selector: str) -> Grid:
    return screen(app).query_one(selector, Grid)


def status(app) -> str:
    return text(app, "#status")


def cells(g: Grid) -> list[list[str]]:
    return [list(row) for row in g._cells[0]]


def shown(matrix) -> list[list[str]]:
    return [[fmt_cell(v) for v in row] for row in matrix]


def test_step_keys_walk_the_window_and_mark_the_winner():
    trace = pool_trace(DEFAULT.spec())

    async def body(app, pilot):
        assert "step 1/16" in status(app) and text(app, "#equation") == trace.step(0).equation
        await pilot.press("right", "l")
        step = trace.step(2)
        assert "step 3/16" in status(app) and text(app, "#equation") == step.equation
        marks = grid(app, "#input").marks
        assert {cell for cell, mark in marks.items() if mark == "current"} == {(0, *step.chosen_cell)}
        assert {cell for cell, mark in marks.items() if mark == "tap"} == {(0, *c) for c in step.cells} - {
            (0, *step.chosen_cell)
        }
        output = grid(app, "#output")
        assert output.marks == {(0, 0, 2): "current"}
        assert output.cell_text(0, 0, 2) == fmt_cell(step.value) and output.cell_text(0, 0, 3) == "·"
        await pilot.press("h", "end")
        assert "step 16/16" in status(app) and output.cell_text(0, 3, 3) == fmt_cell(trace.output[3, 3])
        await pilot.press("home")
        assert text(app, "#equation") == trace.step(0).equation

    run(body)


def test_o_cycles_max_avg_min_with_padding_semantics_and_the_torch_function():
    async def body(app, pilot):
        await pilot.press("P", "right")
        assert "max" in status(app) and "−∞" in text(app, "#notes") and grid(app, "#input").cell_text(0, 0, 0) == "−∞"
        await pilot.press("o")
        avg = pool_trace(replace(DEFAULT, mode="avg", padding=1).spec())
        assert "avg" in status(app) and "count_include_pad=True" in text(app, "#notes")
        assert grid(app, "#input").cell_text(0, 0, 0) == "0"
        assert text(app, "#equation") == avg.step(1).equation and "/4 = " in text(app, "#equation")
        assert "F.avg_pool2d" in text(app, "#verify")
        assert not [m for m in grid(app, "#input").marks.values() if m == "current"]  # avg keeps no single cell
        await pilot.press("M")
        assert "min" in status(app) and "+∞" in text(app, "#notes") and grid(app, "#input").cell_text(0, 0, 0) == "+∞"
        assert "−F.max_pool2d(−x)" in text(app, "#verify")
        await pilot.press("o")
        assert "max" in status(app)

    run(body)


def test_window_keys_with_stride_auto_and_the_formula():
    async def body(app, pilot):
        assert "K=2 S=2 auto" in status(app) and "S auto = K" in text(app, "#notes")
        await pilot.press("K")
        assert "K=3 S=3 auto" in status(app) and "stride auto follows: S = 3" in text(app, "#message")
        assert "⌊(8 + 0 − 3) / 3⌋ + 1 = 2" in text(app, "#formula") and "ceil_mode=False" in text(app, "#formula")
        assert f"parameters: 0 (a 3×3 conv, 1 in/out channel: {conv_parameters(3)})" in text(app, "#notes")
        await pilot.press("k", "k")
        assert "K=1 S=1 auto" in status(app) and "step 1/64" in status(app)
        before = status(app)
        await pilot.press("k")
        assert "stride should not be zero" in text(app, "#message")  # torch: K=0 makes the auto stride 0
        assert status(app) == before and screen(app).query_one("#message").has_class("error")

    run(body)


def test_stride_keys_leave_auto_and_a_returns_to_it():
    async def body(app, pilot):
        await pilot.press("s")
        assert "K=2 S=1 P" in status(app) and "auto" not in status(app) and "windows overlap" in text(app, "#notes")
        assert "step 1/49" in status(app)
        await pilot.press("K")
        assert "K=3 S=1 " in status(app)  # an explicit stride stays
        before = status(app)
        await pilot.press("s")
        assert "stride should not be zero" in text(app, "#message") and status(app) == before
        await pilot.press("S", "S", "S")
        assert "S=4" in status(app) and "some cells are in no window" in text(app, "#notes")
        await pilot.press("a")
        assert "K=3 S=3 auto" in status(app) and "auto (S = K = 3)" in text(app, "#message")

    run(body)


def test_padding_is_at_most_half_the_window_in_torchs_words():
    async def body(app, pilot):
        before = status(app)
        await pilot.press("p")
        assert "pad must be non-negative, but got pad: -1" in text(app, "#message") and status(app) == before
        await pilot.press("P")
        assert "P=1" in status(app) and "/25" in status(app) and grid(app, "#input").virtual_size.height == 10
        before = status(app)
        await pilot.press("P")
        message = text(app, "#message")
        assert (
            "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1"
            in message
        )
        assert status(app) == before

    run(body)


def test_a_window_larger_than_the_padded_input_is_refused():
    async def body(app, pilot):
        await pilot.press("K", "K", "K")
        assert "K=5" in status(app) and "step 1/1" in status(app)
        await pilot.press("K")
        assert "Output size is too small" in text(app, "#message") and "K=5" in status(app)

    run(body, RAMP)


def test_x_shifts_the_input_and_counts_unchanged_outputs():
    async def body(app, pilot):
        assert "x / X" in text(app, "#notes")
        await pilot.press("x")
        report = replace(DEFAULT, shift=1).shift_report()
        assert f"{report.unchanged} of {report.total} outputs unchanged" in text(app, "#notes")
        assert "1 px right" in text(app, "#notes") and "emptied columns get 0" in text(app, "#message")
        assert cells(grid(app, "#input")) == shown(shifted(DEFAULT.base_input, 1))
        assert [row[0] for row in cells(grid(app, "#input"))] == ["0"] * 8
        await pilot.press("X", "X")
        report = replace(DEFAULT, shift=-1).shift_report()
        assert f"{report.unchanged} of {report.total}" in text(app, "#notes") and "px left" in text(app, "#notes")
        await pilot.press("X", "X")
        assert "-3" in text(app, "#message")
        await pilot.press("X")
        assert "The shift goes from −3 to 3" in text(app, "#message")

    run(body)


def test_b_shows_the_backward_pass_filling_up_to_torchs_gradient():
    setup = PoolSetup(input_name="ramp", kernel_size=3, stride=1)  # overlapping windows
    trace = pool_trace(setup.spec())

    async def body(app, pilot):
        await pilot.press("b")
        assert "∂L/∂x" in grid(app, "#input").border_title and "∂L/∂out" in grid(app, "#output").border_title
        assert cells(grid(app, "#output")) == shown(trace.upstream)
        assert cells(grid(app, "#input")) == shown(trace.padded_grad(0))
        lines = text(app, "#equation").splitlines()
        assert lines[0] == trace.step(0).equation and "∂L/∂out[0,0] = 1 → the max, x[2,2]: +1" == lines[1]
        await pilot.press("right")
        assert cells(grid(app, "#input")) == shown(trace.padded_grad(1))
        await pilot.press("end")
        x = torch.tensor(setup.spec().input, requires_grad=True)
        F.max_pool2d(x[None], 3, 1).backward(torch.tensor(np.array(trace.upstream))[None])
        assert cells(grid(app, "#input")) == shown(x.grad.numpy())
        await pilot.press("o")
        assert "each window cell: +9/9 = 1" in text(app, "#equation")
        await pilot.press("b")
        assert grid(app, "#input").border_title.startswith("input") and "avg(" in text(app, "#equation")

    run(body, setup)


def test_inputs_cycle_random_keeps_the_shape_and_the_subtitle_names_it():
    async def body(app, pilot):
        assert grid(app, "#input").border_subtitle.split(" · ")[0] == "digit"
        await pilot.press("i")
        assert grid(app, "#input").border_subtitle.split(" · ")[0] == "digit-28" and "/196" in status(app)
        await pilot.press("i")
        assert grid(app, "#input").border_subtitle.split(" · ")[0] == "ramp" and "/4" in status(app)
        before = cells(grid(app, "#input"))
        await pilot.press("r")
        assert cells(grid(app, "#input")) != before and len(cells(grid(app, "#input"))) == 5
        assert grid(app, "#input").border_subtitle.split(" · ")[0] == "random #1"

    run(body)


def test_chinese_status_notes_footer_and_errors_quote_torch_in_english():
    async def body(app, pilot):
        assert "第 1/16 步" in status(app) and "自动" in status(app)
        assert "参数：0 个" in text(app, "#notes")
        footer = set(screen(app).query_one(KeyBar).descriptions())
        assert "模式" in footer and "Mode" not in footer
        await pilot.press("P", "P")
        message = text(app, "#message")
        assert CJK.search(message) and "pad should be at most half of effective kernel size" in message

    run(body, lang="zh")


def test_verification_line_reports_torch_agrees():
    async def body(app, pilot):
        assert await verification_line(app, pilot) == "✓ F.max_pool2d + autograd agrees: max |Δ| = 0"

    run(body, real_verifier=True)


# The edit dialog ---------------------------------------------------------------------


async def type_input(pilot, typed: str) -> None:
    await pilot.press("e")
    assert isinstance(pilot.app.screen, TextDialog)
    pilot.app.screen.query_one("#edit-input", Input).focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u", *typed, "enter")


def test_edit_applies_a_typed_input_and_keeps_a_bad_one_in_the_dialog():
    async def body(app, pilot):
        await type_input(pilot, "3 1 2 0; 4 1 5 9")
        assert isinstance(app.screen, PoolScreen) and "step 1/2" in status(app)
        assert text(app, "#equation") == "out[0,0] = max(3, 1, 4, 1) = 4"
        assert grid(app, "#input").border_subtitle.split(" · ")[0] == "custom"
        for typed, cause in (
            ("1 2; 3", lambda: parse_matrix("1 2; 3", "input")),
            ("1 nan", lambda: parse_matrix("1 nan", "input")),
            (
                "7",
                lambda: pool_trace(replace(app_setup(app), base_input=np.ones((1, 1))).spec()),
            ),
        ):
            before = status(app), text(app, "#equation")
            await type_input(pilot, typed)
            dialog = app.screen
            assert isinstance(dialog, TextDialog)
            assert str(dialog.query_one("#edit-error", Static).render()) == error_text(spec_error(cause))
            assert dialog.query_one("#edit-input", Input).value == typed
            await pilot.press("escape")
            assert (status(app), text(app, "#equation")) == before
        assert "Output size is too small" in error_text(spec_error(cause))

    run(body)


def app_setup(app) -> PoolSetup:
    return screen(app).setup


TYPED_CHARS = st.sampled_from(list("0123456789 ;,.-+eEnaifx[]"))


def test_random_text_in_the_edit_dialog_never_breaks_the_lesson():
    with AppHost(lesson="pool", setup=RAMP) as host:
        state = {"setup": RAMP}

        async def submit(app, pilot, typed):
            if not isinstance(app.screen, TextDialog):
                await pilot.press("e")
            app.screen.query_one("#edit-input", Input).value = typed
            await pilot.press("enter")
            dialog = app.screen if isinstance(app.screen, TextDialog) else None
            error = str(dialog.query_one("#edit-error", Static).render()) if dialog else None
            return app.is_running, error, status(app), text(app, "#equation")

        @one_app_fuzz(40)
        @given(
            st.one_of(
                st.text(TYPED_CHARS, max_size=20),
                st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=10),
            )
        )
        def check(typed):
            running, error, shown_status, equation = host.call(lambda app, pilot: submit(app, pilot, typed))
            assert running
            try:
                new = state["setup"].with_input(parse_matrix(typed, "input"))
                trace = pool_trace(new.spec())
            except SpecError as problem:
                assert error == error_text(problem)
                return
            assert error is None
            number = int(re.search(r"(\d+)/(\d+)", shown_status).group(1))
            assert f"/{trace.step_count} " in shown_status and equation == trace.step(number - 1).equation
            state["setup"] = new

        check()
