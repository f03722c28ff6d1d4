"""Shown instead of a screen that cannot fit: what size is needed, and what this terminal has."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.i18n import t

MIN_WIDTH, MIN_HEIGHT = 60, 18


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(ModalScreen[None]):
    """Covers the app until the terminal is large enough again (the app then pops it); q still quits."""

    BINDINGS = [Binding("q", "app.quit", show=False)]

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; background: $background; }
    TooSmallScreen > Static { width: 100%; height: auto; text-align: center; text-style: bold; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(self._message(*self.app.size), markup=False)

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(Static).update(self._message(*event.size))

    @staticmethod
    def _message(width: int, height: int) -> str:
        return t("size.too_small", need_w=MIN_WIDTH, need_h=MIN_HEIGHT, w=width, h=height)
