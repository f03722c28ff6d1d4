"""The perceptron lesson driven through the real app with Pilot; assertions on what is on screen.

Expected numbers come from numpy, computed here from the weights the screen shows.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from pilot_support import CJK, AppHost, drive, lesson, one_app_fuzz, status, text
from textual.widgets import Input, Static

from engine.perceptron import PerceptronSpec
from tui.screens.text_dialog import TextDialog
from tui.widgets.keybar import KeyBar
from tui.widgets.perceptron_canvas import Canvas

X = np.array([(0, 0), (1, 0), (0, 1), (1, 1)])


def run(body, setup: PerceptronSpec | None = None, **options) -> None:
    drive(body, lesson="perceptron", setup=setup or PerceptronSpec(), **options)


def canvas(app, selector: str) -> Canvas:
    return lesson(app).query_one(selector, Canvas)


def table_rows(app) -> list[list[str]]:
    return [line.split() for line in canvas(app, "#table").text().splitlines()[1:]]


def current_row(app) -> list[str]:
    return "".join(canvas(app, "#table").styled("current")).split()


def shown_weights(app) -> np.ndarray:
    """w1, w2, b as the weights line shows them."""
    weights = text(app, "#weights").split("·", 1)[1]
    return np.array([float(part.split("=")[1]) for part in weights.split(",")])


def test_steps_go_through_the_four_inputs_with_their_sums():
    async def body(app, pilot):
        assert "input 1/4: x = (0, 0) · AND" in status(app)
        assert text(app, "#equation") == "Σ = 0.5·0 + 0.5·0 + (-0.7) = -0.7 ≤ 0 → y = 0"
        assert current_row(app) == ["0", "0", "-0.7", "0", "0", "✓"]
        await pilot.press("right", "l", "right")
        assert (
            "input 4/4: x = (1, 1)" in status(app)
            and text(app, "#equation") == "Σ = 0.5·1 + 0.5·1 + (-0.7) = 0.3 > 0 → y = 1"
        )
        assert current_row(app) == ["1", "1", "0.3", "1", "1", "✓"]
        assert canvas(app, "#plot").styled("current") == ["1"]  # the point (1, 1), wanted 1, highlighted
        await pilot.press("home")
        assert "input 1/4" in status(app)
        assert "4 of 4 rows right: this line separates AND." in text(app, "#notes")

    run(body)


def test_weight_keys_move_the_line_and_the_table_follows_numpy():
    async def body(app, pilot):
        await pilot.press("b", "b", "b")  # b: -0.7 → -1.0, so Σ(1, 1) is exactly 0
        w1, w2, b = shown_weights(app)
        assert (w1, w2, b) == (0.5, 0.5, -1.0) and text(app, "#message") == "b → -1"
        sums = X @ np.array([w1, w2]) + b
        rows = table_rows(app)
        assert [float(row[2]) for row in rows] == list(sums) and [int(row[3]) for row in rows] == list(
            (sums > 0).astype(int)
        )
        assert rows[3][-1] == "✗" and canvas(app, "#table").styled("wrong") == ["✗"]
        assert "3 of 4 rows right" in text(app, "#notes")
        before = canvas(app, "#plot").text()
        await pilot.press("W", "v", "V", "B")
        assert list(shown_weights(app)) == [0.6, 0.5, -0.9] and canvas(app, "#plot").text() != before

    run(body)


def test_gates_cycle_xor_has_no_line_and_two_layers_step_through_s1_s2():
    async def body(app, pilot):
        for gate in ("OR", "NAND", "XOR"):
            await pilot.press("g")
            assert f"· {gate}" in status(app)
        assert "No single line separates XOR" in text(app, "#notes") and "3 of 4 rows right" in text(app, "#notes")
        await pilot.press("g", "end")
        assert "XOR, two layers" == canvas(app, "#table").border_title
        assert text(app, "#equation").splitlines() == [
            "Σ = (-0.5)·1 + (-0.5)·1 + 0.7 = -0.3 ≤ 0 → s1 = 0",
            "Σ = 0.5·1 + 0.5·1 + (-0.2) = 0.8 > 0 → s2 = 1",
            "Σ = 0.5·0 + 0.5·1 + (-0.7) = -0.2 ≤ 0 → y = 0",
        ]
        assert [row[2:5] for row in table_rows(app)] == [
            ["1", "0", "0"],
            ["1", "1", "1"],
            ["1", "1", "1"],
            ["0", "1", "0"],
        ]
        for key in ("w", "e"):
            await pilot.press(key)
            assert "fixed weights" in text(app, "#message") and "XOR, two layers" == canvas(app, "#table").border_title
        await pilot.press("g")
        assert "· AND" in status(app) and list(shown_weights(app)) == [0.5, 0.5, -0.7]
        await pilot.press("G")
        assert canvas(app, "#table").border_title == "XOR, two layers"

    run(body)


async def type_weights(pilot, w1: str, w2: str, b: str) -> None:
    await pilot.press("e")
    dialog = pilot.app.screen
    assert isinstance(dialog, TextDialog)
    for key, value in (("w1", w1), ("w2", w2), ("b", b)):
        dialog.query_one(f"#edit-{key}", Input).value = value
    await pilot.press("enter")


def test_edit_dialog_applies_weights_and_keeps_bad_text():
    async def body(app, pilot):
        await type_weights(pilot, "1", "1", "-1.5")
        assert not isinstance(app.screen, TextDialog) and list(shown_weights(app)) == [
            1.0,
            1.0,
            -1.5,
        ]
        assert "4 of 4 rows right" in text(app, "#notes")
        for bad, words in (
            ("abc", "'abc', which is not a number"),
            ("12", "between -10 and 10"),
            ("inf", "NaN and infinity"),
            ("0.001", "two decimals"),
        ):
            await type_weights(pilot, bad, "1", "0")
            dialog = app.screen
            assert isinstance(dialog, TextDialog) and words in str(dialog.query_one("#edit-error", Static).render())
            assert dialog.query_one("#edit-w1", Input).value == bad
            await pilot.press("escape")
            assert list(shown_weights(app)) == [1.0, 1.0, -1.5]
        await type_weights(pilot, "10", "0", "0")
        await pilot.press("W")
        assert "Not applied" in text(app, "#message") and list(shown_weights(app)) == [
            10.0,
            0.0,
            0.0,
        ]

    run(body)


def test_chinese_labels_and_errors():
    async def body(app, pilot):
        assert "输入 1/4" in status(app) and "门" in lesson(app).query_one(KeyBar).descriptions()
        await pilot.press("g", "g", "g", "g", "v")
        assert CJK.search(text(app, "#message")) and "固定权重" in text(app, "#message")

    run(body, lang="zh")


def test_random_weight_keys_keep_the_table_equal_to_numpy():
    with AppHost(lesson="perceptron", setup=PerceptronSpec()) as host:

        async def press(app, pilot, keys):
            await pilot.press(*keys)
            return shown_weights(app), table_rows(app)

        @one_app_fuzz(8)
        @given(st.lists(st.sampled_from(list("wWvVbB")), min_size=1, max_size=6))
        def check(keys):
            (w1, w2, b), rows = host.call(lambda app, pilot: press(app, pilot, keys))
            sums = X @ np.array([w1, w2]) + b
            np.testing.assert_allclose([float(row[2]) for row in rows], sums, atol=1e-9)
            assert [int(row[3]) for row in rows] == [int(s > 1e-9) for s in sums]

        check()
