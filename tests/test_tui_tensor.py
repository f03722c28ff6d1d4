"""The tensor lesson driven through the real app with Pilot; assertions on what is on screen.

Expected numbers come from engine (checked against torch in test_tensor_engine.py) or from torch directly;
torch's refusals are taken from torch at test time.
"""

from __future__ import annotations

import pytest
import torch
from pilot_support import CJK, drive, grid, lesson, status, text
from textual.widgets import Input

from engine.errors import SpecError
from engine.tensor import tensor_trace
from engine.tensor_parse import parse_shape
from engine.tensor_spec import PRESETS, TensorSpec
from tui.i18n import error_text
from tui.screens.text_dialog import TextDialog

VIEW = PRESETS[1]  # x = torch.arange(24).view(2, 3, 4); y = x.view(-1, 6)


def current(g) -> set:
    return {cell for cell, mark in g.marks.items() if mark == "current"}


def test_stepping_marks_the_same_storage_cell_in_y_x_and_the_storage_row():
    trace = tensor_trace(VIEW)

    async def body(app, pilot):
        assert "step 1/24" in status(app) and "topic 2/5" in status(app)
        await pilot.press(*["right"] * 8)
        step = trace.step(8)  # y[1, 2], storage[8], x[0, 2, 0]
        assert "step 9/24" in status(app)
        assert text(app, "#address").splitlines()[0] == step.addresses[0].formula
        assert current(grid(app, "#right")) == {(0, 1, 2)} and current(grid(app, "#left")) == {(0, 2, 0)}
        assert current(grid(app, "#storage-0")) == {(0, 0, 8), (0, 1, 8)}
        assert grid(app, "#right").cell_text(0, 1, 2) == grid(app, "#storage-0").cell_text(0, 1, 8) == "8"
        assert "x.view(-1, 6)" in text(app, "#code")

    drive(body, lesson="tensor", setup=VIEW)


def test_transposing_makes_torch_refuse_the_view_and_reshape_copy():
    with pytest.raises(RuntimeError) as refused:
        torch.arange(24).view(2, 3, 4).transpose(0, 1).view(-1, 6)

    async def body(app, pilot):
        await pilot.press("x")
        assert text(app, "#refusal") == f"✗ RuntimeError: {refused.value}"
        assert not grid(app, "#right").display and "(3, 2, 4)" in grid(app, "#left").border_title
        await pilot.press("3")  # the same x, view vs reshape: a copy in a storage of its own
        assert "topic 3/5" in status(app) and grid(app, "#storage-1").display
        assert "copy" in grid(app, "#storage-1").border_title
        expected = torch.arange(24).view(2, 3, 4).transpose(0, 1).reshape(-1, 6)
        right = grid(app, "#right")
        assert [right.cell_text(0, r, c) for r in range(4) for c in range(6)] == [
            str(v) for v in expected.flatten().tolist()
        ]
        await pilot.press("x")
        assert not text(app, "#refusal") and not grid(app, "#storage-1").display

    drive(body, lesson="tensor", setup=VIEW)


def test_edit_refuses_malformed_text_keeps_the_tensor_and_adopts_a_view_torch_refuses():
    async def body(app, pilot):
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        dialog.query_one("#edit-shape", Input).value = "2,x"
        await pilot.press("enter")
        assert app.screen is dialog
        try:
            parse_shape("2,x")
        except SpecError as error:
            assert str(dialog.query_one("#edit-error").render()) == error_text(error)
        assert lesson(app).setup == VIEW
        dialog.query_one("#edit-shape", Input).value = "4,4"
        dialog.query_one("#edit-view", Input).value = "5,-1"
        await pilot.press("enter")
        assert app.screen is not dialog
        assert lesson(app).setup == TensorSpec("view", (4, 4), ("5", "-1"))
        with pytest.raises(RuntimeError) as refused:
            torch.arange(16).view(4, 4).view(5, -1)
        assert str(refused.value) in text(app, "#refusal") and "step 1/16" in status(app)

    drive(body, lesson="tensor", setup=VIEW)


def test_examples_and_topics_speak_chinese():
    async def body(app, pilot):
        await pilot.press("n")
        assert "示例 2/10" in text(app, "#message") and CJK.search(text(app, "#notes"))
        await pilot.press("5")
        assert "主题 5/5" in status(app) and "a = torch.ones(2, 3, 4)" in text(app, "#code")

    drive(body, lesson="tensor", setup=TensorSpec(), lang="zh")
