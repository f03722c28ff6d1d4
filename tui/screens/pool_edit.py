"""`e` in the pooling lesson: type the input as text, in the convolution lesson's dialog with one field.

A mistake keeps the dialog open with the message and the text as typed, so
nothing is lost; only a valid input reaches the lesson.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from engine.errors import SpecError
from engine.matrix import format_matrix, parse_matrix
from engine.pool_setup import PoolSetup
from tui.i18n import error_text, t
from tui.screens.edit import EditScreen


class PoolEditScreen(EditScreen):
    """EditScreen's look, keys and buttons; only the fields and what Apply parses differ."""

    DEFAULT_CSS = """
    PoolEditScreen Input:focus { border: none; }
    """

    def __init__(self, setup: PoolSetup, apply: Callable[[np.ndarray], str | None]) -> None:
        super().__init__(setup, apply)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = t("pool_edit.title")
            yield Static(t("edit.hint"))
            yield Label(t("pool_edit.input"))
            yield Input(format_matrix(self._setup.base_input), id="edit-input")
            yield Static(id="edit-error", markup=False)
            with Horizontal():
                yield Button(t("edit.apply"), variant="primary", id="apply")
                yield Button(t("edit.cancel"), id="cancel")

    def _submit(self) -> None:
        error = self.query_one("#edit-error", Static)
        try:
            matrix = parse_matrix(self.query_one("#edit-input", Input).value, "input")
        except SpecError as problem:
            error.update(error_text(problem))
            return
        message = self._apply(matrix)
        if message:
            error.update(message)
        else:
            self.dismiss()
