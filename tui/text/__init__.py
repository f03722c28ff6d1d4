"""Each lesson's words: the sentences, tables and pictures as text that its screen and `--plain` both print.

A module here, `tui/text/<lesson>.py`, has `plain(setup) -> str` (the whole
walk-through `tensortour <lesson> --plain` prints) and the functions the
lesson's screen builds the same words with, from the catalogues (`tui.i18n`),
so the screen and `--plain` cannot say different things. This package never
imports textual: `--plain` must run without loading the UI (nor torch, except
the training lesson's model summary), and a screen only lays out what it gets
from here. The helpers below are layouts several lessons share.
"""

from rich.cells import cell_len

from engine.numbers import fmt
from tui.i18n import t


def rjust(text: str, width: int) -> str:
    """`text` right-aligned in `width` terminal cells: a Chinese character takes two, whatever len() says."""
    return " " * (width - cell_len(text)) + text


def ljust(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


def labelled_rows(cells: list[list[str]], labels: list[str]) -> list[str]:
    """A table for `--plain`: each row's label right-aligned, then its cells right-aligned to the widest cell."""
    width = max((cell_len(cell) for row in cells for cell in row), default=1)
    label_width = max(cell_len(label) for label in labels)
    return [
        f"  {rjust(label, label_width)} " + " ".join(rjust(cell, width) for cell in row)
        for label, row in zip(labels, cells)
    ]


def matrix_lines(array, indent: str = "  ") -> list[str]:
    """A matrix as right-aligned text rows for `--plain`; higher dimensions are stacked as rows, 0-d as one cell."""
    rows = array.reshape(-1, array.shape[-1]) if array.ndim else array.reshape(1, 1)
    cells = [[fmt(v) for v in row] for row in rows]
    width = max((len(c) for row in cells for c in row), default=0)
    return [indent + " ".join(c.rjust(width) for c in row) for row in cells]


def aligned(cells: list[list[str]]) -> list[str]:
    """Each column right-aligned to its widest cell, one space between columns."""
    widths = [max(len(row[col]) for row in cells) for col in range(len(cells[0]))]
    return [" ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in cells]


def table_lines(rows: list[list[str]], right: tuple[bool, ...]) -> list[str]:
    """A table for `--plain`: columns as wide as their widest cell (in terminal cells), `right[i]` right-aligns column i."""
    widths = [max(cell_len(row[column]) for row in rows) for column in range(len(right))]
    lines = []
    for row in rows:
        cells = [rjust(cell, w) if r else ljust(cell, w) for cell, w, r in zip(row, widths, right)]
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def window_steps(trace) -> list[str]:
    """Each step of a sliding window (convolution, pooling): where the window sits, then its arithmetic."""
    lines = []
    for index in range(trace.step_count):
        step = trace.step(index)
        top, left, bottom, right = step.window
        lines.append(
            t(
                "cli.plain_step",
                step=index + 1,
                total=trace.step_count,
                label=step.label,
                top=top,
                bottom=bottom,
                left=left,
                right=right,
            )
        )
        lines.append(f"  {step.equation}")
    return lines
