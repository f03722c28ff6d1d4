"""Lines of text that wrap by tui.wrap's rules (Chinese punctuation, whole words and numbers), cheaply on every step."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Static

from tui.wrap import tidy, wrap


class Wrapped(Visual):
    """Text that Textual draws as tui.wrap cuts it at the width it is given, instead of by its own spaces-only rule.

    `str()` is the text as given, before any cut, so what a line says can be read whatever the width.
    """

    def __init__(self, text: str | Text) -> None:
        self._content = Content.from_rich_text(text) if isinstance(text, Text) else Content(text)
        self._text = text if isinstance(text, str) else text.plain
        self._cut: tuple[int, Content] | None = None

    def __str__(self) -> str:
        return self._text

    def _at(self, width: int, rules: RulesMap) -> Content:
        """The text cut for `width`; under `text-wrap: nowrap` one line per line given (Textual then crops it)."""
        if rules.get("text_wrap", "wrap") == "nowrap":
            width = 0
        if self._cut is None or self._cut[0] != width:
            self._cut = (width, Content("\n").join(wrap(self._content, width or 10**9)))
        return self._cut[1]

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        return self._at(width, options.rules).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(cell_len(line) for line in tidy(self._text).split("\n"))

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._at(width, rules).get_height(rules, width)


class Line(Static):
    """Text that changes on every step (the arithmetic, the status, a message), wrapped by tui.wrap.

    Static.update() re-lays out the whole screen by default, which costs far more
    than the step itself; most steps keep the same height, so this skips it.
    """

    def show(self, text: str | Text) -> None:
        """Show `text`, wrapped by tui.wrap; a rich Text that asks for no_wrap is drawn as Textual draws it."""
        self.update(text if isinstance(text, Text) and text.no_wrap else Wrapped(text), layout=False)
        width = self.content_size.width
        if width and self.get_content_height(self.size, self.size, width) != self.content_size.height:
            self.refresh(layout=True)
