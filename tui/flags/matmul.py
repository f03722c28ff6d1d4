"""`tensortour matmul 2,3 3,4`: the matrix-product lesson's flags and the spec they describe."""

from __future__ import annotations

import argparse

from engine.errors import SpecError
from engine.matmul import matmul_trace
from engine.matmul_shapes import parse_shape
from engine.matmul_spec import EXAMPLES, MatmulSpec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "shapes",
        nargs="*",
        metavar="SHAPE",
        help="the shapes of X and W: 2,3 3,4 or '(2, 3)' '(3, 4)' or 2x3 3x4",
    )
    parser.add_argument(
        "--bias",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="add B, one number per column of W (default: on)",
    )
    parser.add_argument("--seed", type=int, help="random small integers instead of the pattern")
    parser.add_argument(
        "--example",
        choices=list(EXAMPLES),
        help="start from one of the lesson's examples",
    )


def setup_from(args: argparse.Namespace) -> MatmulSpec:
    """The MatmulSpec the arguments describe; raises SpecError for a malformed shape. A mismatch is a lesson, not an error."""
    spec = MatmulSpec().with_example(args.example) if args.example else MatmulSpec()
    if args.shapes:
        if len(args.shapes) != 2:
            raise SpecError("matmul_shape_count", got=len(args.shapes))
        x_shape, w_shape = (
            parse_shape(args.shapes[0], "matmul_x"),
            parse_shape(args.shapes[1], "matmul_w"),
        )
        if (x_shape, w_shape) != (spec.x_shape, spec.w_shape):
            spec = MatmulSpec(x_shape, w_shape)
    if args.bias is not None:
        spec = spec.with_bias(args.bias)
    if args.seed is not None:
        spec = spec.with_random(args.seed)
    matmul_trace(spec)
    return spec
