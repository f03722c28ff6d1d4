"""The nn.Module lesson driven through the real app with Pilot; assertions on what is on screen.

Expected shapes, counts and lines come from engine.module (checked against torch in test_module_engine.py)
or from torch directly; only torch's own words are never written here.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pilot_support import AppHost, drive, one_app_fuzz, status, text
from textual.widgets import Input

from engine.module import ModuleSetup, module_trace
from engine.module_simple import SimpleConvSpec
from engine.module_torch import simple_error
from tui.screens.module import ModuleScreen
from tui.screens.text_dialog import TextDialog
from tui.text.module import detail_lines
from tui.widgets.arch_table import ArchTable
from tui.widgets.source_view import SourceView


def run(body, setup: ModuleSetup | None = None, **options) -> None:
    drive(body, lesson="module", setup=setup or ModuleSetup(), **options)


def screen(app) -> ModuleScreen:
    return next(s for s in app.screen_stack if isinstance(s, ModuleScreen))


def table(app) -> ArchTable:
    return screen(app).query_one("#table", ArchTable)


def source(app) -> SourceView:
    return screen(app).query_one("#source", SourceView)


def current_row(app) -> list[str]:
    rows = table(app)
    return rows.row_text(rows.current).split()


async def type_arguments(pilot, app, value: str) -> None:
    await pilot.press("e")
    await pilot.pause()
    app.screen.query_one(Input).value = value
    await pilot.press("enter")
    await pilot.pause()


def test_stepping_marks_the_running_line_its_call_and_where_the_module_was_built():
    trace = module_trace(ModuleSetup())

    async def body(app, pilot):
        assert "call 1/12 · line 16 · Σ params 456 / 62,006" in status(app)
        assert source(app).line_text(16).startswith("▶") and source(app).line_text(8).startswith("•")
        assert current_row(app) == ["▶", "conv1", "4×6×28×28", "456"]
        await pilot.press(*["right"] * 5)
        await pilot.pause()
        assert "call 6/12 · line 17" in status(app) and current_row(app) == ["▶", "pool", "4×16×5×5", "–"]
        assert source(app).line_text(9).startswith("•") and {9, 17} <= set(source(app).visible_lines())
        assert text(app, "#detail").splitlines() == detail_lines(trace, 5) and "self.pool again" in text(app, "#detail")
        await pilot.press("right")
        assert current_row(app) == ["▶", "x.view", "4×400", "–"] and "-1 = 4·16·5·5 / 400 = 1,600 / 400 = 4" in text(
            app, "#detail"
        )
        await pilot.press("end")
        assert "call 12/12 · line 21 · Σ params 62,006 / 62,006" in status(app)
        styles = [source(app).get_component_rich_style(f"source-view--{name}") for name in ("current", "call")]
        assert all(style.reverse and style.bold for style in styles) and styles[1].underline  # no colour needed

    run(body)


def test_parameters_view_and_the_zero_grad_story():
    async def body(app, pilot):
        await pilot.press("right", "right", "right", "v")
        assert "parameter 3/10" in status(app) and current_row(app)[:4] == ["▶", "conv2.weight", "16×6×5×5", "2,400"]
        assert source(app).line_text(10).startswith("▶")  # self.conv2 = nn.Conv2d(6, 16, 5)
        assert "conv2.weight: shape 16×6×5×5, numel() = 16·6·5·5 = 2,400" in text(app, "#detail")
        grads = []
        for _ in range(4):
            grads.append(current_row(app)[-1])
            await pilot.press("g")
        assert grads == ["None", "tensor", "None", "zeros"] and "ran net = Net()" in text(app, "#message")
        await pilot.press("g", "g")
        assert "ran net.zero_grad()" in text(app, "#message") and "set_to_none=True since PyTorch 2.0" in text(
            app, "#detail"
        )
        await pilot.press("v")
        assert "call 4/12 · line 17" in status(app)  # back on conv2's call

    run(body)


def test_simple_conv_net_keys_skip_what_the_book_cannot_run_and_the_dialog_refuses_with_torchs_words():
    async def body(app, pilot):
        await pilot.press("k")
        assert "filter_size is a SimpleConvNet setting: press m" in text(app, "#message")
        await pilot.press("m")
        assert "layer 1/7 · Σ params 780 / 433,890" in status(app)
        assert "║Conv║" in text(app, "#diagram") and not source(app).display
        await pilot.press("k")
        assert "filter_size → 3 (4 skipped" in text(app, "#message") and "508,410 parameters" in text(app, "#message")
        await type_arguments(pilot, app, "filter_size=4")
        dialog = app.screen
        assert isinstance(dialog, TextDialog) and "filter_size goes inside conv_param" in str(
            dialog.query_one("#edit-error").render()
        )
        dialog.query_one(Input).value = "conv_param={'filter_num': 30, 'filter_size': 4, 'pad': 0, 'stride': 1}"
        await pilot.press("enter")
        await pilot.pause()
        options = {"input_dim": (1, 28, 28), "filter_num": 30, "pad": 0, "stride": 1, "hidden_size": 100}
        assert simple_error({**options, "filter_size": 4, "output_size": 10, "weight_init_std": 0.01}) in str(
            dialog.query_one("#edit-error").render()
        )
        dialog.query_one(Input).value = "hidden_size=1.5"
        await pilot.press("enter")
        await pilot.pause()
        assert str(dialog.query_one("#edit-pointer").render()) == "hidden_size=1.5\n            ^"
        await pilot.press("escape")
        assert screen(app).setup.simple == SimpleConvSpec(filter_size=3)
        await type_arguments(pilot, app, "hidden_size=50, input_dim=(3, 32, 32)")
        assert screen(app).setup.simple == SimpleConvSpec(input_dim=(3, 32, 32), hidden_size=50)
        assert table(app).row_text(0).split() == ["x", "3×32×32"]

    run(body)


KEYS = st.lists(
    st.sampled_from(["right", "left", "end", "m", "v", "g", "k", "K", "s", "p", "P", "c", "i", "I", "b", "B", "r"]),
    max_size=6,
)


def test_any_keys_keep_the_table_the_source_and_the_status_in_step():
    """One app for all examples: whatever is pressed, what is drawn is the trace of the setup kept."""
    with AppHost(lesson="module", setup=ModuleSetup()) as host:

        async def pressed(app, pilot, keys):
            await pilot.press(*keys)
            lesson = screen(app)
            trace, index = module_trace(lesson.setup), lesson.index
            assert f"{index + 1}/{trace.step_count}" in status(app) and table(app).current == index + 1
            assert text(app, "#detail").splitlines() == detail_lines(trace, index)
            if lesson.setup.model == "net":
                row = trace.row_at(index)
                marked = row.line if lesson.setup.view == "layers" else row.defined_at
                assert source(app).line_text(marked).startswith("▶")
            return app.is_running

        @one_app_fuzz(6)
        @given(keys=KEYS)
        def check(keys):
            assert host.call(lambda app, pilot: pressed(app, pilot, keys))

        check()
