"""`tensortour matmul 2,3 3,4`: the matrix-product lesson's flags and the spec they describe."""

from __future__ import annotations

import argparse

from engine.errors import SpecError
from engine.matmul import matmul_trace
from engine.matmul_shapes import parse_shape, shape_text
from engine.matmul_spec import EXAMPLES, RANDOM, TYPED, MatmulSpec, out_size, typed_values


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
    for name in "xwb":
        parser.add_argument(
            f"--{name}",
            default=None,
            help=f"the numbers of {name.upper()}, row after row of its last axis, like '1 2 3; 4 5 6' "
            "(default: the pattern; the others keep theirs)",
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
    typed = {name: getattr(args, name) for name in "xwb" if getattr(args, name) is not None}
    if args.seed is not None and typed:
        raise SpecError("matmul_seed_and_numbers", flag=f"--{next(iter(typed))}")
    if args.seed is not None:
        spec = spec.with_random(args.seed)
    if typed:
        spec = with_numbers(spec, typed)
    matmul_trace(spec)
    return spec


def with_numbers(spec: MatmulSpec, typed: dict[str, str]) -> MatmulSpec:
    """The spec with the numbers typed for X, W or B; an operand not typed keeps the pattern."""
    m = out_size(spec.w_shape)
    if m is None and "b" in typed:
        raise SpecError("matmul_no_bias_axis", w=shape_text(spec.w_shape))
    shapes = {"x": spec.x_shape, "w": spec.w_shape, "b": (m,)}
    values = {name: typed_values(text, shapes[name], f"matmul_{name}", spec.has_values) for name, text in typed.items()}
    return MatmulSpec(spec.x_shape, spec.w_shape, spec.bias, example=spec.example, source=TYPED, **values)


def flags_of(spec: MatmulSpec) -> dict[str, object]:
    """The shapes, the bias switch when off, and where the numbers came from: a seed, or the numbers typed."""
    flags: dict[str, object] = {"shapes": [",".join(map(str, shape)) or "()" for shape in (spec.x_shape, spec.w_shape)]}
    if not spec.bias:
        flags["bias"] = False
    if spec.source == RANDOM:
        flags["seed"] = spec.seed
    elif spec.source == TYPED:
        flags |= {name: spec.values_text(name) for name in "xwb" if getattr(spec, name) is not None}
    return flags
