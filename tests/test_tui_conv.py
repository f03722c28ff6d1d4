"""The convolution lesson driven through the real app with Pilot; assertions on what is on screen.

Expected arithmetic comes from engine, not from copies of its text, so a change
of layout or wording does not break these tests; only PyTorch's own words are
spelled out.
"""

from __future__ import annotations

from pilot_support import (
    CJK,
    TORCH_KERNEL,
    all_cells,
    drive,
    grid,
    lesson,
    status,
    step_number,
    text,
    verification_line,
)
from textual.widgets import ContentSwitcher

from engine.conv import conv_trace
from engine.conv_setup import ConvSetup
from tui.cli import parse_args
from tui.flags.conv import setup_from as conv_setup_from
from tui.widgets.keybar import KeyBar

DEFAULT = conv_trace(ConvSetup().spec())


def test_arrow_and_vim_keys_step_and_stop_at_the_ends():
    async def body(app, pilot):
        assert "step 1/9" in status(app)
        assert text(app, "#equation") == DEFAULT.step(0).equation
        await pilot.press("right")
        assert "step 2/9" in status(app)
        assert text(app, "#equation") == DEFAULT.step(1).equation
        assert grid(app, "#output").marks[(0, 0, 1)] == "current"
        await pilot.press("l")
        assert "step 3/9" in status(app) and text(app, "#equation") == DEFAULT.step(2).equation
        await pilot.press("left")
        assert "step 2/9" in status(app)
        await pilot.press("h", "h", "left")
        assert "step 1/9" in status(app) and text(app, "#equation") == DEFAULT.step(0).equation
        await pilot.press(*["right"] * 10)
        assert "step 9/9" in status(app) and text(app, "#equation") == DEFAULT.step(8).equation

    drive(body)


def test_home_and_end_jump_to_the_first_and_last_step():
    async def body(app, pilot):
        await pilot.press("right")
        await pilot.press("end")
        assert "step 9/9" in status(app) and text(app, "#equation") == DEFAULT.step(8).equation
        await pilot.press("home")
        assert "step 1/9" in status(app) and text(app, "#equation") == DEFAULT.step(0).equation

    drive(body)


def test_space_plays_and_pauses_and_plus_minus_change_the_speed():
    async def body(app, pilot):
        assert "2/s" in status(app) and "‖" in status(app)
        await pilot.press("plus", "plus")
        assert "8/s" in status(app)
        await pilot.press("space")
        assert "▶" in status(app)
        await pilot.pause(0.6)
        for _ in range(30):
            if step_number(app) > 2:
                break
            await pilot.pause(0.1)
        assert step_number(app) > 2
        await pilot.press("space")
        assert "‖" in status(app)
        stopped = step_number(app)
        await pilot.pause(0.4)
        assert step_number(app) == stopped
        await pilot.press(*["plus"] * 5)
        assert "30/s" in status(app)
        await pilot.press("minus")
        assert "15/s" in status(app)

    drive(body, setup=ConvSetup(input_name="digit"))  # 36 steps: playing does not reach the end


def test_padding_keys_change_formula_and_grid_and_p_at_zero_is_refused():
    async def body(app, pilot):
        assert grid(app, "#input").virtual_size.height == 5
        await pilot.press("P")
        assert "P=1" in status(app) and "/25" in status(app)
        assert "⌊(5 + 2 − 2 − 1) / 1⌋ + 1 = 5" in text(app, "#formula")
        assert grid(app, "#input").virtual_size.height == 7
        assert grid(app, "#input").cell_text(0, 0, 0) == "0" and grid(app, "#input").cell_text(0, 1, 1) == "1"
        await pilot.press("p")
        assert "P=0" in status(app) and grid(app, "#input").virtual_size.height == 5
        before = status(app)
        await pilot.press("p")
        assert "negative padding is not supported" in text(app, "#message")
        assert lesson(app).query_one("#message").has_class("error")
        assert status(app) == before

    drive(body)


def test_stride_keys_and_s_at_one_is_refused():
    async def body(app, pilot):
        await pilot.press("S")
        assert "S=2" in status(app) and "/4" in status(app)
        assert "⌊(5 + 0 − 2 − 1) / 2⌋ + 1 = 2" in text(app, "#formula")
        await pilot.press("s")
        assert "S=1" in status(app)
        before = status(app)
        await pilot.press("s")
        assert "non-positive stride is not supported" in text(app, "#message")
        assert status(app) == before

    drive(body)


def test_dilation_marks_gaps_between_taps_and_d_at_one_is_refused():
    async def body(app, pilot):
        assert set(grid(app, "#input").marks.values()) == {"tap"}
        await pilot.press("D")
        assert "D=2" in status(app) and "/1 " in status(app)
        marks = grid(app, "#input").marks
        taps = {cell for cell, mark in marks.items() if mark == "tap"}
        gaps = {cell for cell, mark in marks.items() if mark == "gap"}
        assert taps == {(0, r, c) for r in (0, 2, 4) for c in (0, 2, 4)}
        assert (0, 0, 1) in gaps and (0, 1, 1) in gaps and len(gaps) == 16
        await pilot.press("d")
        assert "D=1" in status(app)
        before = status(app)
        await pilot.press("d")
        assert "dilation should be greater than zero" in text(app, "#message")
        assert status(app) == before

    drive(body)


