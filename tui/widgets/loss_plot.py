"""Curves over one shared x axis in braille dots (2×4 per cell), stacked in panels, with a cursor column.

The samples come from engine; this widget only maps them to dots. Consecutive
samples are joined by a vertical run of dots, so a staircase shows its risers
and a smooth curve stays unbroken. The cursor is a reversed column: it reads
without colour (NO_COLOR).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

BRAILLE = 0x2800
DOT_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))  # [dot column][dot row]


@dataclass(frozen=True)
class Panel:
    """One curve: its title, the sampled values and the value range the panel spans (low at the bottom)."""

    title: str
    values: Sequence[float]
    low: float
    high: float
    low_label: str
    high_label: str


def dot_rows(values: Sequence[float], low: float, high: float, rows: int) -> list[int]:
    """Each value's dot row, 0 at the top, clipped to the panel."""
    span = high - low or 1.0
    return [min(max(round((high - v) / span * (rows - 1)), 0), rows - 1) for v in values]


def braille_cells(values: Sequence[float], low: float, high: float, width: int, height: int) -> list[list[str]]:
    """The curve as `height` rows of `width` braille characters."""
    dots_x, dots_y = 2 * width, 4 * height
    rows = dot_rows(values, low, high, dots_y)
    last = max(len(values) - 1, 1)
    bits = [[0] * width for _ in range(height)]
    previous = None
    for index, row in enumerate(rows):
        column = round(index * (dots_x - 1) / last)
        top, bottom = (row, row) if previous is None else sorted((previous, row))
        for y in range(top, bottom + 1):
            bits[y // 4][column // 2] |= DOT_BITS[column % 2][y % 4]
        previous = row
    return [[chr(BRAILLE + cell) if cell else " " for cell in line] for line in bits]


class LossPlot(Widget, can_focus=False):
    """Panels of braille curves over the same samples; `cursor` picks the sample the reversed column marks."""

    COMPONENT_CLASSES = {
        "loss-plot--title",
        "loss-plot--axis",
        "loss-plot--curve",
        "loss-plot--cursor",
    }

    DEFAULT_CSS = """
    LossPlot {
        height: 1fr;
        & > .loss-plot--title { text-style: bold; }
        & > .loss-plot--axis { color: $text-muted; }
        & > .loss-plot--curve { color: $accent; }
        & > .loss-plot--cursor { text-style: reverse bold; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._panels: Sequence[Panel] = ()
        self._axis = ("", "")
        self._cursor: int | None = None
        self._samples = 0
        self._lines: list[Strip] = []
        self._laid_out_for: tuple[int, int] | None = None

    def show(self, panels: Sequence[Panel], axis: tuple[str, str], cursor: int | None = None) -> None:
        """New curves; `axis` labels the left and right ends of the x axis."""
        self._panels, self._axis, self._cursor = panels, axis, cursor
        self._samples = max((len(panel.values) for panel in panels), default=0)
        self._laid_out_for = None
        self.refresh()

    def move_cursor(self, cursor: int | None) -> None:
        if cursor != self._cursor:
            self._cursor = cursor
            self._laid_out_for = None
            self.refresh()

    @property
    def cursor_column(self) -> int | None:
        """The plot column (0 at the left of the curves) the cursor sample falls in."""
        width = self._plot_width()
        if self._cursor is None or width <= 0 or self._samples < 2:
            return None
        return round(self._cursor * (2 * width - 1) / (self._samples - 1)) // 2

    def _label_width(self) -> int:
        labels = [label for panel in self._panels for label in (panel.low_label, panel.high_label)]
        return max((cell_len(label) for label in labels), default=0) + 1

    def _plot_width(self) -> int:
        return self.size.width - self._label_width()

    def render_line(self, y: int) -> Strip:
        size = (self.size.width, self.size.height)
        if self._laid_out_for != size:
            self._lines = self._layout()
            self._laid_out_for = size
        return self._lines[y] if y < len(self._lines) else Strip.blank(self.size.width, self.rich_style)

    def _layout(self) -> list[Strip]:
        """Each panel: a title line and its curve rows; one line of x-axis labels at the bottom."""
        if not self._panels or self._plot_width() < 2:
            return []
        styles = {
            name: self.get_component_rich_style(f"loss-plot--{name}") for name in ("title", "axis", "curve", "cursor")
        }
        label_width, width = self._label_width(), self._plot_width()
        shared, extra = divmod(max(self.size.height - 1, 0), len(self._panels))
        cursor = self.cursor_column
        lines = []
        for index, panel in enumerate(self._panels):
            rows = max(shared - 1 + (index < extra), 1)  # the panels share every line above the axis labels
            lines.append(Strip([Segment(" " * label_width + panel.title, styles["title"])]))
            cells = braille_cells(panel.values, panel.low, panel.high, width, rows)
            for row, characters in enumerate(cells):
                label = panel.high_label if row == 0 else panel.low_label if row == rows - 1 else ""
                segments = [Segment(label.rjust(label_width - 1) + "│", styles["axis"])]
                for column, character in enumerate(characters):
                    segments.append(Segment(character, styles["cursor" if column == cursor else "curve"]))
                lines.append(Strip(segments))
        left, right = self._axis
        gap = max(width - cell_len(left) - cell_len(right), 1)
        lines.append(Strip([Segment(" " * label_width + left + " " * gap + right, styles["axis"])]))
        return lines
