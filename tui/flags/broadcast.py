"""`tensortour broadcast 3,1 4`: the broadcasting lesson's command line and the setup it describes."""

from __future__ import annotations

import argparse

from engine.broadcast import OPS
from engine.broadcast_setup import (
    CUSTOM,
    DEFAULT,
    EXAMPLES,
    BroadcastSetup,
    named_setup,
    parse_shapes,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "shapes",
        nargs="*",
        metavar="SHAPE",
        help="two or three shapes: 3,1  '(3, 1)'  3x1  '(5,)'  '()'",
    )
    parser.add_argument(
        "--example",
        choices=list(EXAMPLES),
        help=f"a worked example instead of shapes (default {DEFAULT})",
    )
    parser.add_argument(
        "--op",
        choices=list(OPS),
        help="the elementwise operation (default add, or the example's)",
    )


def setup_from(args: argparse.Namespace) -> BroadcastSetup:
    """The shapes typed on the command line, else the example; raises SpecError for anything invalid."""
    example = BroadcastSetup(args.example or DEFAULT)
    shapes = parse_shapes(args.shapes) if args.shapes else example.shapes
    setup = named_setup(shapes, args.op or ("add" if args.shapes else example.op))
    setup.spec()
    return setup


def flags_of(setup: BroadcastSetup) -> dict[str, object]:
    """An example by name, else the shapes (`3,1`, `4`, `()`) and the operation."""
    if setup.example != CUSTOM:
        return {"example": setup.example}
    shapes = [",".join(map(str, shape)) if shape else "()" for shape in setup.shapes]
    return {"shapes": shapes, "op": setup.op}
