"""The activations lesson driven through the real app with Pilot; assertions on what is on screen.

Expected values come from torch and autograd, computed here at the x the screen shows.
"""

from __future__ import annotations

import re

import numpy as np
import torch
from pilot_support import CJK, drive, lesson, status, text, verification_line
from textual.widgets import Input, Static

from engine.activations import ActivationSpec
from engine.activations_collapse import ActivationSetup
from tui.screens.text_dialog import TextDialog
from tui.widgets.perceptron_canvas import Canvas

NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"


def run(body, setup: ActivationSetup | None = None, **options) -> None:
    drive(body, lesson="activations", setup=setup or ActivationSetup(), **options)


def canvas(app, selector: str) -> Canvas:
    return lesson(app).query_one(selector, Canvas)


def reading(app) -> tuple[float, float, float]:
    """x, f(x) and f′(x) from the two reading lines (the last number of each, and the x in the first)."""
    value, slope = text(app, "#reading").splitlines()[:2]
    x = float(re.search(rf"\(({NUMBER})\)", value).group(1))
    return (
        x,
        float(re.findall(NUMBER, value)[-1]),
        float(re.findall(NUMBER, slope.split("=")[-1])[0]),
    )


def torch_reading(function, x: float) -> tuple[float, float]:
    point = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[function](point)
    (grad,) = torch.autograd.grad(y, point)
    return y.item(), grad.item()


def test_the_cursor_reads_f_and_its_derivative_as_torch_does():
    async def body(app, pilot):
        assert "step 21/41 · sigmoid" in status(app) and reading(app) == (0, 0.5, 0.25)
        await pilot.press("home")
        assert "step 1/41" in status(app) and reading(app)[0] == -5
        await pilot.press("end")
        assert "step 41/41" in status(app) and reading(app)[0] == 5
        for keys, function, at in (
            (("end",) + ("left",) * 14, "sigmoid", 1.5),
            (("2", "left"), "tanh", 1.25),
            (("3",), "relu", 1.25),
        ):
            await pilot.press(*keys)
            x, fx, dfx = reading(app)
            assert x == at
            expected = torch_reading(function, x)
            np.testing.assert_allclose((fx, dfx), expected, rtol=1e-3)
        assert "Hidden layers: the default" in text(app, "#use")
        assert len(canvas(app, "#plot").styled("cursor")) == 9  # a cell of the cursor's column in each row

    run(body)


def test_relu_at_zero_says_torch_uses_zero():
    async def body(app, pilot):
        await pilot.press("3")
        assert reading(app) == (0, 0, 0)
        assert "torch uses 0" in text(app, "#reading") and "step 21/41 · ReLU" in status(app)

    run(body)


def test_softmax_view_and_editing_its_vector():
    async def body(app, pilot):
        await pilot.press("5", "right", "right")
        assert "step 3/3 · softmax" in status(app)
        assert text(app, "#reading").splitlines()[0] == "y_2 = e^(4 − 4) / Σ = 1 / 1.358 = 0.7366"
        assert canvas(app, "#plot").styled("current")[0].split()[:2] == ["2", "4"]
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, TextDialog) and dialog.query_one("#edit-vector", Input).value == "0.3 2.9 4"
        for bad, words in (
            ("1", "2 to 8 numbers"),
            ("1 x", "'x', which is not a number"),
            ("1 5000", "between -1000 and 1000"),
        ):
            dialog.query_one("#edit-vector", Input).value = bad
            await pilot.press("enter")
            assert app.screen is dialog and words in str(dialog.query_one("#edit-error", Static).render())
        dialog.query_one("#edit-vector", Input).value = "1, -2, 0.5, 3"
        await pilot.press("enter")
        assert not isinstance(app.screen, TextDialog) and "step 3/4" in status(app)
        a = torch.tensor([1.0, -2, 0.5, 3], dtype=torch.float64)
        y = torch.softmax(a, dim=0)
        shown = float(text(app, "#reading").splitlines()[0].split("= ")[-1])
        np.testing.assert_allclose(shown, y[2].item(), rtol=1e-3)
        jacobian_row = [float(v) for v in re.findall(NUMBER, text(app, "#reading").split(") = (")[1])]
        expected = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=0), a)[2].numpy()
        np.testing.assert_allclose(jacobian_row, expected, rtol=1e-3)
        assert "softmax input → (1, -2, 0.5, 3)" == text(app, "#message")

    run(body)


def test_collapse_demo_steps_through_inputs_and_keeps_the_curve_cursor():
    async def body(app, pilot):
        await pilot.press("home", "right", "right", "r")
        assert "press c first" in text(app, "#message")
        await pilot.press("c")
        assert "input 1/6 · seed 0" in status(app) and not canvas(app, "#plot").display
        lines = text(app, "#collapse").splitlines()
        assert lines[0].startswith("W1 (3×2)") and any(line.startswith("W·x") for line in lines)
        assert "one matrix does it" in text(app, "#use") and "no single matrix does that" in text(app, "#use")
        await pilot.press("right", "r")
        assert "input 2/6 · seed 1" in status(app) and text(app, "#message") == "New weights and inputs: seed 1."
        stacked, merged = (
            re.findall(
                NUMBER,
                next(line for line in text(app, "#collapse").splitlines() if line.startswith(name))
                .split("=")[1]
                .split("|Δ|")[0],
            )
            for name in ("W2·(W1·x)", "W·x")
        )
        assert stacked == merged
        await pilot.press("c")
        assert "step 3/41 · sigmoid" in status(app) and canvas(app, "#plot").display

    run(body)


def test_chinese_texts():
    async def body(app, pilot):
        await pilot.press("4")
        assert "回归问题的输出层" in text(app, "#use") and "第 21/41 步" in status(app)
        await pilot.press("5", "e")
        app.screen.query_one("#edit-vector", Input).value = "1"
        await pilot.press("enter")
        assert CJK.search(str(app.screen.query_one("#edit-error", Static).render()))

    run(body, lang="zh")


def test_verification_line_reports_torch_agrees():
    async def body(app, pilot):
        assert (await verification_line(app, pilot)).startswith("✓ torch.softmax + autograd agrees: max |Δ| = ")

    run(body, setup=ActivationSetup(ActivationSpec("softmax")), real_verifier=True)
