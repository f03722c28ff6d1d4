"""A grid of numbers drawn with the Line API: one widget for a whole matrix, however large.

Channels are stacked as blocks, each under a caption line. Marks (window taps,
the current cell) are a mapping from (block, row, col) to a style name, and
`reveal(n)` shows only the first n cells in reading order (the output being
filled). Changing either repaints only the lines that changed, so a step key on
a 28×28 input redraws a handful of lines, not the grid.

A grid larger than its box scrolls to keep the followed cells in view and says
at its border how much is out of sight ("◂ 3 more columns ▸"): never a silent cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.css.scalar import Unit
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.i18n import t

Cell = tuple[int, int, int]
MIN_BOX = 60  # cells: a box keeps room for its title up to here; beyond, the title yields before the numbers do


class Grid(ScrollView, can_focus=False):
    """Shows `cells[block][row][col]` strings; `padding` rings each block with padding-styled cells."""

    COMPONENT_CLASSES = {
        "grid--caption",
        "grid--label",
        "grid--pad",
        "grid--tap",
        "grid--gap",
        "grid--current",
        "grid--pending",
        "grid--row",
    }

    DEFAULT_CSS = """
    Grid {
        width: auto;
        height: auto;
        scrollbar-size: 0 0;
        & > .grid--caption { text-style: bold; color: $text-accent; }
        & > .grid--label { color: $text-muted; }
        & > .grid--pad { color: $text-muted; text-style: italic; }
        & > .grid--tap { color: $warning; text-style: bold reverse; }
        & > .grid--gap { text-style: underline; }
        & > .grid--current { color: $success; text-style: bold reverse; }
        & > .grid--pending { color: $text-muted; }
        & > .grid--row { text-style: reverse; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._cells: Sequence[Sequence[Sequence[str]]] = []
        self._captions: Sequence[str] = []
        self._row_labels: Sequence[str] = []
        self._padding = 0
        self._cell_width = 1
        self._label_width = 0
        self._marks: Mapping[Cell, str] = {}
        self._block_starts: list[int] = []
        self._revealed: int | None = None
        self._styles: dict[str, Style] = {}
        self._title = ""
        self._subtitle = ""
        self._follow: Sequence[Cell] = ()

    @property
    def marks(self) -> Mapping[Cell, str]:
        return self._marks

    def cell_text(self, block: int, row: int, col: int) -> str:
        """What the cell shows: its number, or · while it is not revealed yet."""
        return "·" if self._is_pending(block, row, col) else self._cells[block][row][col]

    def _is_pending(self, block: int, row: int, col: int) -> bool:
        if self._revealed is None:
            return False
        rows, cols = len(self._cells[block]), len(self._cells[block][0])
        return (block * rows + row) * cols + col >= self._revealed

    def reveal(self, count: int | None) -> None:
        """Show the first `count` cells in reading order (None: all); repaint the lines in between."""
        old, self._revealed = self._revealed, count
        if old == count or not self._cells:
            return
        rows, cols = len(self._cells[0]), len(self._cells[0][0])
        total = len(self._cells) * rows * cols
        low, high = sorted(total if v is None else v for v in (old, count))
        for index in range(low - low % cols, min(high, total - 1) + 1, cols):
            block, rest = divmod(index, rows * cols)
            self.refresh_line(self._block_starts[block] + rest // cols)

    def show(
        self,
        cells: Sequence[Sequence[Sequence[str]]],
        captions: Sequence[str] = (),
        *,
        padding: int = 0,
        row_labels: Sequence[str] = (),
        marks: Mapping[Cell, str] | None = None,
        revealed: int | None = None,
    ) -> None:
        """Replace the whole content (a new matrix, a new spec)."""
        self._cells, self._captions, self._padding, self._row_labels = (
            cells,
            captions,
            padding,
            row_labels,
        )
        widths = [cell_len(text) for block in cells for row in block for text in row]
        self._cell_width = max(widths, default=1) + 1
        self._label_width = max((cell_len(label) for label in row_labels), default=-1) + 1
        self._block_starts = []
        y = 0
        for block in cells:
            y += 1 if captions else 0
            self._block_starts.append(y)
            y += len(block)
        self._marks = dict(marks or {})
        self._revealed = revealed
        columns = max((len(block[0]) for block in cells if block), default=0)
        width = max(
            self._label_width + columns * self._cell_width,
            max((cell_len(c) for c in captions), default=0),
        )
        self.virtual_size = Size(width, y)
        self._fit_fraction()
        self.refresh(layout=True)
        self.call_after_refresh(self._show_overflow)

    def _holds(self, cell: Cell) -> bool:
        block, row, col = cell
        return block < len(self._cells) and row < len(self._cells[block]) and col < len(self._cells[block][row])

    def _fit_fraction(self) -> None:
        """A grid sized as a share (fr) of what is left takes no more than its numbers and title need."""
        gutter, (width, height) = self.styles.gutter, self.virtual_size
        if self.styles.height is not None and self.styles.height.unit == Unit.FRACTION:
            self.styles.max_height = height + gutter.height
        if self.styles.width is not None and self.styles.width.unit == Unit.FRACTION:
            title = cell_len(self._title) + 6 if self._title else 0
            self.styles.max_width = max(width + gutter.width, title)

    def set_titles(self, title: str, subtitle: str = "") -> None:
        """Border titles, with the widget kept wide enough to show them whole."""
        self._title, self._subtitle = title, subtitle
        self.border_title = title
        self.styles.min_width = min(max(cell_len(title), cell_len(subtitle)) + 6, MIN_BOX)
        self._fit_fraction()
        self._show_overflow()

    def mark(self, marks: Mapping[Cell, str], follow: Sequence[Cell] = ()) -> None:
        """Set new marks; repaint only the lines where a mark appeared, moved or left."""
        old = self._marks
        changed = {cell for cell in old.keys() | marks.keys() if old.get(cell) != marks.get(cell)}
        self._marks = dict(marks)
        for line in sorted({self._block_starts[block] + row for block, row, _ in changed}):
            self.refresh_line(line)
        if follow:
            self._follow = follow
            self._scroll_into_view(follow)

    def on_resize(self, event: events.Resize) -> None:
        if self._follow:
            self._scroll_into_view(self._follow)
        self._show_overflow()

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_x(old_value, new_value)
        self._show_overflow()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._show_overflow()

    def hidden(self) -> tuple[int, int, int, int]:
        """Columns out of sight left and right, rows out of sight above and below (not counting captions)."""
        if not self._cells or not self._cells[0]:
            return 0, 0, 0, 0
        width, height = self.scrollable_content_region.size
        scroll_x, scroll_y = self.scroll_offset
        columns = len(self._cells[0][0])
        starts = [self._label_width + col * self._cell_width for col in range(columns)]
        left = sum(1 for x in starts if x < scroll_x)
        right = sum(1 for x in starts if x >= scroll_x and x + self._cell_width > scroll_x + width)
        lines = [
            start + row for block, start in enumerate(self._block_starts) for row in range(len(self._cells[block]))
        ]
        above = sum(1 for y in lines if y < scroll_y)
        below = sum(1 for y in lines if y >= scroll_y + height)
        return left, right, above, below

    def in_sight(self, cell: Cell) -> bool:
        """Whether the whole cell is inside the part of the grid the box shows."""
        block, row, col = cell
        x, y = (
            self._label_width + col * self._cell_width,
            self._block_starts[block] + row,
        )
        return self.scrollable_content_region.reset_offset.translate(self.scroll_offset).contains_region(
            Region(x, y, self._cell_width, 1)
        )

    def _show_overflow(self) -> None:
        """The subtitle, then how many columns and rows are out of sight on which side, in the words that fit."""
        if not self.region.width:
            return
        left, right, above, below = self.hidden()
        on_top = self.styles.border_bottom[0] in ("", "none", "hidden")  # then the subtitle follows the title
        room = self.size.width - 4 - (cell_len(self._title) + 3 if on_top and self._title else 0)
        candidates = []
        for subtitle in (self._subtitle, ""):
            for form in ("", "_short", "_tiny"):
                notes = []
                if left or right:
                    notes.append(
                        ("◂ " if left else "") + _more("columns", left + right, form) + (" ▸" if right else "")
                    )
                if above or below:
                    notes.append(("▴ " if above else "") + _more("rows", above + below, form) + (" ▾" if below else ""))
                candidates.append(" · ".join(filter(None, [subtitle, *notes])))
        subtitle = next((text for text in candidates if cell_len(text) <= room), candidates[-1])
        if on_top:
            self.border_title = " · ".join(filter(None, [self._title, subtitle]))
        else:
            self.border_subtitle = subtitle

    def _scroll_into_view(self, cells: Sequence[Cell]) -> None:
        # a cell the content lacks (the last one asked for, before an empty result came) is not scrolled to
        cells = [cell for cell in cells if self._holds(cell)]
        if not cells:
            return
        ys = [self._block_starts[block] + row for block, row, _ in cells]
        xs = [self._label_width + col * self._cell_width for _, _, col in cells]
        region = Region(
            min(xs),
            min(ys),
            max(xs) - min(xs) + self._cell_width,
            max(ys) - min(ys) + 1,
        )
        self.scroll_to_region(region, animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        strip = self._line(y + scroll_y)
        return strip.crop(scroll_x, scroll_x + self.size.width)

    def _line(self, y: int) -> Strip:
        for block, start in enumerate(self._block_starts):
            rows = self._cells[block]
            if self._captions and y == start - 1:
                return Strip([Segment(self._captions[block], self._style_for("caption"))])
            if start <= y < start + len(rows):
                return self._row_strip(block, y - start)
        return Strip.blank(self.size.width, self.rich_style)

    def _row_strip(self, block: int, row: int) -> Strip:
        segments = []
        if self._row_labels:
            label = self._row_labels[row] if row < len(self._row_labels) else ""
            segments.append(
                Segment(
                    " " * (self._label_width - 1 - cell_len(label)) + label + " ",
                    self._style_for("label"),
                )
            )
        base = self._style_for("base")
        pad_style = self._style_for("pad")
        values = self._cells[block][row]
        last_row = len(self._cells[block]) - 1
        for col, text in enumerate(values):
            mark = self._marks.get((block, row, col))
            if mark is None and self._is_pending(block, row, col):
                mark, text = "pending", "·"
            style = self._style_for(mark) if mark else None
            if style is None:
                in_pad = self._padding and (
                    row < self._padding
                    or col < self._padding
                    or row > last_row - self._padding
                    or col > len(values) - 1 - self._padding
                )
                style = pad_style if in_pad else base
            segments.append(Segment(" ", base))
            segments.append(Segment(text.rjust(self._cell_width - 1), style))
        return Strip(segments, self._label_width + len(values) * self._cell_width)

    def _style_for(self, name: str) -> Style:
        """Component styles, looked up once per theme: a lookup walks the DOM and a step draws many cells."""
        if name not in self._styles:
            self._styles[name] = self.rich_style if name == "base" else self.get_component_rich_style(f"grid--{name}")
        return self._styles[name]

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()


def _more(what: str, count: int, form: str) -> str:
    """'3 more columns' (form ""), '3 cols' ("_short") or '3' ("_tiny"), in the student's language."""
    if form == "_tiny":
        return str(count)
    return t(
        f"grid.more_{what}{form}" if count != 1 else f"grid.more_{what}{form}_one",
        n=count,
    )
