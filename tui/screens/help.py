"""`?` / F1: what the current screen is for and every key it takes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.i18n import t
from tui.keys import key_label


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,f1,q", "dismiss", show=False)]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 72; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    HelpScreen .help-keys { margin-top: 1; }
    """

    def __init__(self, screen_title: str, intro: str, bindings: list[Binding]) -> None:
        super().__init__()
        self._title = screen_title
        self._intro = intro
        self._bindings_shown = bindings

    def compose(self) -> ComposeResult:
        rows = [f"{key_label(b):>12}  {b.description}" for b in self._bindings_shown]
        with VerticalScroll() as scroll:
            scroll.border_title = t("help.title", screen=self._title)
            scroll.border_subtitle = t("help.close")
            yield Static(self._intro, markup=False)
            yield Static("\n".join(rows), classes="help-keys", markup=False)
