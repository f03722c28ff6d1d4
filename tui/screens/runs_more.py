"""The question before more epochs are added to a past run (a on the runs page): how many, typed and checked."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from engine.errors import SpecError
from engine.train.config import parse_whole
from tui.i18n import error_text
from tui.widgets.text import Line

MAX_MORE_EPOCHS = 10_000
DEFAULT_MORE_EPOCHS = 5


class AskMoreEpochs(ModalScreen[int | None]):
    """Enter with a whole number from 1 to MAX_MORE_EPOCHS answers it; anything else is refused in place, saying
    why, and Esc keeps the run as it is (None)."""

    BINDINGS = [Binding("escape", "cancel", show=False)]
    DEFAULT_CSS = """
    AskMoreEpochs { align: center middle; }
    AskMoreEpochs > Vertical {
        width: 64; max-width: 100%; height: auto; border: round $accent; padding: 0 1; background: $surface;
    }
    AskMoreEpochs Line { height: auto; }
    AskMoreEpochs #more-refused { color: $error; text-style: bold; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Line(id="more-question", markup=False)
            yield Input(str(DEFAULT_MORE_EPOCHS), id="more-epochs")
            yield Line(id="more-refused", markup=False)

    def on_mount(self) -> None:
        self.query_one("#more-question", Line).show(self.question)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            count = more_epochs(event.value)
        except SpecError as error:
            self.query_one("#more-refused", Line).show(error_text(error))
            return
        self.dismiss(count)

    def action_cancel(self) -> None:
        self.dismiss(None)


def more_epochs(text: str) -> int:
    """How many epochs to add, as typed: a whole number from 1 to MAX_MORE_EPOCHS, else SpecError saying so."""
    value = parse_whole(text.strip(), "epochs")
    if not isinstance(value, int) or not 1 <= value <= MAX_MORE_EPOCHS:
        raise SpecError("train_between", what="epochs", low=1, high=MAX_MORE_EPOCHS, value=text.strip())
    return value
