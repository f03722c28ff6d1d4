"""The lesson text: rich's Markdown, with paragraphs, headings and code cut by tui.wrap instead of rich's own rule.

rich breaks only at spaces and folds a longer run at any cell: a Chinese
paragraph (no spaces) was cut before "，" or "）", a code line inside a word
(`requires_grad=Tru` / `e)`), and a soft line break in the source became a
space in the middle of Chinese text. Imported when the text is first shown:
rich's Markdown costs ~80 ms to import.
"""

from __future__ import annotations

import re

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import CodeBlock, Heading, Markdown, Paragraph
from rich.segment import Segment
from rich.syntax import Syntax
from rich.text import Text

from tui.wrap import wrap

_CODE_START, _CODE_END = "\x02", "\x03"
"""Around inline code while the paragraph is built (rich's elements are not told which text is code), so that
no line is cut inside it; removed before anything is drawn."""
_INLINE_CODE = re.compile(f"{_CODE_START}([^{_CODE_END}]*){_CODE_END}")


class WrappedText:
    """A paragraph or heading as rich Text, cut into lines by tui.wrap at the width it is drawn at."""

    def __init__(self, text: Text) -> None:
        self.text, self.whole = _without_markers(text)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in wrap(self.text, options.max_width, self.whole):
            yield from line.render(console)
            yield Segment.line()


def _without_markers(text: Text) -> tuple[Text, list[tuple[int, int]]]:
    """`text` without the inline-code markers, and where the inline code is in what is left."""
    whole, pieces, kept, position = [], [], 0, 0
    for match in _INLINE_CODE.finditer(text.plain):
        pieces += [text[position : match.start()], text[match.start(1) : match.end(1)]]
        kept += match.start() - position
        whole.append((kept, kept + len(match.group(1))))
        kept += len(match.group(1))
        position = match.end()
    if not whole:
        return text, []
    result = text[0:0]
    for piece in [*pieces, text[position:]]:
        result += piece
    return result, whole


class LessonParagraph(Paragraph):
    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield WrappedText(self.text)


class LessonHeading(Heading):
    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.tag == "h1":  # the lesson's title, centred as rich draws it
            yield from super().__rich_console__(console, options)
        else:
            yield WrappedText(self.text)


class LessonCode(CodeBlock):
    """A code block whose lines longer than the width continue on the next line, indented, cut between words."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - 1, 1)  # a padding column on the left only: the pane is narrow
        code = "\n".join(wrap(str(self.text).rstrip(), width))
        yield Syntax(code, self.lexer_name, theme=self.theme, word_wrap=False, padding=(1, 0, 1, 1))


class LessonMarkdown(Markdown):
    elements = {
        **Markdown.elements,
        "paragraph_open": LessonParagraph,
        "heading_open": LessonHeading,
        "fence": LessonCode,
        "code_block": LessonCode,
    }

    def __init__(self, markup: str) -> None:
        super().__init__(markup)
        for token in self.parsed:
            for child in token.children or []:
                if child.type == "code_inline":  # marked for WrappedText (see _CODE_START)
                    child.content = f"{_CODE_START}{child.content}{_CODE_END}"
