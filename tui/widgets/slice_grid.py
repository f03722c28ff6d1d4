"""A tensor of up to four dimensions drawn as its 2-D slices side by side, wrapped to the width it is given.

Grid stacks blocks one under another; a (2, 3, 4) tensor then takes two
captions and six rows. Here the slices x[0], x[1] stand side by side (a 4-D
tensor's slices in rows of its second dimension where they fit), so a tensor
and its view fit next to each other at 80×24. Everything else is Grid's: the
cells as text, marks by (block, row, col), scrolling to the followed cells and
the "◂ 3 more columns ▸" note at the border.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from textual.geometry import Region, Size
from textual.strip import Strip

from tui.widgets.grid import Cell, Grid

GAP = 2  # cells between two slices


class SliceGrid(Grid):
    """Shows `cells[block][row][col]` with blocks `per_band` to a band, each band under its captions."""

    COMPONENT_CLASSES = Grid.COMPONENT_CLASSES | {"grid--changed"}

    DEFAULT_CSS = """
    SliceGrid > .grid--changed { text-style: bold underline; color: $warning; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._per_band = 1
        self._slot = 1
        self._width = 1

    @staticmethod
    def natural_width(cells: Sequence[Sequence[Sequence[str]]], captions: Sequence[str], titles: str) -> int:
        """The width that shows every slice in one band and `titles` (title and subtitle, joined) whole."""
        cell = max(len(text) for block in cells for row in block for text in row) + 1
        slot = max(len(cells[0][0]) * cell, max((len(caption) for caption in captions), default=0))
        return max(len(cells) * (slot + GAP) - GAP, cell_len(titles) + 4)

    def show_slices(
        self,
        cells: Sequence[Sequence[Sequence[str]]],
        captions: Sequence[str] = (),
        *,
        width: int,
        group: int = 1,
    ) -> None:
        """New content: as many slices to a band as fit in `width` cells, a multiple of `group` where one group fits."""
        self.show(cells, captions)
        self._width = width
        cols = len(cells[0][0])
        self._slot = max(cols * self._cell_width, max((len(caption) for caption in captions), default=0))
        fit = max(1, (width + GAP) // (self._slot + GAP))
        if group > 1 and fit >= group:
            fit -= fit % group
        self._per_band = min(fit, len(cells))
        bands = -(-len(cells) // self._per_band)
        self.virtual_size = Size(self._per_band * (self._slot + GAP) - GAP, bands * self._band_height)
        self._fit_fraction()
        self.refresh(layout=True)

    def set_titles(self, title: str, subtitle: str = "") -> None:
        """Wide enough for the title and the subtitle on the top border, where the width allows."""
        super().set_titles(title, subtitle)
        whole = cell_len(title) + (cell_len(subtitle) + 3 if subtitle else 0) + 4
        self.styles.min_width = min(whole, self._width + 2)
        self._show_overflow()

    @property
    def _caption_lines(self) -> int:
        return 1 if self._captions else 0

    @property
    def _band_height(self) -> int:
        return self._caption_lines + (len(self._cells[0]) if self._cells else 0)

    def _origin(self, cell: Cell) -> tuple[int, int]:
        """Where the cell's text starts: x, y in the grid's virtual space."""
        block, row, col = cell
        band, slot = divmod(block, self._per_band)
        return slot * (self._slot + GAP) + col * self._cell_width, band * self._band_height + self._caption_lines + row

    def mark(self, marks: Mapping[Cell, str], follow: Sequence[Cell] = ()) -> None:
        """Set new marks; repaint only the lines where a mark appeared, moved or left."""
        old = self._marks
        changed = {cell for cell in old.keys() | marks.keys() if old.get(cell) != marks.get(cell)}
        self._marks = dict(marks)
        for line in sorted({self._origin(cell)[1] for cell in changed}):
            self.refresh_line(line)
        if follow:
            self._follow = follow
            self._scroll_into_view(follow)

    def _all_cells(self) -> list[Cell]:
        return [
            (block, row, col)
            for block, rows in enumerate(self._cells)
            for row in range(len(rows))
            for col in range(len(rows[row]))
        ]

    def hidden(self) -> tuple[int, int, int, int]:
        """Columns of cells out of sight left and right, lines of cells out of sight above and below."""
        if not self._cells:
            return 0, 0, 0, 0
        width, height = self.scrollable_content_region.size
        scroll_x, scroll_y = self.scroll_offset
        origins = [self._origin(cell) for cell in self._all_cells()]
        xs, ys = sorted({x for x, _ in origins}), sorted({y for _, y in origins})
        left = sum(1 for x in xs if x < scroll_x)
        right = sum(1 for x in xs if x >= scroll_x and x + self._cell_width > scroll_x + width)
        above = sum(1 for y in ys if y < scroll_y)
        below = sum(1 for y in ys if y >= scroll_y + height)
        return left, right, above, below

    def in_sight(self, cell: Cell) -> bool:
        x, y = self._origin(cell)
        seen = self.scrollable_content_region.reset_offset.translate(self.scroll_offset)
        return seen.contains_region(Region(x, y, self._cell_width, 1))

    def _scroll_into_view(self, cells: Sequence[Cell]) -> None:
        origins = [self._origin(cell) for cell in cells]
        xs, ys = [x for x, _ in origins], [y for _, y in origins]
        top = min(ys) - (self._caption_lines if min(ys) % self._band_height == self._caption_lines else 0)
        region = Region(min(xs), top, max(xs) - min(xs) + self._cell_width, max(ys) - top + 1)
        self.scroll_to_region(region, animate=False, immediate=True)

    def _line(self, y: int) -> Strip:
        if not self._cells or self._band_height == 0:
            return Strip.blank(self.size.width, self.rich_style)
        band, line = divmod(y, self._band_height)
        first = band * self._per_band
        blocks = range(first, min(first + self._per_band, len(self._cells)))
        base = self._style_for("base")
        segments: list[Segment] = []
        for slot, block in enumerate(blocks):
            if slot:
                segments.append(Segment(" " * GAP, base))
            if line < self._caption_lines:
                segments.append(Segment(self._captions[block].ljust(self._slot), self._style_for("caption")))
                continue
            row = line - self._caption_lines
            texts = self._cells[block][row]
            for col, text in enumerate(texts):
                mark = self._marks.get((block, row, col))
                segments.append(Segment(" ", base))
                segments.append(Segment(text.rjust(self._cell_width - 1), self._style_for(mark) if mark else base))
            segments.append(Segment(" " * (self._slot - len(texts) * self._cell_width), base))
        return Strip(segments)
