"""The matrix shapes lesson driven through the real app with Pilot; assertions on what is on screen.

Expected numbers and sentences come from engine and the lesson's own text
functions, so rewording does not break these tests; NumPy's and PyTorch's words
are compared with what those libraries raise.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import torch
from pilot_support import CJK, drive
from textual.widgets import Static

from engine.errors import SpecError
from engine.matmul import matmul_trace
from engine.matmul_spec import MatmulSpec
from tui.i18n import error_text, t
from tui.screens.matmul import MatmulScreen
from tui.text.matmul import explain_text
from tui.widgets.grid import Grid

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = matmul_trace(MatmulSpec())


def screen(app) -> MatmulScreen:
    return next(s for s in app.screen_stack if isinstance(s, MatmulScreen))


def text(app, selector: str) -> str:
    return str(screen(app).query_one(selector, Static).render())


def grid(app, name: str) -> Grid:
    return screen(app).query_one(f"#{name}", Grid)


def shown(app, name: str) -> bool:
    """The grid and its container are displayed (X sits in a cell that right-aligns it)."""
    g = grid(app, name)
    return g.display and g.parent.display


def cells(g: Grid) -> list[list[str]]:
    rows, cols = len(g._cells[0]), len(g._cells[0][0])
    return [[g.cell_text(0, r, c).strip() for c in range(cols)] for r in range(rows)]


def step_number(app) -> int:
    return int(re.search(r"(\d+)/\d+", text(app, "#status")).group(1))


def run(body, spec: MatmulSpec | None = None, lang: str = "en") -> None:
    drive(body, lesson="matmul", setup=spec or MatmulSpec(), lang=lang)


def test_shape_steps_come_first_with_the_current_rule_marked():
    async def body(app, pilot):
        assert "step 1/11" in text(app, "#status")
        rules = text(app, "#rules")
        assert "X (2, 3) · W (3, 4)" in rules and "+ B (4,)" in rules
        assert "▸ inner 3 = 3 ✓" in rules and "→ A (2, 4)" in rules and "+ B (4,) → (2, 4)" in rules
        assert text(app, "#explain") == explain_text(DEFAULT, DEFAULT.shape_steps[0])
        assert grid(app, "x").marks == {(0, 0, c): "tap" for c in range(3)}
        assert grid(app, "w").marks == {(0, r, 0): "tap" for r in range(3)}
        assert cells(grid(app, "a")) == [["·"] * 4] * 2
        await pilot.press("right")
        assert "▸ → A (2, 4)" in text(app, "#rules") and "8 numbers" in text(app, "#explain")
        await pilot.press("right")
        assert "▸ + B (4,) → (2, 4)" in text(app, "#rules")
        assert "W 12 + B 4 = 16" in text(app, "#explain")
        b_marks = grid(app, "b").marks
        assert {b_marks[(0, 0, c)] for c in range(4)} == {"tap"} and {b_marks[(0, 1, c)] for c in range(4)} == {"pad"}

    run(body)


def test_each_dot_product_marks_its_row_column_and_output():
    async def body(app, pilot):
        await pilot.press("right", "right", "right")
        assert "step 4/11" in text(app, "#status") and "▸" not in text(app, "#rules")
        assert text(app, "#explain") == "A[0,0] = X[0,:]·W[:,0] + B[0]\n  = 1×2 + 2×0 + 3×1 + 1 = 6"
        await pilot.press(*["l"] * 6)
        step = DEFAULT.step(DEFAULT.index_of(0, 1, 2))
        assert text(app, "#explain") == f"{step.formula}\n  {step.arithmetic()}"
        assert "4×0.5 + 5×(-1) + 6×2 + (-1) = 8" in text(app, "#explain")
        assert grid(app, "x").marks == {(0, 1, c): "tap" for c in range(3)}
        assert grid(app, "w").marks == {(0, r, 2): "tap" for r in range(3)}
        assert grid(app, "a").marks == {(0, 1, 2): "current"}
        assert cells(grid(app, "a")) == [["6", "3", "3.5", "1"], ["15", "6", "8", "·"]]
        assert grid(app, "b").marks[(0, 1, 2)] == "tap" and grid(app, "b").marks[(0, 1, 0)] == "pad"
        await pilot.press("end")
        assert "step 11/11" in text(app, "#status")
        assert cells(grid(app, "a")) == [
            [v.strip() for v in row] for row in [["6", "3", "3.5", "1"], ["15", "6", "8", "2.5"]]
        ]
        await pilot.press("home")
        assert "step 1/11" in text(app, "#status")

    run(body)


def test_columns_of_w_a_and_b_line_up():
    async def body(app, pilot):
        await pilot.press("end")
        widths = {grid(app, name)._cell_width for name in "wab"}
        assert len(widths) == 1
        lefts = {grid(app, name).region.x for name in "wab"}
        assert len(lefts) == 1
        # X's rows beside A's rows
        assert grid(app, "x").region.y == grid(app, "a").region.y

    run(body)


def test_n_walks_through_the_examples_and_the_mismatch_quotes_both_libraries():
    async def body(app, pilot):
        await pilot.press("right", "n")
        assert "784 → 100" in text(app, "#status") and "step 1/3" in text(app, "#status")
        assert "X (4, 784)" in text(app, "#rules") and not shown(app, "w") and not shown(app, "a")
        await pilot.press("right")
        assert "400 numbers" in text(app, "#explain") and "313,600" in text(app, "#explain")
        await pilot.press("right")
        assert "78,400 + B 100 = 78,500" in text(app, "#explain")
        await pilot.press("n")
        assert "mismatch" in text(app, "#status") and "inner 3 ≠ 4 ✗" in text(app, "#rules")
        with_numpy = None
        try:
            np.matmul(np.zeros((2, 3)), np.zeros((4, 5)))
        except ValueError as error:
            with_numpy = str(error)
        try:
            torch.matmul(torch.zeros(2, 3), torch.zeros(4, 5))
        except RuntimeError as error:
            with_torch = str(error)
        explain = text(app, "#explain").replace("\n", " ")
        assert f"NumPy: {with_numpy}" in explain and f"PyTorch: {with_torch}" in explain
        assert "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)" in explain
        assert shown(app, "x") and shown(app, "w") and not shown(app, "a")
        assert grid(app, "x").marks == {(0, 0, c): "tap" for c in range(3)}
        assert grid(app, "w").marks == {(0, r, 0): "tap" for r in range(4)}  # 3 numbers against 4
        await pilot.press("n")
        assert "batched" in text(app, "#status") and "step 1/33" in text(app, "#status")
        await pilot.press("end")
        assert grid(app, "x").border_title == "X[1] (3, 4)" and grid(app, "a").border_title == "A[1] (3, 5)"
        assert text(app, "#explain").startswith("A[1,2,4] = X[1,2,:]·W[1,:,4]")
        await pilot.press("n")
        assert "vector" in text(app, "#status") and "▸ X (3,) → (1, 3)" in text(app, "#rules")
        assert grid(app, "x").border_title == "X (3,) as (1, 3)" and "→ A (1, 4) → (4,)" in text(app, "#rules")
        await pilot.press("n")
        assert "affine layer" in text(app, "#status") and "step 1/11" in text(app, "#status")

    run(body)


def test_r_draws_random_numbers_and_keeps_the_step():
    async def body(app, pilot):
        await pilot.press(*["right"] * 5, "r")
        assert "random #1" in text(app, "#status") and "step 6/11" in text(app, "#status")
        spec = MatmulSpec().with_random(1)
        assert cells(grid(app, "x")) == [[str(int(v)) for v in row] for row in spec.x]
        expected = np.matmul(spec.x, spec.w) + spec.b
        step = matmul_trace(spec).step(5)
        assert step.value == expected[0, 2] and text(app, "#explain").endswith(
            f"= {step.arithmetic().rsplit('= ', 1)[1]}"
        )
        await pilot.press("r")
        assert "random #2" in text(app, "#status")
        await pilot.press("n")  # 784 → 100: no numbers to draw
        await pilot.press("r")
        assert text(app, "#message").startswith(t("error.prefix")) and screen(app).query_one("#message").has_class(
            "error"
        )
        assert "784 → 100" in text(app, "#status")

    run(body)


def test_b_switches_the_bias_and_keeps_the_output_cell():
    async def body(app, pilot):
        await pilot.press(*["right"] * 9)
        assert text(app, "#explain").startswith("A[1,2] = X[1,:]·W[:,2] + B[2]")
        await pilot.press("b")
        assert text(app, "#message") == t("matmul.bias_off")
        assert text(app, "#explain") == "A[1,2] = X[1,:]·W[:,2]\n  = 4×0.5 + 5×(-1) + 6×2 = 9"
        assert "+ B" not in text(app, "#rules") and not shown(app, "b") and "step 9/10" in text(app, "#status")
        await pilot.press("b")
        assert text(app, "#explain").endswith("= 8") and shown(app, "b")

    run(body)


def test_b_is_refused_when_w_has_no_column_axis():
    async def body(app, pilot):
        before = text(app, "#status")
        await pilot.press("b")
        assert error_text(SpecError("matmul_no_bias_axis", w="(3,)")) in text(app, "#message")
        assert text(app, "#status") == before

    run(body, MatmulSpec((2, 3), (3,), bias=False))


def test_a_zero_d_operand_is_a_lesson():
    async def body(app, pilot):
        assert "✗ X: 0-D" in text(app, "#rules") and "both arguments to matmul need to be at least 1D" in text(
            app, "#explain"
        )
        assert not shown(app, "x")

    run(body, MatmulSpec((), (3,)))


def test_chinese_screen():
    async def body(app, pilot):
        assert "内维 3 = 3 ✓" in text(app, "#rules") and "第 1/11 步" in text(app, "#status")
        assert CJK.search(text(app, "#explain"))
        await pilot.press("n", "n")
        assert "NumPy：matmul: Input operand 1" in text(app, "#explain")

    run(body, lang="zh")


# Random text in the edit dialog ------------------------------------------------------

FIELDS = ("x_shape", "w_shape", "x", "w", "b")
