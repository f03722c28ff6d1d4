"""`tensortour loss`: the loss lesson's flags and the spec they describe."""

from __future__ import annotations

import argparse

from engine.loss import CLASSES, COURSE_CLASS, LossSpec, parse_y
from engine.matrix import fmt_exact


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--y",
        default=None,
        help="the network's output: 10 numbers ≥ 0, e.g. '0.1 0.05 0.6 0 0.05 0.1 0 0.1 0 0'",
    )
    parser.add_argument(
        "--class",
        dest="target",
        type=int,
        default=COURSE_CLASS,
        help=f"the target class, 0 to {CLASSES - 1} (t is one-hot there)",
    )


def setup_from(args: argparse.Namespace) -> LossSpec:
    """The LossSpec the flags describe; raises SpecError for anything invalid."""
    return LossSpec(target=args.target) if args.y is None else LossSpec(parse_y(args.y), args.target)


def flags_of(spec: LossSpec) -> dict[str, object]:
    return {"y": " ".join(fmt_exact(value) for value in spec.y), "class": spec.target}
