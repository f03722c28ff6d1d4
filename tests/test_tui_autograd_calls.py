"""The backprop lesson's last three graphs driven with Pilot: no_grad, backward(gradient=v), backward twice.

torch's refusals are taken from torch now; the other words from the catalogue, the numbers from engine
(checked against torch in test_autograd_calls.py).
"""

from __future__ import annotations

import torch
from pilot_support import grid, status, text
from test_tui_autograd import column, edit, graph_spans, run
from textual.widgets import Static

from engine.autograd_presets import AutogradSpec
from engine.errors import SpecError
from tui.i18n import error_text, t
from tui.screens.text_dialog import TextDialog


def refusal(call) -> str:
    try:
        call()
    except RuntimeError as error:
        return str(error)
    raise AssertionError("torch accepted the call")


def course_z() -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    return x, y * y * 3


def test_p_reaches_nograd_where_nothing_is_recorded_and_b_shows_torchs_refusal():
    x = torch.ones(2, 2, requires_grad=True)
    with torch.no_grad():
        out = ((x + 2) * (x + 2) * 3).mean()

    async def body(app, pilot):
        await pilot.press("p", "p", "p")
        assert "nograd" in status(app) and "step 1/6" in status(app)
        assert [line.split()[-1] for line, _ in graph_spans(app)] == ["requires_grad=True"] + ["grad_fn=None"] * 4
        await pilot.press("right")
        assert "y.requires_grad = False, y.grad_fn = None" in text(app, "#detail")
        await pilot.press("b")
        detail = text(app, "#detail")
        assert detail.startswith(">>> out.backward()\nRuntimeError: ") and refusal(out.backward) in detail
        assert "step 6/6" in status(app) and t("autograd.kind_refused") in status(app)
        assert t("autograd.to_refused") in text(app, "#message")
        assert graph_spans(app)[-1][1] == "reverse" and column(app, 1) == ["None"] * 4
        await pilot.press("b")
        assert "step 1/6" in status(app)

    run(body)


def test_vector_is_refused_without_v_then_backward_carries_v_to_j_transpose_v():
    _, z = course_z()

    async def body(app, pilot):
        await pilot.press("b")
        assert "step 5/10" in status(app) and refusal(z.backward) in text(app, "#detail")
        await pilot.press("right")
        assert text(app, "#detail").startswith(">>> z.backward(gradient=v)\n∂L/∂z = v = [[1, 0.1], [0.01, 0.001]]")
        await pilot.press("right", "right", "right", "right")
        assert column(app, 1) == ["18", "1.8", "0.18", "0.018"]
        await pilot.press("right")
        detail = text(app, "#detail")
        assert "J = ∂z/∂x = diag(18, 18, 18, 18)" in detail
        assert "x.grad = Jᵀ·v = [18·1, 18·0.1, 18·0.01, 18·0.001] = [18, 1.8, 0.18, 0.018]" in detail

    run(body, AutogradSpec(preset="vector"))


def test_vector_edit_takes_v_refuses_a_v_of_another_shape_and_empty_v_follows_x():
    async def body(app, pilot):
        await edit(pilot, v="2 2; 2 2")
        await pilot.press("end")
        assert column(app, 1) == ["36"] * 4
        before = (status(app), text(app, "#detail"))
        await edit(pilot, x="1 2 3")  # the typed v is still 2×2
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        z = (torch.ones(1, 3, requires_grad=True) + 2) * 3
        words = refusal(lambda: z.backward(gradient=torch.ones(2, 2)))
        said = str(dialog.query_one("#edit-error", Static).render())
        assert said == error_text(SpecError("autograd_gradient_shape", words, got="2×2", expected="1×3"))
        await pilot.press("escape")
        assert (status(app), text(app, "#detail")) == before
        await edit(pilot, x="1 2 3", v="")
        assert column(app, 1) == ["18", "2.4", "0.3"]  # 6(x + 2) times 1, 0.1, 0.01

    run(body, AutogradSpec(preset="vector"))


def test_twice_doubles_x_grad_then_the_third_call_is_refused():
    x, z = course_z()
    out = z.mean()
    out.backward()

    async def body(app, pilot):
        await pilot.press("b")
        assert text(app, "#detail").startswith(">>> out.backward(retain_graph=True)")
        await pilot.press("end", "left")
        assert "step 12/13" in status(app) and t("autograd.kind_accumulate") in status(app)
        assert "x.grad = 4.5 + 4.5 = " + t("autograd.every_cell", value="9") in text(app, "#detail")
        # x.grad holds two calls' gradients: one numerical gradient is shown beside it, but not compared with it
        assert column(app, 1) == ["9"] * 4 and column(app, 2) == ["4.5"] * 4 and column(app, 3) == ["–"] * 4
        assert grid(app, "#grads").marks == {(0, row, 1): "current" for row in range(4)}
        assert graph_spans(app)[0][1] == "reverse" and "◀" in graph_spans(app)[1][0]
        await pilot.press("right")
        assert refusal(out.backward) in text(app, "#detail") and column(app, 1) == ["9"] * 4

    run(body, AutogradSpec(preset="twice"))
