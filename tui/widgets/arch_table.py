"""The arch lesson's layer table, drawn with the Line API: a fixed header, rows that scroll to follow the current one.

Forty rows (VGG-16) do not fit in an 80×24 terminal under the rest of the
lesson, so the table keeps the current row in view as the student steps; the
header stays on the first line. The current row is marked ▶ and drawn in
reverse, so it reads without colour too.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

MARK = "▶ "


class ArchTable(ScrollView, can_focus=False):
    """`rows[0]` is the network's input (never current); a step selects one of the rows after it."""

    COMPONENT_CLASSES = {
        "arch-table--header",
        "arch-table--current",
        "arch-table--input",
    }

    DEFAULT_CSS = """
    ArchTable {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size: 1 1;
        & > .arch-table--header { text-style: bold underline; }
        & > .arch-table--current { text-style: bold reverse; }
        & > .arch-table--input { color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._header: Sequence[str] = ()
        self._rows: Sequence[Sequence[str]] = ()
        self._right: Sequence[bool] = ()
        self._widths: list[int] = []
        self._current = 1

    @property
    def current(self) -> int:
        return self._current

    def show(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        right: Sequence[bool],
    ) -> None:
        """New content: a column is as wide as its widest cell; `right[i]` right-aligns column i (numbers)."""
        self._header, self._rows, self._right = header, rows, right
        self._widths = [max(cell_len(line[column]) for line in (header, *rows)) for column in range(len(header))]
        self.virtual_size = Size(len(MARK) + sum(self._widths) + len(self._widths) - 1, len(rows) + 1)
        self.refresh()

    def select(self, row: int) -> None:
        """Make `row` current and scroll so it sits mid-table (as far as the ends allow)."""
        self._current = row
        visible = max(self.size.height - 1, 1)
        self.scroll_to(y=max(row - visible // 2, 0), animate=False, immediate=True)
        self.refresh()

    def row_text(self, row: int) -> str:
        """What row `row` reads as, marker included: for tests and for the screen's own checks."""
        return self._text(self._rows[row], MARK if row == self._current else " " * len(MARK))

    def header_text(self) -> str:
        return self._text(self._header, " " * len(MARK))

    def visible_rows(self) -> range:
        """The rows the viewport shows now, under the header."""
        top = round(self.scroll_offset.y)
        return range(top, min(top + max(self.size.height - 1, 0), len(self._rows)))

    def _text(self, cells: Sequence[str], mark: str) -> str:
        parts = []
        for column, (text, width) in enumerate(zip(cells, self._widths)):
            pad = " " * (width - cell_len(text))
            parts.append(pad + text if self._right[column] else text + pad)
        return mark + " ".join(parts)

    def render_line(self, y: int) -> Strip:
        if y == 0:
            text, style = self.header_text(), self._style("header")
        else:
            row = y - 1 + round(self.scroll_offset.y)
            if row >= len(self._rows):
                return Strip.blank(self.size.width, self.rich_style)
            text = self.row_text(row)
            style = self._style("current" if row == self._current else "input" if row == 0 else None)
        strip = Strip([Segment(text, style)], cell_len(text))
        return strip.crop_extend(0, self.size.width, self.rich_style)

    def _style(self, name: str | None) -> Style:
        return self.get_component_rich_style(f"arch-table--{name}") if name else self.rich_style
