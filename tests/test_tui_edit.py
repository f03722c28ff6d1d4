"""The edit dialog (e): valid text is applied, invalid text keeps the dialog open with the message.

The expected messages are engine's SpecError in the catalogue's words, so
rewording a message does not break these tests.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from pilot_support import TORCH_KERNEL, AppHost, drive, one_app_fuzz, status, text
from spec_errors import spec_error
from textual.widgets import Input, Static

from engine.conv import conv_trace
from engine.conv_setup import ConvSetup
from engine.errors import SpecError
from engine.matrix import parse_matrix, parse_vector
from tui.i18n import error_text
from tui.screens.conv import ConvScreen
from tui.screens.text_dialog import TextDialog


async def edit(pilot, input_text: str, kernel_text: str, bias_text: str) -> None:
    """Press e, replace the three fields by typing, press Enter."""
    await pilot.press("e")
    assert isinstance(pilot.app.screen, TextDialog)
    for selector, typed in (
        ("#edit-input", input_text),
        ("#edit-kernel", kernel_text),
        ("#edit-bias", bias_text),
    ):
        pilot.app.screen.query_one(selector, Input).focus()
        await pilot.pause()
        await pilot.press("end", "ctrl+u", *typed)
    await pilot.press("enter")


def test_edit_dialog_applies_a_valid_setup():
    async def body(app, pilot):
        await edit(pilot, "1 2 3; 4 5 6; 7 8 9", "1 0; 0 -1", "0.5")
        assert isinstance(app.screen, ConvScreen)
        assert "step 1/4" in status(app) and "K=2" in status(app)
        assert text(app, "#equation") == "out[0,0] = 1×1 + 2×0 + 4×0 + 5×(-1) + 0.5 = -3.5"

    drive(body)


FOUR = "1 1 1 1; 1 1 1 1; 1 1 1 1; 1 1 1 1"  # larger than the 3×3 input it is typed with
INVALID_EDITS = [
    ("1 2; 3", "1 0; 0 -1", "0", lambda: parse_matrix("1 2; 3", "input")),
    ("1 2; 3 4", "1 x", "0", lambda: parse_matrix("1 x", "kernel")),
    ("1 2; 3 4", "1", "nan", lambda: parse_vector("nan", "bias")),
    (
        "1 2 3; 4 5 6; 7 8 9",
        FOUR,
        "0",
        lambda: (
            ConvSetup()
            .with_custom(
                parse_matrix("1 2 3; 4 5 6; 7 8 9", "input"),
                parse_matrix(FOUR, "kernel"),
                (),
            )
            .spec()
        ),
    ),
]


def test_edit_dialog_keeps_invalid_text_and_the_lesson_unchanged():
    async def body(app, pilot):
        before = (status(app), text(app, "#equation"))
        for number, (input_text, kernel_text, bias_text, cause) in enumerate(INVALID_EDITS):
            if number == 0:  # typed key by key, as a student would; the others filled in at once (typing is slow)
                await edit(pilot, input_text, kernel_text, bias_text)
            else:
                await submit(app, pilot, (input_text, kernel_text, bias_text))
            dialog = app.screen
            assert isinstance(dialog, TextDialog), input_text
            shown = str(dialog.query_one("#edit-error", Static).render())
            assert shown == error_text(spec_error(cause))
            typed = [dialog.query_one(s, Input).value for s in ("#edit-input", "#edit-kernel", "#edit-bias")]
            assert typed == [input_text, kernel_text, bias_text]
            await pilot.press("escape")
            assert isinstance(app.screen, ConvScreen)
            assert (status(app), text(app, "#equation")) == before
        assert TORCH_KERNEL in shown  # the last case quotes torch

    drive(body)


# Random text in the edit dialog ------------------------------------------------


FIELDS = ("#edit-input", "#edit-kernel", "#edit-bias")
TYPED_CHARS = st.sampled_from(list("0123456789 ;,.-+eEnaifx[]"))


@st.composite
def matrix_text(draw, square: bool, max_side: int) -> str:
    height = draw(st.integers(1, max_side))
    width = height if square else draw(st.integers(1, max_side))
    rows = [" ".join(str(draw(st.integers(-9, 9))) for _ in range(width)) for _ in range(height)]
    return "; ".join(rows)


def field(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        valid,
        st.text(TYPED_CHARS, max_size=16),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=8),
    )


async def submit(app, pilot, texts):
    """Fill the three fields (as typing would leave them), press Enter, report what is on screen."""
    if not isinstance(app.screen, TextDialog):
        await pilot.press("e")
    dialog = app.screen
    for selector, value in zip(FIELDS, texts):
        dialog.query_one(selector, Input).value = value
    dialog.query_one("#edit-bias", Input).focus()
    await pilot.press("enter")
    still_open = isinstance(app.screen, TextDialog)
    error = str(dialog.query_one("#edit-error", Static).render()) if still_open else None
    return app.is_running, still_open, error, status(app), text(app, "#equation")


async def lesson_lines(app, pilot):
    return status(app), text(app, "#equation")


def outcome(setup: ConvSetup, texts):
    """What engine says the dialog should do: (new setup, trace) or (None, message)."""
    try:
        matrices = (
            parse_matrix(texts[0], "input"),
            parse_matrix(texts[1], "kernel"),
            tuple(parse_vector(texts[2], "bias")),
        )
        new = setup.with_custom(*matrices)
        return new, conv_trace(new.spec())
    except SpecError as error:
        return None, error_text(error)


def test_random_text_in_the_edit_dialog_never_breaks_the_lesson():
    with AppHost() as host:
        state = {"setup": ConvSetup(), "screen": host.call(lesson_lines)}

        @one_app_fuzz(60)
        @given(
            field(matrix_text(False, 5)),
            field(matrix_text(True, 3)),
            field(st.sampled_from(["", "0", "1.5", "-2"])),
        )
        def check(input_text, kernel_text, bias_text):
            texts = (input_text, kernel_text, bias_text)
            running, still_open, error, shown_status, equation = host.call(lambda app, pilot: submit(app, pilot, texts))
            assert running
            new, result = outcome(state["setup"], texts)
            if new is None:
                assert still_open and error == result
                assert (shown_status, equation) == state["screen"]
            else:
                assert not still_open
                number = int(re.search(r"(\d+)/(\d+)", shown_status).group(1))
                assert f"/{result.step_count} " in shown_status and f"K={result.spec.kernel_size}" in shown_status
                assert equation == result.step(number - 1).equation
                state["setup"], state["screen"] = new, (shown_status, equation)

        check()
