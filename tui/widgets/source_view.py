"""Python source with a current line, drawn with the Line API, scrolled so that the current line stays in sight.

The current line is marked ▶ and drawn in reverse, the call being made on it
underlined; a second line (where that module was built) is marked • and bold.
All of it reads without colour. Lines above and below the viewport are
counted in the border's subtitle (▴ 3 · ▾ 5), so nothing is out of sight
without a mark; the box is never narrower than its longest line (the screen
sizes it), so no line is cut.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.i18n import t

CURRENT, DEFINED, PLAIN = "▶ ", "• ", "  "
GUTTER = 2


class SourceView(ScrollView, can_focus=False):
    COMPONENT_CLASSES = {"source-view--current", "source-view--call", "source-view--defined"}

    DEFAULT_CSS = """
    SourceView {
        overflow-x: hidden;
        scrollbar-size: 0 0;
        & > .source-view--current { text-style: bold reverse; }
        & > .source-view--call { text-style: bold reverse underline; }
        & > .source-view--defined { text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: Sequence[str] = ()
        self._current: int | None = None
        self._span: tuple[int, int] | None = None
        self._defined: int | None = None

    @property
    def content_width(self) -> int:
        """Cells the longest line needs, gutter included: the screen makes the box at least this wide."""
        return GUTTER + max((cell_len(line) for line in self._lines), default=0)

    def show(self, lines: Sequence[str]) -> None:
        self._lines = lines
        self.virtual_size = Size(self.content_width, len(lines))
        self.refresh()

    def mark(self, current: int | None, span: tuple[int, int] | None = None, defined: int | None = None) -> None:
        """Lines are 1-based, as Python numbers them; `span` are the columns of the call on the current line."""
        self._current, self._span, self._defined = current, span, defined
        self._follow()
        self.refresh()

    def line_text(self, number: int) -> str:
        """Line `number` as drawn, its mark included (for tests)."""
        return self._gutter(number) + self._lines[number - 1]

    def visible_lines(self) -> range:
        """The 1-based numbers of the lines in the viewport."""
        top = round(self.scroll_offset.y)
        return range(top + 1, min(top + self.size.height, len(self._lines)) + 1)

    def on_resize(self) -> None:
        self._follow()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._count_hidden()

    def _follow(self) -> None:
        """Centre the current line, and keep the module's definition in sight too where both fit."""
        if self._current is None or not self.size.height:
            self._count_hidden()
            return
        height = self.size.height
        wanted = [self._current] + ([self._defined] if self._defined else [])
        low, high = min(wanted), max(wanted)
        if high - low < height:
            top = max(low - 1 - (height - (high - low + 1)) // 2, 0)
        else:
            top = max(self._current - 1 - height // 2, 0)
        self.scroll_to(y=top, animate=False, immediate=True)
        self._count_hidden()

    def _count_hidden(self) -> None:
        lines = self.visible_lines()
        above, below = lines.start - 1, len(self._lines) - (lines.stop - 1)
        self.border_subtitle = t("module.more_lines", above=above, below=below) if above or below else ""

    def _gutter(self, number: int) -> str:
        return CURRENT if number == self._current else DEFINED if number == self._defined else PLAIN

    def render_line(self, y: int) -> Strip:
        number = y + 1 + round(self.scroll_offset.y)
        if number > len(self._lines):
            return Strip.blank(self.size.width, self.rich_style)
        text = self._lines[number - 1]
        if number == self._current:
            style = self._style("current")
            segments = [Segment(CURRENT, style)]
            if self._span:
                start, end = self._span
                segments += [
                    Segment(text[:start], style),
                    Segment(text[start:end], self._style("call")),
                    Segment(text[end:], style),
                ]
            else:
                segments.append(Segment(text, style))
        else:
            style = self._style("defined") if number == self._defined else self.rich_style
            segments = [Segment(self._gutter(number) + text, style)]
        strip = Strip(segments, GUTTER + cell_len(text))
        return strip.crop_extend(0, self.size.width, self.rich_style)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"source-view--{name}")
