"""`tensortour autograd --preset course|apples|twolayer|nograd|vector|twice`: the lesson's flags and their spec."""

from __future__ import annotations

import argparse

from engine.autograd_presets import COURSE_GRAPHS, PRESETS, AutogradSpec, spec_with_texts
from engine.matrix import fmt_exact, format_matrix


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--preset",
        choices=PRESETS,
        default="course",
        help="the graph: the course's example, the book's apples, a 2-layer net; the course's graph under "
        "no_grad, as a vector output z given backward(gradient=v), with backward called twice",
    )
    parser.add_argument(
        "--x",
        default=None,
        help="course, nograd, vector, twice: x as rows, e.g. '1 2; 3 4' (at most 3×3); twolayer: 2 numbers",
    )
    parser.add_argument("--apple", default=None, help="apples: the price of one apple (100)")
    parser.add_argument("--count", default=None, help="apples: how many apples (2)")
    parser.add_argument("--tax", default=None, help="apples: the tax factor (1.1)")
    parser.add_argument(
        "--gradient",
        dest="v",
        default=None,
        help="vector: the v of z.backward(gradient=v), rows shaped like x (default 1, 0.1, 0.01 …)",
    )
    parser.add_argument(
        "--class",
        dest="target",
        default=None,
        help="twolayer: the target class, 0 to 2",
    )


def setup_from(args: argparse.Namespace) -> AutogradSpec:
    """The AutogradSpec the flags describe; raises SpecError for anything invalid."""
    spec = AutogradSpec(preset=args.preset)
    texts = {
        name: getattr(args, name) for name in ("x", "apple", "count", "tax", "v") if getattr(args, name) is not None
    }
    if args.target is not None:
        texts["class"] = args.target
    return spec_with_texts(spec, texts) if texts else spec


def flags_of(spec: AutogradSpec) -> dict[str, object]:
    """The preset and the inputs it takes (another preset's inputs are its defaults again: p resets them)."""
    flags: dict[str, object] = {"preset": spec.preset}
    if spec.preset == "apples":
        return flags | {"apple": spec.apple, "count": spec.count, "tax": spec.tax}
    if spec.preset in COURSE_GRAPHS:
        flags["x"] = format_matrix(spec.x)
    else:
        flags |= {"x": " ".join(fmt_exact(value) for value in spec.x.reshape(-1)), "class": spec.target}
    if spec.preset == "vector" and spec.gradient is not None:
        flags["gradient"] = format_matrix(spec.gradient)
    return flags
