"""The matrix shapes lesson's edit dialog, driven through the real app with Pilot: typed shapes and numbers, bad text.

Expected numbers and sentences come from engine and the lesson's own text
functions, so rewording does not break these tests; NumPy's and PyTorch's words
are compared with what those libraries raise.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pilot_support import AppHost
from test_tui_matmul import run, screen, text
from textual.widgets import Input, Static

from engine.errors import SpecError
from engine.matmul import matmul_trace
from engine.matmul_shapes import parse_shape
from engine.matmul_spec import MatmulSpec
from tui.i18n import error_text
from tui.screens.matmul import MatmulScreen
from tui.screens.text_dialog import TextDialog


async def edit(pilot, typing: bool = False, **typed: str) -> None:
    """Press e, replace the named fields (by typing them, or as typing would leave them), press Enter."""
    await pilot.press("e")
    dialog = pilot.app.screen
    assert isinstance(dialog, TextDialog)
    for name, value in typed.items():
        field = dialog.query_one(f"#edit-{name}", Input)
        if typing:
            field.focus()
            await pilot.pause()
            await pilot.press("end", "ctrl+u", *value)
        else:
            field.value = value
    dialog.query_one("#edit-b", Input).focus()
    await pilot.press("enter")


def test_edit_applies_shapes_and_numbers():
    async def body(app, pilot):
        await edit(pilot, typing=True, x_shape="1x2", w_shape="(2,2)", x="3 4")
        # W's numbers no longer fit
        assert "rows" in str(app.screen.query_one("#edit-error", Static).render())
        await pilot.press("escape")
        await edit(pilot, x_shape="1x2", w_shape="(2, 2)", x="3 4", w="1 0; 0 1", b="0.5 -1")
        assert isinstance(app.screen, MatmulScreen)
        assert "custom" in text(app, "#status") and "typed" in text(app, "#status")
        await pilot.press("end")
        assert text(app, "#explain") == "A[0,1] = X[0,:]·W[:,1] + B[1]\n  = 3×0 + 4×1 + (-1) = 3"
        await edit(pilot, x_shape="2,3", w_shape="4,5", x="", w="", b="")
        # a mismatch typed in the dialog is a lesson too
        assert "inner 3 ≠ 4 ✗" in text(app, "#rules")

    run(body)


def test_edit_keeps_bad_text_and_the_lesson():
    async def body(app, pilot):
        before = (text(app, "#status"), text(app, "#rules"))
        cases = [
            ({"x_shape": "2,a"}, lambda: parse_shape("2,a", "matmul_x")),
            ({"w_shape": "(3, 4"}, lambda: parse_shape("(3, 4", "matmul_w")),
            (
                {"x": "1 2; 3"},
                lambda: MatmulSpec().with_typed((2, 3), (3, 4), "1 2; 3", "", ""),
            ),
            (
                {"x": "1 2 3"},
                lambda: MatmulSpec().with_typed((2, 3), (3, 4), "1 2 3", "", ""),
            ),
            (
                {"b": "1 2"},
                lambda: MatmulSpec().with_typed((2, 3), (3, 4), "", "", "1 2"),
            ),
        ]
        for typed, cause in cases:
            await edit(pilot, **typed)
            dialog = app.screen
            assert isinstance(dialog, TextDialog), typed
            try:
                cause()
            except SpecError as error:
                expected = error_text(error)
            assert str(dialog.query_one("#edit-error", Static).render()) == expected
            for name, value in typed.items():
                assert dialog.query_one(f"#edit-{name}", Input).value == value
            await pilot.press("escape")
            assert isinstance(app.screen, MatmulScreen) and (text(app, "#status"), text(app, "#rules")) == before

    run(body)


TYPED_CHARS = st.sampled_from(list("0123456789 ,;()[]x×-.eanif"))
shape_text = st.one_of(
    st.lists(st.integers(0, 5), max_size=4).map(lambda s: ",".join(map(str, s))),
    st.text(TYPED_CHARS, max_size=10),
    st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=8),
)
numbers_text = st.one_of(st.just(""), st.text(TYPED_CHARS, max_size=16), st.text(max_size=8))


@pytest.fixture(scope="module")
def host():
    with AppHost(lesson="matmul", setup=MatmulSpec()) as running:
        yield running


def expected_outcome(spec: MatmulSpec, typed: dict[str, str]):
    """What engine says the dialog should do: the new trace, or the message to show."""
    try:
        new = spec.with_typed(
            parse_shape(typed["x_shape"], "matmul_x"),
            parse_shape(typed["w_shape"], "matmul_w"),
            typed["x"],
            typed["w"],
            typed["b"],
        )
        return matmul_trace(new), None
    except SpecError as error:
        return None, error_text(error)


@settings(
    derandomize=True,
    deadline=None,
    max_examples=700,
    suppress_health_check=list(HealthCheck),
)
@given(
    st.fixed_dictionaries(
        {
            "x_shape": shape_text,
            "w_shape": shape_text,
            "x": numbers_text,
            "w": numbers_text,
            "b": numbers_text,
        }
    )
)
def test_random_text_in_the_dialog_never_crashes_and_never_loses_the_lesson(host, typed):
    async def submit(app, pilot):
        lesson = screen(app)
        before = (lesson.setup, lesson.index, text(app, "#status"))
        trace, message = expected_outcome(lesson.setup, typed)
        refused = lesson._try_edit(typed)
        assert (error_text(refused) if refused else None) == message
        if message:
            assert (lesson.setup, lesson.index, text(app, "#status")) == before
        else:
            assert lesson.trace.check == trace.check and f"/{trace.step_count} " in text(app, "#status")
        return app.is_running

    assert host.call(submit)
