"""The optimizer lesson driven through the real app with Pilot; assertions on what is on screen.

Expected numbers and sentences come from engine and tui.text (engine is checked against torch.optim in
test_optim_engine.py); the loop's numbers are recomputed here with torch.
"""

from __future__ import annotations

from pilot_support import CJK, drive, lesson, status, text, verification_line
from textual.widgets import Input, Static

from engine.numbers import fmt
from engine.optim import OptimizerSetting, PathSpec, path_trace
from engine.optim_loop import LoopSpec, loop_trace
from engine.optim_setup import OptimSetup
from tui.screens.text_dialog import TextDialog
from tui.text.optim import fate_line, update_lines
from tui.widgets.contour import ContourCanvas, PathCanvas
from tui.widgets.keybar import KeyBar


def run(body, setup: OptimSetup | None = None, **options) -> None:
    drive(body, lesson="optim", setup=setup or OptimSetup(), **options)


def update(app) -> str:
    return text(app, "#update")


def keys(app) -> set[str]:
    return set(lesson(app).query_one(KeyBar).descriptions())


def test_steps_focus_and_the_update_arithmetic():
    trace = path_trace(PathSpec())

    async def body(app, pilot):
        assert "update 0/30" in status(app) and "1 SGD η=0.95" in status(app)
        assert update(app) == "\n".join(update_lines(trace.paths[0].at(0)))
        await pilot.press("right")
        assert update(app).splitlines()[1] == "x ← x − η·∂f/∂x = -7 − 0.95·(-0.7) = -6.335"
        await pilot.press("4", "right")
        adam = trace.paths[3].at(2)
        assert "update 2/30" in status(app) and "4 Adam η=0.3" in status(app)
        assert update(app) == "\n".join(update_lines(adam))
        legend = lesson(app).query_one("#legend", PathCanvas)
        assert f"({fmt(adam.after[0])}, {fmt(adam.after[1])})" in legend.text()
        assert legend.styled("current")[:2] == ["4", " Adam η=0.3"]
        plot = lesson(app).query_one("#plot", ContourCanvas)
        assert set(plot.styled("head")) <= set("1234") and plot.styled("current") == ["4"]
        assert len(plot.rows) == plot.content_size.height
        await pilot.press("end")
        assert text(app, "#notes") == fate_line(trace.paths[3], 30, PathSpec().surface_info)

    run(body)


def test_learning_rate_and_momentum_keys_and_what_divergence_says():
    async def body(app, pilot):
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert "1 SGD η=1.05" in status(app) and "1 SGD η=1.05" in text(app, "#message")
        await pilot.press("end")
        path = path_trace(PathSpec(optimizers=(OptimizerSetting("sgd", 1.05),))).paths[0]
        assert text(app, "#notes") == fate_line(path, 30, PathSpec().surface_info)
        assert text(app, "#notes").startswith(f"Off the plot since update {path.first_outside((-10, 10, -3, 3))}: ")
        assert lesson(app).query_one("#plot", ContourCanvas).styled("off") == ["1"]
        before = status(app)
        await pilot.press("M")
        assert "μ belongs to momentum" in text(app, "#message") and status(app) == before
        await pilot.press("2", "M", "M")
        assert "2 Momentum η=0.1 μ=0.99" in status(app)
        await pilot.press("n")
        assert "x² + y² from (-4, 2)" in lesson(app).query_one("#plot").border_title
        await pilot.press("N", "N")
        assert "(1 − x)² + 100·(y − x²)²" in lesson(app).query_one("#plot").border_title
        await pilot.press("1", "end")
        assert "Overflow at update" in text(app, "#notes") and "NaN" in text(app, "#notes")
        await pilot.press("b")
        assert "1 SGD η=0.95" in status(app) and "book surface" in status(app)

    run(body)


