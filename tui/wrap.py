"""Where a line of lesson text may break, and the lines a text makes at a width: one wrapper for both languages.

Textual and rich break only at spaces and fold anything longer at whatever cell
the width ends on. Chinese has no spaces, so a paragraph was folded character by
character: a line could start with "，" or "）", and a Latin word, a number or
inline code could be cut in two (`requires_grad=Tru` / `e)`). Here the break
opportunities come from Unicode line breaking (UAX #14, uniseg), which keeps
closing punctuation off the start of a line and Latin words and numbers whole
while breaking between Han characters; lines are filled greedily, measured in
terminal cells (rich.cells), never len().

UAX #14 is computed per space-separated word and cached: a word of ASCII letters,
digits and symbols never breaks inside (uniseg would allow a break after a
hyphen or a slash, which splits `non-singleton` or `a/b`), and the Chinese words
of a message come back at every step while only its numbers change. Only text
wider than its line is looked at at all.

`tidy` drops the spaces that Chinese does not use: a space beside full-width
punctuation ("， 以及", "（相对误差） 一致": a template's space around a
placeholder, or a Markdown line break inside a paragraph) or between two Han
characters. Spaces between Han and Latin text are the house style and stay.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from rich.cells import cell_len

if TYPE_CHECKING:
    from rich.text import Text
    from textual.content import Content

NO_LINE_START = "，。、：；！？）」』》〉】〕”’…"
"""Closing punctuation (and the ellipsis) never starts a line: the kinsoku rule every Chinese textbook follows."""
NO_LINE_END = "（「『《〈【〔“‘"
"""Opening punctuation never ends a line."""

_WIDE_CLOSING = "，。、：；！？）」』》〉】〕"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WIDE_PUNCTUATION = re.escape("，。、：；！？）」』》〉】〕”’（「『《〈【〔“‘")
_SPACE_TO_DROP = re.compile(rf"(?<=[{_WIDE_PUNCTUATION}]) +| +(?=[{_WIDE_PUNCTUATION}])|(?<=[{_HAN}]) +(?=[{_HAN}])")
_WORD = re.compile(r"\S+\s*|\s+")
_BACKQUOTED = re.compile(r"`[^`]+`")


def dropped_spaces(text: str) -> list[int]:
    """The offsets of the spaces `tidy` removes (the caller may hold styled text and remove them itself)."""
    return [index for match in _SPACE_TO_DROP.finditer(text) for index in range(*match.span())]


def tidy(text: str) -> str:
    return _SPACE_TO_DROP.sub("", text)


@lru_cache(maxsize=4096)
def _inner_breaks(word: str) -> tuple[int, ...]:
    """Offsets inside `word` (no spaces in it) where UAX #14 allows a line to start, with the kinsoku rules on top.

    Only beside a wide (Chinese) character: a run of Latin letters, digits and
    symbols (`∂out/∂x`, `1e-7`, `a[::-1]`) stays whole, as between spaces. After
    full-width closing punctuation a line may always end, as Chinese typesetting
    does (UAX #14 keeps "，--loss" together: no break before a hyphen).
    """
    if word.isascii():
        return ()
    from uniseg.linebreak import line_break_boundaries  # ~15 ms to import: only once a wide text needs it

    after_closing = {index for index in range(1, len(word)) if word[index - 1] in _WIDE_CLOSING}
    return tuple(
        index
        for index in sorted({*line_break_boundaries(word), *after_closing})
        if 0 < index < len(word)
        and word[index] not in NO_LINE_START
        and word[index - 1] not in NO_LINE_END
        and (cell_len(word[index - 1]) == 2 or cell_len(word[index]) == 2)
    )


def break_offsets(text: str, whole: Sequence[tuple[int, int]] = (), keep_code: bool = True) -> list[int]:
    """Every offset in one line of `text` (no newline) where a new line may start; none inside a `whole` range
    (inline code, start to end), nor inside `backquoted code` unless `keep_code` is False."""
    if keep_code:
        whole = [*whole, *(match.span() for match in _BACKQUOTED.finditer(text))]
    offsets: list[int] = []
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group().rstrip()
        if start and word and word[0] not in NO_LINE_START:
            offsets.append(start)
        offsets += [start + inner for inner in _inner_breaks(word)]
    return [offset for offset in offsets if not any(begin < offset < end for begin, end in whole)]


def line_breaks(text: str, width: int, indent: int = 0, whole: Sequence[tuple[int, int]] = ()) -> list[int]:
    """Where to cut one line of `text` (no newline) so that the first piece fits `width` cells, the others
    `width - indent` (they will be indented).

    Greedy: each line takes as many units (text between two break opportunities)
    as fit. Spaces at the end of a line do not count: they are dropped. A unit
    wider than a whole line is cut where it has spaces (inline code too long for
    any line), and only what is still too long is folded by cells (a long
    formula), never before closing punctuation.
    """
    if cell_len(text) <= width:
        return []
    cuts, _ = _fill(text, break_offsets(text, whole), max(width, 1), max(width - indent, 1), 0, True)
    return cuts


def _fill(text: str, offsets: list[int], room: int, rest: int, used: int, relax: bool) -> tuple[list[int], int]:
    """Cuts that fill lines of `room` cells (then `rest`) with `text`'s units, starting `used` cells in;
    and the cells its last line takes."""
    cuts: list[int] = []
    unit_start = 0
    for unit_end in [*offsets, len(text)]:
        unit = text[unit_start:unit_end]
        unit_width = cell_len(unit.rstrip())
        # a line holding only its indent is not cut: that would leave an empty line
        if used + unit_width > room and text[cuts[-1] if cuts else 0 : unit_start].strip():
            cuts.append(unit_start)
            room, used = rest, 0
        if used + unit_width > room:
            inner = break_offsets(unit, keep_code=False) if relax else []
            if inner:
                folds, used = _fill(unit, inner, room, rest, used, False)
            else:
                folds, used = _fold(unit, room, rest, used)
            cuts += [unit_start + fold for fold in folds]
            room = rest if folds else room
        else:
            used += cell_len(unit)
        unit_start = unit_end
    return cuts, used


def _fold(unit: str, room: int, rest: int, used: int) -> tuple[list[int], int]:
    """Offsets that cut `unit`, which starts `used` cells into a line of `room` cells, to lines of `rest` cells;
    and the cells the last piece takes. Closing punctuation stays with what it closes."""
    cuts = []
    for index, char in enumerate(unit):
        size = cell_len(char)
        if used and used + size > room and not char.isspace() and char not in NO_LINE_START:
            cuts.append(index)
            room, used = rest, 0
        used += size
    return cuts, used


def hanging_indent(line: str, width: int) -> int:
    """A line's continuation lines start under its first word (its own indent), while that leaves half the width."""
    indent = len(line) - len(line.lstrip(" "))
    return indent if indent <= width // 2 else 0


Styled = TypeVar("Styled", str, "Text", "Content")


def wrap(text: Styled, width: int, whole: Sequence[tuple[int, int]] = ()) -> list[Styled]:
    """`text` (a str, rich Text or Textual Content) tidied and cut into lines of at most `width` cells.

    A newline in `text` always starts a new line; a line cut in two continues
    under its own indent; no line is cut inside a `whole` range of `text` (inline
    code). Styled text keeps its styles: it is only sliced.
    """
    plain = _plain(text)
    drops = dropped_spaces(plain)
    if drops:
        whole = [(begin - bisect_left(drops, begin), end - bisect_left(drops, end)) for begin, end in whole]
        keep = [0, *(index for drop in drops for index in (drop, drop + 1)), len(plain)]
        pieces = [text[start:end] for start, end in zip(keep[::2], keep[1::2])]
        text = pieces[0]
        for piece in pieces[1:]:
            text += piece
        plain = _plain(text)
    lines: list[Styled] = []
    start = 0
    for line in plain.split("\n"):
        indent = hanging_indent(line, width)
        inside = [(begin - start, end - start) for begin, end in whole if start <= begin and end <= start + len(line)]
        cuts = [0, *line_breaks(line, width, indent, inside), len(line)]
        for number, (begin, end) in enumerate(zip(cuts, cuts[1:])):
            kept = len(line[begin:end].rstrip())
            piece = text[start + begin : start + begin + kept]
            lines.append(piece[0:0] + " " * indent + piece if number and indent else piece)
        start += len(line) + 1
    return lines


def _plain(text: str | Text | Content) -> str:
    return text if isinstance(text, str) else text.plain
