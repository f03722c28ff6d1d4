"""`tensortour index "a[[0, 1, 2], [0, 1, 0]]"`: the indexing lesson's flags and the setup they describe."""

from __future__ import annotations

import argparse

from engine.index_parse import parse_index
from engine.index_setup import (
    COURSE_ARRAY,
    EXAMPLES_1D,
    EXAMPLES_2D,
    IndexSetup,
    parse_array,
)

EPILOG = f"""\
Expressions (parsed, never eval-ed): a[1:, 1:]  a[::-1]  a[0]  a[:, 1]  a[[0, 2]]
  a[[0, 1, 2], [0, 1, 0]]  a[a > 2]  a[a % 2 == 0]  a[(a > 1) & (a < 5)]  a[..., None]
Examples for a 2-D array: {"  ".join(EXAMPLES_2D[:6])} …
Examples for a 1-D array: {"  ".join(EXAMPLES_1D[:6])} …

--array "1 2 3" is 1-D, shape (3,); "1 2 3;" is 2-D, shape (1, 3).

Exit status: 0 with the walk-through; also 0 when NumPy itself would raise
(an index out of bounds, too many indices, index arrays that do not broadcast,
a zero step): that is a lesson, and NumPy's exact message is printed. 2 for an
expression outside the grammar (the message names the column) or a bad array."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument(
        "expression",
        nargs="?",
        help="a subscript of a, like 'a[1:, 1:]' (default: the first example)",
    )
    parser.add_argument(
        "--array",
        help="rows like '1 2; 3 4; 5 6' (default: the course's a = np.array([[1,2],[3,4],[5,6]])); "
        "one row without ';' is 1-D; start with a minus as --array='-1 2'",
    )


def setup_from(args: argparse.Namespace) -> IndexSetup:
    """The IndexSetup the flags describe; raises SpecError for an expression outside the grammar or a bad array."""
    array = COURSE_ARRAY if args.array is None else parse_array(args.array)
    expression = None if args.expression is None else parse_index(args.expression).text
    setup = IndexSetup(array, expression)
    setup.spec()
    return setup


def flags_of(setup: IndexSetup) -> dict[str, object]:
    """The expression and the array (`1 2 3` is 1-D, `1 2 3;` a 1×3 matrix)."""
    return {"expression": setup.expression, "array": setup.array_text}
