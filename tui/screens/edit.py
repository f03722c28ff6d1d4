"""`e` in the convolution lesson: type the input, kernel and bias as text.

A mistake keeps the dialog open with the message and the text as typed, so
nothing is lost; only a valid setup reaches the lesson.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from engine.conv_setup import ConvSetup
from engine.errors import SpecError
from engine.matrix import fmt_exact, format_matrix, parse_matrix, parse_vector
from tui.i18n import error_text, t


@dataclass(frozen=True)
class EditResult:
    input: np.ndarray
    kernel: np.ndarray
    bias: tuple[float, ...]


class EditScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", show=False)]

    DEFAULT_CSS = """
    EditScreen { align: center middle; }
    EditScreen > Vertical {
        width: 76; max-width: 100%; height: auto;
        border: round $accent; padding: 0 1; background: $surface;
    }
    EditScreen Input, EditScreen Input:focus { border: none; height: 1; padding: 0 1; margin-bottom: 1; }
    EditScreen Label { color: $text-muted; }
    EditScreen #edit-error { color: $error; text-style: bold; height: auto; }
    EditScreen Horizontal { height: auto; align-horizontal: right; }
    EditScreen Button { margin-left: 1; min-width: 10; }
    """

    def __init__(self, setup: ConvSetup, apply: Callable[[EditResult], str | None]) -> None:
        super().__init__()
        self._setup = setup
        self._apply = apply

    def compose(self) -> ComposeResult:
        bias = " ".join(fmt_exact(b) for b in self._setup.spec().bias)
        with Vertical() as box:
            box.border_title = t("edit.title")
            yield Static(t("edit.hint"))
            yield Label(t("edit.input"))
            yield Input(format_matrix(self._setup.base_input), id="edit-input")
            yield Label(t("edit.kernel"))
            yield Input(format_matrix(self._setup.base_kernel), id="edit-kernel")
            yield Label(t("edit.bias"))
            yield Input(bias, id="edit-bias")
            yield Static(id="edit-error", markup=False)
            with Horizontal():
                yield Button(t("edit.apply"), variant="primary", id="apply")
                yield Button(t("edit.cancel"), id="cancel")

    def on_input_submitted(self) -> None:
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self._submit()
        else:
            self.dismiss()

    def _submit(self) -> None:
        error = self.query_one("#edit-error", Static)
        try:
            result = EditResult(
                input=parse_matrix(self.query_one("#edit-input", Input).value, "input"),
                kernel=parse_matrix(self.query_one("#edit-kernel", Input).value, "kernel"),
                bias=tuple(parse_vector(self.query_one("#edit-bias", Input).value, "bias")),
            )
        except SpecError as problem:
            error.update(error_text(problem))
            return
        message = self._apply(result)
        if message:
            error.update(message)
        else:
            self.dismiss()