def test_side_by_side_draws_one_plot_per_optimizer_and_only_as_many_as_run():
    two = OptimSetup(paths=PathSpec(optimizers=(OptimizerSetting("sgd", 0.1), OptimizerSetting("adam", 0.3))))

    async def body(app, pilot):
        await pilot.press("2", "v")
        screen = lesson(app)
        assert not screen.query_one("#plot").display and screen.query_one("#panels").display
        panels = [screen.query_one(f"#panel-{slot}", ContourCanvas) for slot in range(1, 5)]
        assert [p.display for p in panels] == [True, True, False, False]
        assert [p.border_title for p in panels[:2]] == ["1 SGD η=0.1", "2 Adam η=0.3"]
        assert [p.has_class("-focus") for p in panels[:2]] == [False, True]
        assert all(set(p.styled("head")) == {str(slot)} for slot, p in enumerate(panels[:2], 1))
        await pilot.press("3")
        assert "There is no path 3: 2 optimizers are running." == text(app, "#message")
        await pilot.press("v")
        assert screen.query_one("#plot").display and "All paths on one plot." == text(app, "#message")

    run(body, two)


def test_the_loop_page_with_and_without_zero_grad():
    """The numbers are the engine's (checked line by line against torch in test_optim_engine.py)."""
    left_out = loop_trace(LoopSpec(zero_grad=False)).step(9)

    async def body(app, pilot):
        await pilot.press("g")
        assert "line 1/16" in status(app) and "with zero_grad" in status(app)
        footer = keys(app)
        assert "zero_grad" in footer and "Surface" not in footer
        await pilot.press(*["right"] * 9)
        code = lesson(app).query_one("#code")
        assert code.styled("current") == ["    loss.backward()"]
        assert f"net.weight.grad = {fmt(-18.3)}" in text(app, "#tensors")
        await pilot.press("z")
        assert "line 10/16" in status(app) and "zero_grad left out" in status(app)
        assert f"net.weight.grad = {fmt(left_out.weight_grad)}" in text(app, "#tensors")
        assert f"w.grad = -27.5 + (-18.3) = {fmt(left_out.weight_grad)}" in text(app, "#explain")
        assert "# optimizer.zero_grad()" in code.text()
        await pilot.press("g")
        assert "update 0/30" in status(app) and "Surface" in keys(app)

    run(body)


async def edit(pilot, values: dict[str, str]) -> None:
    await pilot.press("e")
    assert isinstance(pilot.app.screen, TextDialog)
    for key, value in values.items():
        pilot.app.screen.query_one(f"#edit-{key}", Input).value = value
    await pilot.press("enter")


def test_the_edit_dialogs_apply_good_settings_and_keep_bad_ones_open():
    async def body(app, pilot):
        await edit(pilot, {"optimizers": "adam 0.1, sgd 0.5", "start": "2, -1", "steps": "5"})
        assert not isinstance(app.screen, TextDialog) and "update 0/5" in status(app)
        assert "from (2, -1)" in lesson(app).query_one("#plot").border_title
        for values, words in (
            ({"optimizers": "adam x"}, "'x', which is not a number"),
            ({"optimizers": "sgd -1"}, "Invalid learning rate: -1.0"),
        ):
            await edit(pilot, values)
            dialog = app.screen
            assert isinstance(dialog, TextDialog) and words in str(dialog.query_one("#edit-error", Static).render())
            await pilot.press("escape")
            assert "update 0/5" in status(app)
        await pilot.press("g")
        await edit(pilot, {"lr": "0.05", "iterations": "2"})
        assert "line 1/11" in status(app) and "lr=0.05" in lesson(app).query_one("#code").text()

    run(body)


def test_chinese_words_and_a_refusal():
    async def body(app, pilot):
        assert "第 0/30 次更新" in status(app) and "书中曲面" in status(app)
        await pilot.press("m")
        assert CJK.search(text(app, "#message")) and "μ 属于动量优化器" in text(app, "#message")
        await pilot.press("g")
        assert "课程中的循环" in lesson(app).query_one("#code").border_title

    run(body, lang="zh")


def test_verification_line_reports_torch_agrees():
    async def body(app, pilot):
        assert (await verification_line(app, pilot)).startswith("✓ torch.optim agrees: max |Δ| = ")

    run(body, real_verifier=True)
