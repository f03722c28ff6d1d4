"""The backprop lesson driven through the real app with Pilot; assertions on what is on screen.

Expected numbers come from engine (checked against torch.autograd in
test_autograd_engine.py) and texts from the catalogue.
"""

from __future__ import annotations

import numpy as np
from pilot_support import CJK, drive, grid, status, text, verification_line
from textual.widgets import Input, Static

from engine.autograd_presets import AutogradSpec
from engine.autograd_trace import autograd_trace
from engine.errors import SpecError
from tui.i18n import error_text, t
from tui.screens.autograd import AutogradScreen
from tui.screens.text_dialog import TextDialog
from tui.text.autograd import cells
from tui.widgets.keybar import KeyBar


def run(body, spec: AutogradSpec | None = None, **options) -> None:
    drive(body, lesson="autograd", setup=spec or AutogradSpec(), **options)


def screen(app) -> AutogradScreen:
    return next(s for s in app.screen_stack if isinstance(s, AutogradScreen))


def graph_spans(app) -> list[tuple[str, str]]:
    """(line text, how it is drawn: reverse for the current node, dim for one not reached) per line of the graph."""
    rendered = screen(app).query_one("#graph", Static).render()
    lines = rendered.plain.split("\n")
    looks = {}
    for span in rendered.spans:
        style = span.style
        looks[rendered.plain.count("\n", 0, span.start)] = "reverse" if style.reverse else "dim" if style.dim else ""
    return [(line, looks.get(number, "")) for number, line in enumerate(lines)]


def column(app, col: int) -> list[str]:
    table = grid(app, "#grads")
    return [table.cell_text(0, row, col) for row in range(len(table._cells[0]))]


def test_forward_steps_node_by_node_with_torchs_grad_fns_beside():
    async def body(app, pilot):
        lines = graph_spans(app)
        assert [line.split()[-1] for line, _ in lines] == [
            "AccumulateGrad",
            "AddBackward0",
            "MulBackward0",
            "MulBackward0",
            "MeanBackward0",
        ]
        assert lines[0][1] == "reverse" and all(look == "dim" for _, look in lines[1:])
        assert text(app, "#detail").startswith("x = [[1, 1], [1, 1]]")
        await pilot.press("right")
        lines = graph_spans(app)
        assert lines[1][0].startswith("x ─(+ 2)─▶ y") and lines[1][1] == "reverse"
        assert text(app, "#detail") == "y = x + 2\ny = [[3, 3], [3, 3]]"
        await pilot.press("right", "right", "right")
        assert "out = 27" in graph_spans(app)[4][0] and "step 5/11" in status(app) and "forward" in status(app)
        # backward has not started: neither its gradient nor the numerical one that checks it is shown yet
        assert column(app, 1) == column(app, 2) == column(app, 3) == ["·"] * 4

    run(body)


def test_b_jumps_to_backward_where_local_times_upstream_reaches_4_5():
    async def body(app, pilot):
        await pilot.press("b")
        assert "step 6/11" in status(app) and text(app, "#detail") == t("autograd.seed", out="out")
        assert graph_spans(app)[4][0].startswith("z ◀─(mean)─ out") and graph_spans(app)[4][1] == "reverse"
        await pilot.press("right", "right", "right")
        detail = text(app, "#detail")
        assert "∂out/∂y += ∂out/∂u × ∂u/∂y" in detail and t("autograd.every_cell", value="4.5") in detail
        await pilot.press("right")
        assert column(app, 1) == ["4.5"] * 4 and grid(app, "#grads").marks == {
            (0, row, 1): "current" for row in range(4)
        }
        await pilot.press("right")
        every_cell = t("autograd.every_cell", value="4.5")
        assert f"6(x + 2)/n = 6·(1 + 2)/4 = {every_cell}, where n = 4" in text(app, "#detail")  # each "=" holds
        trace = autograd_trace(AutogradSpec())
        assert column(app, 2) == ["4.5"] * 4 and len(column(app, 3)) == len(trace.cells)
        assert all(cell.startswith("<") or float(cell) < 1e-6 for cell in column(app, 3))
        await pilot.press("b")
        assert "step 1/11" in status(app) and t("autograd.to_forward") in text(app, "#message")

    run(body)


