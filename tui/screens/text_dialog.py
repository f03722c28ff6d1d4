"""The one dialog every lesson types into: a few labelled text fields, Apply and Cancel.

The lesson hands in an `apply` function that parses the texts with engine and
either adopts them (returns None: the dialog closes) or returns why not (a
SpecError or a message: the dialog stays open with the text as typed and the
message below, so nothing is lost). A SpecError with a `column` parameter also
gets a caret under that column of its field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from engine.errors import SpecError
from tui.i18n import error_text, t, visible


@dataclass(frozen=True)
class Field:
    """One text field: `key` names it in what apply() receives and in its widget id (`#edit-<key>`)."""

    key: str
    label: str
    value: str


Apply = Callable[[Mapping[str, str]], "SpecError | str | None"]


def caret(text: str, column: int) -> str:
    """The text with a ^ under column `column` (1-based), as compilers point at a mistake.

    Control characters are written as their escapes (`\\x1b`), and the caret moves with them.
    """
    return f"{visible(text)}\n{' ' * cell_len(visible(text[: column - 1]))}^"


class TextDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", show=False)]

    DEFAULT_CSS = """
    TextDialog { align: center middle; }
    TextDialog > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    TextDialog Input, TextDialog Input:focus { border: none; height: 1; padding: 0 1; }
    TextDialog Input:focus { background: $boost; }
    TextDialog Label { color: $text-muted; margin-top: 1; }
    TextDialog #edit-pointer { color: $error; height: auto; }
    TextDialog #edit-error { color: $error; text-style: bold; height: auto; margin-top: 1; }
    TextDialog Horizontal { height: auto; align-horizontal: right; }
    TextDialog Button { margin-left: 1; min-width: 10; }
    """

    def __init__(self, title: str, hint: str, fields: Sequence[Field], apply: Apply) -> None:
        super().__init__()
        self._title, self._hint, self._fields, self._apply = title, hint, fields, apply

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self._title
            yield Static(self._hint, markup=False)
            for field in self._fields:
                yield Label(field.label, markup=False)
                yield Input(field.value, id=f"edit-{field.key}")
            yield Static(id="edit-pointer", markup=False)
            yield Static(id="edit-error", markup=False)
            with Horizontal():
                yield Button(t("edit.apply"), variant="primary", id="apply")
                yield Button(t("edit.cancel"), id="cancel")

    def texts(self) -> dict[str, str]:
        return {field.key: self.query_one(f"#edit-{field.key}", Input).value for field in self._fields}

    def on_input_submitted(self) -> None:
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self._submit()
        else:
            self.dismiss()

    def _submit(self) -> None:
        texts = self.texts()
        problem = self._apply(texts)
        if problem is None:
            self.dismiss()
            return
        pointer = ""
        if isinstance(problem, SpecError):
            column = problem.params.get("column")
            if isinstance(column, int) and len(self._fields) == 1:
                pointer = caret(texts[self._fields[0].key], column)
            problem = error_text(problem)
        self.query_one("#edit-pointer", Static).update(pointer)
        self.query_one("#edit-error", Static).update(problem)
