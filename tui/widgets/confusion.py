"""The confusion matrix (the course's "test" step) drawn with the Line API: true class down, predicted across.

The diagonal (right answers) is bold and reversed, big mistakes (≥ 10 % of a
class) are bold, empty cells a muted dot: it reads without colour too. The last
column is each class's accuracy.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

BIG_MISTAKE = 0.1


def column_names(names: Sequence[str], width: int) -> list[str]:
    """Each name cut to `width` characters, and where two cuts are the same ("dia" for diamond and diagonal) each
    keeps its first width - 1 and takes the first later letter that no other column has (diamond "dim",
    diagonal "dig"), else a digit."""
    cuts = [name[:width] for name in names]
    clashing = {cut for cut in cuts if cuts.count(cut) > 1}
    taken = {cut for cut in cuts if cut not in clashing}
    columns = []
    for name, cut in zip(names, cuts, strict=True):
        if cut in clashing:
            stem = name[: width - 1]
            candidates = [stem + letter for letter in name[width - 1 :]] + [stem + str(digit) for digit in range(10)]
            cut = next((c for c in candidates if c not in taken and c not in clashing), cut)
        taken.add(cut)
        columns.append(cut)
    return columns


class Confusion(ScrollView, can_focus=False):
    COMPONENT_CLASSES = {
        "confusion--header",
        "confusion--label",
        "confusion--hit",
        "confusion--miss",
        "confusion--big",
        "confusion--zero",
        "confusion--acc",
    }

    DEFAULT_CSS = """
    Confusion {
        width: 1fr;
        height: 1fr;
        scrollbar-size: 1 1;
        & > .confusion--header { color: $text-muted; text-style: bold; }
        & > .confusion--label { color: $text; }
        & > .confusion--hit { color: $success; text-style: bold reverse; }
        & > .confusion--miss { color: $warning; }
        & > .confusion--big { color: $error; text-style: bold underline; }
        & > .confusion--zero { color: $text-muted; }
        & > .confusion--acc { color: $text-accent; text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._matrix: list[list[int]] = []
        self._names: list[str] = []
        self._accuracy: list[float] = []
        self._cell = 2
        self._label = 1
        self._label_shown = 1
        self._styles: dict[str, Style] = {}

    @property
    def matrix(self) -> list[list[int]]:
        return self._matrix

    def show(
        self,
        matrix: Sequence[Sequence[int]],
        names: Sequence[str],
        accuracy: Sequence[float],
    ) -> None:
        self._matrix = [list(map(int, row)) for row in matrix]
        self._names = [str(name) for name in names] or [str(i) for i in range(len(self._matrix))]
        self._accuracy = list(accuracy)
        self._cell = max((len(str(v)) for row in self._matrix for v in row), default=1) + 1
        self._cell = max(self._cell, 3)
        self._label = max((cell_len(name) for name in self._names), default=1) + 1
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Class names are cut (never the counts) when the matrix is wider than the pane."""
        cells = self._cell * len(self._matrix) + 4
        self._label_shown = max(4, min(self._label, self.size.width - cells)) if self.size.width else self._label
        self.virtual_size = Size(self._label_shown + cells, len(self._matrix) + 1)
        self.refresh()

    def _row_label(self, index: int) -> str:
        name, width = self._names[index], self._label_shown - 1
        return name if cell_len(name) <= width else name[: width - 1] + "…"

    def cell_text(self, true: int, predicted: int) -> str:
        return str(self._matrix[true][predicted])

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        return self._line(y + scroll_y).crop_extend(scroll_x, scroll_x + self.size.width, self.rich_style)

    def _line(self, y: int) -> Strip:
        if not self._matrix or y > len(self._matrix):
            return Strip.blank(self.size.width, self.rich_style)
        if y == 0:
            header = (
                " " * self._label_shown
                + "".join(name.rjust(self._cell) for name in column_names(self._names, self._cell - 1))
                + "   %"
            )
            return Strip([Segment(header, self._style("header"))])
        true = y - 1
        row = self._matrix[true]
        total = sum(row) or 1
        segments = [
            Segment(
                self._row_label(true).rjust(self._label_shown - 1) + " ",
                self._style("label"),
            )
        ]
        for predicted, count in enumerate(row):
            if predicted == true:
                kind = "hit"
            elif count == 0:
                kind = "zero"
            else:
                kind = "big" if count / total >= BIG_MISTAKE else "miss"
            segments.append(Segment(" ", self.rich_style))
            segments.append(
                Segment(
                    ("·" if count == 0 else str(count)).rjust(self._cell - 1),
                    self._style(kind),
                )
            )
        if true < len(self._accuracy):
            segments.append(Segment(f"{round(100 * self._accuracy[true]):>4}", self._style("acc")))
        return Strip(segments)

    def _style(self, name: str) -> Style:
        if name not in self._styles:
            self._styles[name] = self.get_component_rich_style(f"confusion--{name}")
        return self._styles[name]

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()
