"""Each lesson's command-line flags: how they become the lesson's setup, and its `--plain` text.

A module here has `add_arguments(parser)`, `setup_from(args)` (raises SpecError)
and `plain(setup)`. None of them imports textual: `--plain` never loads the UI.
"""

from engine.numbers import fmt


def matrix_lines(array, indent: str = "  ") -> list[str]:
    """A matrix as right-aligned text rows for `--plain`; higher dimensions are stacked as rows, 0-d as one cell."""
    rows = array.reshape(-1, array.shape[-1]) if array.ndim else array.reshape(1, 1)
    cells = [[fmt(v) for v in row] for row in rows]
    width = max((len(c) for row in cells for c in row), default=0)
    return [indent + " ".join(c.rjust(width) for c in row) for row in cells]