def test_kernel_size_keys_and_a_kernel_larger_than_the_input_is_refused():
    async def body(app, pilot):
        await pilot.press("K")
        assert "K=4" in status(app) and "/4" in status(app)
        await pilot.press("k")
        assert "K=3" in status(app) and "/9" in status(app)
        await pilot.press("K", "K")
        assert "K=5" in status(app) and "step 1/1" in status(app)
        before = status(app)
        await pilot.press("K")
        assert TORCH_KERNEL in text(app, "#message")
        assert status(app) == before

    drive(body)


def test_kernel_and_input_presets_cycle_and_the_step_is_kept():
    async def body(app, pilot):
        await pilot.press(*["right"] * 4)
        assert "step 5/9" in status(app) and "sobel-x" in status(app)
        await pilot.press("c")
        assert "sobel-y" in status(app) and "sobel-x" not in status(app)
        assert "step 5/9" in status(app)
        sobel_y = conv_trace(ConvSetup(kernel_name="sobel-y").spec())
        assert text(app, "#equation") == sobel_y.step(4).equation
        assert grid(app, "#kernel").cell_text(0, 0, 1) == "-2"
        await pilot.press("c")
        assert "laplacian" in status(app)
        await pilot.press("i")
        assert "checkerboard" in status(app) and "ramp" not in status(app)
        assert grid(app, "#input").virtual_size.height == 6
        assert "/16" in status(app) and text(app, "#equation").startswith("out[1,1] =")  # same output cell

    drive(body)


def test_random_input_changes_the_cells_but_not_the_shape():
    async def body(app, pilot):
        before = all_cells(grid(app, "#input"), 5, 5)
        size = grid(app, "#input").virtual_size
        await pilot.press("r")
        assert all_cells(grid(app, "#input"), 5, 5) != before
        assert grid(app, "#input").virtual_size == size
        assert "step 1/9" in status(app) and "ramp" not in status(app)

    drive(body)


def test_im2col_view_marks_the_current_row_and_follows_the_step():
    async def body(app, pilot):
        await pilot.press("m")
        assert lesson(app).query_one("#views", ContentSwitcher).current == "im2col"
        unfolded = grid(app, "#unfolded")
        assert unfolded.marks == {(0, 0, c): "row" for c in range(9)}
        assert unfolded.cell_text(0, 1, 0) == "2"  # window at (0,1) starts with input[0,1]
        await pilot.press("right")
        assert unfolded.marks == {(0, 1, c): "row" for c in range(9)}
        await pilot.press("m")
        assert lesson(app).query_one("#views", ContentSwitcher).current == "grids"

    drive(body)


def test_channel_keys_show_per_channel_sums_and_out_channels_wrap():
    async def body(app, pilot):
        await pilot.press("C")
        assert "C 2→1" in status(app)
        lines = text(app, "#equation").splitlines()
        assert lines[0].startswith("ch0:") and lines[1].startswith("ch1:")
        for expected in ("C 2→2", "C 2→3", "C 2→4", "C 2→1"):
            await pilot.press("O")
            assert expected in status(app)
        await pilot.press("C")
        assert "C 3→1" in status(app) and "ch2:" in text(app, "#equation")
        await pilot.press("C")
        assert "C 1→1" in status(app)

    drive(body)


def test_chinese_status_footer_and_errors_quote_torch_in_english():
    async def body(app, pilot):
        assert "第 1/9 步" in status(app)
        footer = set(lesson(app).query_one(KeyBar).descriptions())
        assert "下一步" in footer and "Next" not in footer
        await pilot.press("p")
        message = text(app, "#message")
        assert CJK.search(message) and "negative padding is not supported" in message
        await pilot.press("K", "K", "K")
        message = text(app, "#message")
        assert CJK.search(message) and TORCH_KERNEL in message
        assert "K=5" in status(app)

    drive(body, lang="zh")


def test_verification_line_reports_torch_agrees():
    async def body(app, pilot):
        line = await verification_line(app, pilot)
        assert "✓" in line and "max |Δ| = 0" in line

    drive(body, real_verifier=True)


def test_kernel_keys_after_a_custom_kernel_from_the_command_line():
    """`tensortour conv --kernel "1 0; 0 -1"` then K: the 2×2 kernel grows to 3×3 (zero-extended)."""
    args = parse_args(["conv", "--input", "1 2 3; 4 5 6; 7 8 9", "--kernel", "1 0; 0 -1"])

    async def body(app, pilot):
        assert "K=2" in status(app)
        await pilot.press("K")
        assert app.is_running and "K=3" in status(app)

    drive(body, setup=conv_setup_from(args))


def test_the_key_bar_lists_the_keys_and_a_click_runs_one():
    async def body(app, pilot):
        bar = lesson(app).query_one(KeyBar)
        assert bar.descriptions()[:3] == ["Next", "Prev", "Play"] and "Quit" in bar.descriptions()
        await pilot.click(KeyBar, offset=(2, 0))
        assert "step 2/9" in status(app)
        await pilot.click(KeyBar, offset=(9, 0))
        assert "step 1/9" in status(app)

    drive(body)
