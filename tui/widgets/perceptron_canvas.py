"""Rows of (text, style names) drawn with the Line API: the plots and tables of the perceptron and activations lessons.

Engine lays out the characters (engine.perceptron_plot, engine.activations_plot);
this widget only turns style names such as "point wrong current" into the
theme's component styles, so the lessons' pictures carry no arithmetic here.
A step repaints only the rows whose content changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

CanvasRow = Sequence[tuple[str, str]]


class Canvas(Widget, can_focus=False):
    """Shows rows of styled text; `show()` swaps them and repaints only what changed."""

    COMPONENT_CLASSES = {
        "canvas--label",
        "canvas--header",
        "canvas--pos",
        "canvas--neg",
        "canvas--line",
        "canvas--point",
        "canvas--wrong",
        "canvas--current",
        "canvas--curve",
        "canvas--deriv",
        "canvas--axis",
        "canvas--cursor",
        "canvas--bar",
    }

    DEFAULT_CSS = """
    Canvas {
        width: auto;
        height: auto;
        & > .canvas--label { color: $text-muted; }
        & > .canvas--header { color: $text-accent; text-style: bold; }
        & > .canvas--pos { color: $primary; }
        & > .canvas--line { color: $warning; text-style: bold; }
        & > .canvas--point { text-style: bold; }
        & > .canvas--wrong { color: $error; text-style: bold underline; }
        & > .canvas--current { text-style: bold reverse; }
        & > .canvas--curve { color: $success; }
        & > .canvas--deriv { color: $warning; }
        & > .canvas--axis { color: $text-muted; }
        & > .canvas--cursor { text-style: reverse; }
        & > .canvas--bar { color: $primary; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: tuple[tuple[tuple[str, str], ...], ...] = ()
        self._styles: dict[str, Style] = {}

    @property
    def rows(self) -> tuple[tuple[tuple[str, str], ...], ...]:
        return self._rows

    def text(self) -> str:
        """What the canvas shows, without styles: for tests and --plain."""
        return "\n".join("".join(text for text, _ in row) for row in self._rows)

    def styled(self, style: str) -> list[str]:
        """The texts drawn with `style` among their style names, in reading order."""
        return [text for row in self._rows for text, names in row if style in names.split()]

    def show(self, rows: Sequence[CanvasRow]) -> None:
        new = tuple(tuple(row) for row in rows)
        old, self._rows = self._rows, new
        if self._measure(old) != self._measure(new):
            self.refresh(layout=True)
            return
        width = self.size.width
        for y, row in enumerate(new):
            if old[y] != row:
                self.refresh(Region(0, y, width, 1))

    @staticmethod
    def _measure(rows: tuple[tuple[tuple[str, str], ...], ...]) -> Size:
        return Size(
            max((sum(cell_len(text) for text, _ in row) for row in rows), default=0),
            len(rows),
        )

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._measure(self._rows).width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows)

    def render_line(self, y: int) -> Strip:
        if y >= len(self._rows):
            return Strip.blank(self.size.width, self.rich_style)
        segments = [Segment(text, self._style(names)) for text, names in self._rows[y]]
        return Strip(segments).adjust_cell_length(self.size.width, self.rich_style)

    def _style(self, names: str) -> Style:
        """Base style plus each named component's, looked up once per theme: a plot has hundreds of cells."""
        if names not in self._styles:
            style = self.rich_style
            for name in names.split():  # added, not merged: "wrong current" keeps both underline and reverse
                style += self.get_component_rich_style(f"canvas--{name}", partial=True)
            self._styles[names] = style
        return self._styles[names]

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()
