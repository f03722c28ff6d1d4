"""The classic-CNN lesson driven through the real app with Pilot; assertions on what is on screen.

Expected rows and formulas come from engine.arch (checked against torch in test_arch_engine.py);
only torch's own words are spelled out.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pilot_support import CJK, AppHost, drive, one_app_fuzz, status, text
from subprocess_support import last_json
from textual.widgets import Input

from engine.arch import compact, grouped
from engine.arch_nets import ArchSpec, arch_trace
from tui.screens.arch import ArchScreen
from tui.screens.text_dialog import TextDialog
from tui.text.arch import detail_lines
from tui.widgets.arch_table import ArchTable


def run(body, setup: ArchSpec | None = None, **options) -> None:
    drive(body, lesson="arch", setup=setup or ArchSpec(), **options)


def table(app) -> ArchTable:
    return next(s for s in app.screen_stack if isinstance(s, ArchScreen)).query_one("#table", ArchTable)


def current_row(app) -> str:
    rows = table(app)
    return rows.row_text(rows.current)


async def type_size(pilot, app, value: str) -> None:
    await pilot.press("e")
    await pilot.pause()
    app.screen.query_one(Input).value = value
    await pilot.press("enter")
    await pilot.pause()


def test_the_first_layer_with_its_formulas_and_totals():
    trace = arch_trace(ArchSpec())
    conv = trace.step(0)

    async def body(app, pilot):
        assert "layer 1/12 · LeNet-5 · input 32×32" in status(app)
        assert "1998" in text(app, "#history")
        assert table(app).row_text(0).split() == ["input", "1×32×32"]
        assert current_row(app).split() == [
            "▶",
            "conv",
            "5×5",
            "6×28×28",
            "156",
            "118K",
        ]
        assert text(app, "#call") == "Conv2d(1, 6, 5)"
        detail = text(app, "#detail")
        assert detail.splitlines() == detail_lines(conv)
        assert (
            "⌊(H+2P−K)/S⌋+1 = ⌊(32 + 2·0 − 5)/1⌋ + 1 = 28" in detail
            and "K·K·Cin·Cout+Cout = 5·5·1·6 + 6 = 156" in detail
        )
        assert "MACs = (28·28·6)·(5·5·1) = 117,600" in detail
        assert (
            text(app, "#totals")
            == f"Σ params 156 / {grouped(trace.total_params)} · MACs 118K / {compact(trace.total_macs)}"
        )

    run(body)


def test_steps_move_the_marked_row_and_the_running_totals():
    trace = arch_trace(ArchSpec("alexnet"))

    async def body(app, pilot):
        await pilot.press("right", "l", "right")
        assert "layer 4/22" in status(app) and table(app).current == 4
        assert current_row(app).startswith("▶ conv") and text(app, "#call") == trace.step(3).call
        assert f"Σ params {compact(trace.params_so_far[3])} /" in text(app, "#totals")
        await pilot.press("left")
        assert text(app, "#detail").splitlines() == detail_lines(trace.step(2))
        assert "keeps each window's largest number" in text(app, "#detail")
        await pilot.press("end")
        assert "layer 22/22" in status(app) and text(app, "#call") == "Linear(4096, 1000)"
        assert f"Σ params {compact(trace.total_params)} / 61,100,840" in text(app, "#totals")
        await pilot.press("home")
        assert "layer 1/22" in status(app)

    run(body, ArchSpec("alexnet"))


def test_the_table_scrolls_to_follow_the_current_layer():
    async def body(app, pilot):
        rows = table(app)
        assert rows.header_text().split() == [
            "type",
            "config",
            "output",
            "params",
            "MACs",
        ]
        assert 0 in rows.visible_rows() and 40 not in rows.visible_rows()
        await pilot.press("end")
        await pilot.pause()
        assert 40 in rows.visible_rows() and rows.current == 40
        assert rows.row_text(40).split()[:3] == ["▶", "linear", "4096→1000"]
        await pilot.press("home")
        await pilot.pause()
        assert 1 in rows.visible_rows()

    run(body, ArchSpec("vgg16"))


def test_n_N_and_digits_switch_the_network_and_start_at_its_first_layer():
    async def body(app, pilot):
        await pilot.press("right", "right", "n")
        assert "layer 1/22 · AlexNet" in status(app) and "→ AlexNet (2012), input 224×224" in text(app, "#message")
        assert "ImageNet" in text(app, "#history")
        await pilot.press("n", "n")
        assert "GoogLeNet" in status(app) and "layer 1/20" in status(app)
        await pilot.press("n")
        assert "LeNet-5" in status(app)
        await pilot.press("N")
        assert "GoogLeNet" in status(app)
        await pilot.press("3")
        assert "VGG-16" in status(app) and "3×3" in text(app, "#history") and "layer 1/40" in status(app)
        await pilot.press("1")
        assert "LeNet-5" in status(app)

    run(body)


def test_stepping_onto_an_inception_block_draws_its_branches_and_the_concatenation():
    trace = arch_trace(ArchSpec("googlenet"))

    async def body(app, pilot):
        await pilot.press(*["right"] * 5)
        assert "layer 6/20" in status(app) and current_row(app).split()[:3] == [
            "▶",
            "inception",
            "3a",
        ]
        assert text(app, "#call") == "Inception(192, 64, 96, 128, 16, 32, 32)"
        lines = text(app, "#detail").splitlines()
        assert lines == detail_lines(trace.step(5))
        assert lines[0] == "192×28×28 → four branches side by side:"
        assert lines[1].split("│")[1:] == [
            " " * 11,
            " 1×1 → 96  ",
            " 1×1 → 16  ",
            " max 3×3/1",
        ]
        assert lines[2].split("│")[1:] == [
            " 1×1 → 64  ",
            " 3×3 → 128 ",
            " 3×3 → 32  ",
            " 1×1 → 32",
        ]
        assert lines[3] == "└ concat: 64 + 128 + 32 + 32 = 256 → 256×28×28"
        assert lines[4] == "params 12.4K + 129K + 7.78K + 6.21K = 155,872"
        await pilot.press("right")
        assert "480×28×28" in text(app, "#detail")

    run(body, ArchSpec("googlenet"))


def test_a_typed_input_size_rebuilds_the_table():
    trace = arch_trace(ArchSpec("alexnet", 100))

    async def body(app, pilot):
        await type_size(pilot, app, "100")
        assert not isinstance(app.screen, TextDialog)
        assert "input 100×100" in status(app) and "input size → 100×100" in text(app, "#message")
        assert table(app).row_text(0).split() == ["input", "3×100×100"]
        assert [table(app).row_text(i).split()[-3] for i in (1, 3, 13)] == [
            trace.rows[i - 1].out_text for i in (1, 3, 13)
        ]
        await pilot.press("end")
        assert "Σ params 61.1M / 61,100,840" in text(app, "#totals")
        await pilot.press("r")
        assert "input 224×224" in status(app)

    run(body, ArchSpec("alexnet"))


def test_bad_sizes_keep_the_dialog_open_with_torchs_reason_and_change_nothing():
    async def body(app, pilot):
        before = status(app)
        await type_size(pilot, app, "28")
        dialog = app.screen
        assert isinstance(dialog, TextDialog) and dialog.query_one(Input).value == "28"
        error = str(dialog.query_one("#edit-error").render())
        assert "mat1 and mat2 shapes cannot be multiplied (1x256 and 400x120)" in error and "fc1" in error
        for typed, words in [
            ("abc", "whole number, not 'abc'"),
            ("0", "at least 1"),
            ("5000", "at most 1024"),
            ("3", "Kernel size can't be greater"),
        ]:
            dialog.query_one(Input).value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert words in str(dialog.query_one("#edit-error").render())
        await pilot.press("escape")
        assert status(app) == before and "input 32×32" in status(app)

    run(body)


def test_play_walks_the_layers():
    async def body(app, pilot):
        await pilot.press("space")
        assert status(app).startswith("▶")
        await pilot.pause(0.7)
        assert "layer 1/12" not in status(app)
        await pilot.press("space")
        assert status(app).startswith("‖")

    run(body)


def test_the_current_row_reads_without_colour():
    async def body(app, pilot):
        style = table(app).get_component_rich_style("arch-table--current")
        assert style.reverse and style.bold and current_row(app).startswith("▶ ")

    run(body)


def test_chinese_words_and_the_same_numbers():
    async def body(app, pilot):
        assert "第 1/22 层" in status(app) and CJK.search(text(app, "#history"))
        assert table(app).header_text().split() == [
            "类型",
            "配置",
            "输出",
            "参数",
            "乘加",
        ]
        assert text(app, "#call") == "Conv2d(3, 64, 11, stride=4, padding=2)"
        assert "乘加 = (55·55·64)·(11·11·3) = 70,276,800" in text(app, "#detail")

    run(body, ArchSpec("alexnet"), lang="zh")


UI_PROCESS = """
import asyncio, json, sys
sys.path.insert(0, "tests")
from engine.arch_nets import ArchSpec
from pilot_support import drive, verification_line