def test_p_cycles_the_six_graphs():
    async def body(app, pilot):
        await pilot.press("p")
        assert "apples" in status(app) and "step 1/7" in status(app)
        await pilot.press("end")
        assert column(app, 1) == ["2.2", "110", "200"]
        assert "∂price/∂apple = count · tax = 2 · 1.1 = 2.2" in text(app, "#detail")
        await pilot.press("p")
        lines = [line for line, _ in graph_spans(app)]
        assert (
            "twolayer" in status(app)
            and lines[-2].endswith("NllLossBackward0")
            and lines[-1].strip() == "← LogSoftmaxBackward0"
        )
        assert len(column(app, 0)) == 2 + 6 + 3 + 9 + 3
        for preset in ("nograd", "vector", "twice", "course"):
            await pilot.press("p")
            assert preset in status(app) and "step 1/" in status(app)

    run(body)


async def edit(pilot, **texts: str) -> None:
    """Press e, put the texts in the fields (as a paste would), press Enter."""
    await pilot.press("e")
    for key, typed in texts.items():
        pilot.app.screen.query_one(f"#edit-{key}", Input).value = typed
    await pilot.press("enter")


def test_edit_applies_new_inputs():
    async def body(app, pilot):
        await edit(pilot, x="1 2 3")
        assert isinstance(app.screen, AutogradScreen)
        trace = autograd_trace(AutogradSpec(x=np.array([[1.0, 2, 3]])))
        await pilot.press("end")
        assert column(app, 1) == ["6", "8", "10"] == [f"{v:g}" for v in trace.grads["x"].reshape(-1)]
        assert "6(x + 2)/n = [[6, 8, 10]], where n = 3" in text(app, "#detail")

    run(body)


def test_edit_keeps_bad_text_in_the_dialog_and_the_lesson_unchanged():
    cases = {  # by preset, in the order p reaches them
        "course": [
            (
                {"x": "1 2; 3"},
                SpecError("ragged_rows", what="input", row=2, got=1, expected=2),
            ),
            (
                {"x": "1 1 1 1"},
                SpecError("autograd_x_size", height=1, width=4, limit=3),
            ),
        ],
        "apples": [
            (
                {"apple": "a lot"},
                SpecError("not_a_number", what="autograd_apple", token="a"),
            )
        ],
        "twolayer": [
            ({"x": "1 2 3"}, SpecError("autograd_x_length", got=3, expected=2)),
            ({"class": "5"}, SpecError("autograd_class_range", value=5, high=2)),
        ],
    }

    async def body(app, pilot):
        for preset, attempts in cases.items():
            assert preset in status(app)
            before = (status(app), text(app, "#detail"))
            for texts, error in attempts:
                await edit(pilot, **texts)
                dialog = app.screen
                assert isinstance(dialog, TextDialog)
                assert str(dialog.query_one("#edit-error", Static).render()) == error_text(error)
                assert all(dialog.query_one(f"#edit-{key}", Input).value == typed for key, typed in texts.items())
                await pilot.press("escape")
                assert (status(app), text(app, "#detail")) == before
            await pilot.press("p")

    run(body)


def test_in_chinese_the_grad_fn_column_stays_aligned_after_wide_characters():
    async def body(app, pilot):
        lines = [line for line, _ in graph_spans(app)]
        assert CJK.search(lines[0]) and CJK.search(status(app))
        starts = {
            cells(line[: line.index(name)])
            for line, name in zip(lines, ["AccumulateGrad", "AddBackward0", "MulBackward0"])
        }
        assert len(starts) == 1  # 叶节点 takes two cells a character, and the column allows for it
        assert t("keys.autograd_backward", "zh") in app.screen.query_one(KeyBar).descriptions()

    run(body, lang="zh")


def test_verification_line_reports_torch_autograd_agrees():
    async def body(app, pilot):
        line = await verification_line(app, pilot)
        assert line.startswith("✓") and "torch.autograd" in line

    run(body, AutogradSpec(preset="twolayer"), real_verifier=True)
