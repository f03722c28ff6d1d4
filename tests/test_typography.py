"""Chinese typography through the one wrapper (tui/wrap.py): every lesson text and every message, at widths 30–100.

The rules: no line starts with closing punctuation (，。、：；！？）」』 …); no
break inside a Latin word, a number or inline code (`requires_grad=True`,
`1e-7`, `np.arange(1, 4)`) where it fits the line; no space beside full-width
punctuation. The lesson texts are found, not listed, so a new lesson is checked
too; the messages are every value of the Chinese catalogue, its placeholders
filled in.
"""

from __future__ import annotations

import re
import string

import pytest
from markdown_it import MarkdownIt
from rich.cells import cell_len
from rich.console import Console

from tui.i18n import ASSETS, catalogue, t
from tui.widgets.lesson_markdown import LessonMarkdown
from tui.wrap import NO_LINE_START, wrap

WIDTHS = range(30, 101)
TEXT_WIDTHS = sorted({*range(30, 101, 2), *range(31, 46, 2)})
"""Rendering a lesson text costs ~10 ms a width: every width where most lines break (up to 45), every other above."""

ATOM = re.compile(r"[!-~]+")
SPACE_BESIDE_PUNCTUATION = re.compile(r"[，。、：；！？（）「」『』] | [，。、：；！？）」』]")


def broken_rules(lines: list[str], whole: set[str], width: int, room: int) -> list[str]:
    """What `lines` (a text cut at `width`) does against the rules; `whole` are the runs that must not be cut
    where they fit `room`, the narrowest a line of the text gets."""
    problems = [
        f"line starts with {line.lstrip()[0]!r}: {line!r}"
        for line in lines
        if line.strip() and line.lstrip()[0] in NO_LINE_START
    ]
    problems += [
        f"space beside full-width punctuation: {line!r}" for line in lines if SPACE_BESIDE_PUNCTUATION.search(line)
    ]
    problems += [
        f"{atom!r} is cut at width {width}"
        for atom in whole
        if cell_len(atom) <= room and not any(atom in line for line in lines)
    ]
    return problems


def atoms(text: str) -> set[str]:
    """Latin words, numbers and code in `text`: every run of printable ASCII without a space."""
    return set(ATOM.findall(text))


def markdown_atoms(source: str) -> set[str]:
    """The runs a lesson text draws that must stay whole: words and numbers of its prose and code, its inline code."""
    found: set[str] = set()
    for token in MarkdownIt().parse(source):
        if token.type in ("fence", "code_block"):
            found |= atoms(token.content)
        for child in token.children or []:
            if child.type == "text":
                found |= atoms(child.content)
            elif child.type == "code_inline":
                found |= {child.content.strip()} | atoms(child.content)
    return found


CHINESE = catalogue("zh")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_chinese_message_wraps_by_the_rules(width):
    problems = []
    for key in sorted(CHINESE):
        if key.startswith("lesson.") and key.endswith(".title") or CHINESE[key][:1] in tuple(NO_LINE_START):
            continue
        text = t(key, "zh", **_sample_fields(CHINESE[key]))
        problems += [f"{key}: {problem}" for problem in broken_rules(wrap(text, width), atoms(text), width, width - 2)]
    assert problems == []


def _sample_fields(template: str) -> dict[str, object]:
    """12 for every field, or "12" where the field's format asks for text (`{name:5s}`)."""
    return {name: "12" if spec.endswith("s") else 12 for _, name, spec, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("path", sorted((ASSETS / "lessons" / "zh").glob("*.md")), ids=lambda path: path.stem)
def test_every_chinese_lesson_text_wraps_by_the_rules(path):
    source = path.read_text(encoding="utf-8")
    markdown, whole = LessonMarkdown(source), markdown_atoms(source)
    problems = []
    for width in TEXT_WIDTHS:
        console = Console(width=width, color_system=None, highlight=False)
        lines = [
            "".join(segment.text for segment in line).rstrip() for line in console.render_lines(markdown, pad=False)
        ]
        # bullets and numbers take up to 4 cells, a nested list 3 more, code its padding column
        problems += broken_rules(lines, whole, width, width - 8)
    assert problems == []


@pytest.mark.parametrize("path", sorted((ASSETS / "course").glob("*.toml")), ids=lambda path: f"course/{path.stem}")
def test_every_chinese_tour_paragraph_wraps_by_the_rules(path):
    """The course's paragraphs, as the narration line shows them (tui.course_tour joins a stop's lines first)."""
    from tui.course_tour import read_tour

    problems = []
    for stop in read_tour(path).stops:
        text = stop.texts["zh"]
        problems += [
            problem for width in WIDTHS for problem in broken_rules(wrap(text, width), atoms(text), width, width - 2)
        ]
    assert problems == []


def test_the_rules_catch_what_rich_alone_did():
    """rich's own wrap, on one of the texts: a line starting with ， and a word cut in two."""
    text = "计算可以画成一张图，每个节点是一次运算，每条边传递一个值：requires_grad=True 时记录。"
    assert broken_rules(_rich_lines(text, 30), atoms(text), 30, 28) != []
    assert broken_rules(wrap(text, 30), atoms(text), 30, 28) == []


def _rich_lines(text: str, width: int) -> list[str]:
    from rich.text import Text

    return [line.plain for line in Text(text).wrap(Console(width=width), width)]