async def body(app, pilot):
    line = await verification_line(app, pilot)
    print(json.dumps({"verify": line, "torch in the UI process": "torch" in sys.modules}))

drive(body, lesson="arch", setup=ArchSpec("googlenet"), real_verifier=True)
"""


def test_the_real_torch_check_agrees_and_torch_stays_out_of_the_ui_process():
    """engine.arch_check is imported by the app (for spec_to_json): it must not pull torch in with it."""
    seen = last_json(UI_PROCESS)
    assert seen["torch in the UI process"] is False
    assert "✓" in seen["verify"] and "torch.nn on the meta device" in seen["verify"] and "= 0" in seen["verify"]


KEYS = st.lists(
    st.sampled_from(["right", "left", "home", "end", "n", "N", "1", "2", "3", "4"]),
    min_size=1,
    max_size=5,
)
TYPED = st.one_of(st.integers(-5, 1100).map(str), st.text(st.characters(codec="utf-8"), max_size=6))


def test_any_keys_or_typed_size_keep_table_status_and_formulas_in_step():
    """One app for all examples: keys move the step and the network; a typed size is adopted or refused, never a crash."""
    with AppHost(lesson="arch", setup=ArchSpec()) as host:

        async def shown(app, pilot):
            screen = next(s for s in app.screen_stack if isinstance(s, ArchScreen))
            trace, index = arch_trace(screen.setup), screen.index
            assert f"layer {index + 1}/{trace.step_count} · {screen.setup.net.title}" in status(app)
            assert table(app).current == index + 1 and table(app).row_text(index + 1).startswith("▶")
            assert table(app).row_text(0).split()[-1] == "×".join(map(str, screen.setup.input_shape))
            assert text(app, "#call") == trace.step(index).call
            assert text(app, "#detail").splitlines() == detail_lines(trace.step(index))
            return screen.setup

        async def keys_then_size(app, pilot, keys, typed):
            await pilot.press(*keys)
            before = await shown(app, pilot)
            await type_size(pilot, app, typed)
            if isinstance(app.screen, TextDialog):
                assert str(app.screen.query_one("#edit-error").render())
                await pilot.press("escape")
                assert await shown(app, pilot) == before
            else:
                assert await shown(app, pilot) == ArchSpec(before.network, int(typed))
            return app.is_running

        @one_app_fuzz(8)
        @given(keys=KEYS, typed=TYPED)
        def check(keys, typed):
            assert host.call(lambda app, pilot: keys_then_size(app, pilot, keys, typed))

        check()
