"""`tensortour activations`: the activation-functions lesson's flags and the setup they describe."""

from __future__ import annotations

import argparse

from engine.activations import FUNCTIONS, ActivationSpec
from engine.activations_collapse import ActivationSetup
from engine.matrix import fmt_exact, parse_vector


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--function",
        choices=FUNCTIONS,
        default="sigmoid",
        help="the activation function to show",
    )
    parser.add_argument(
        "--vector",
        default=None,
        help="softmax's input, 2 to 8 numbers like '0.3 2.9 4.0' (the course's)",
    )
    parser.add_argument(
        "--collapse",
        action="store_true",
        help="why non-linear: two linear layers against one matrix",
    )
    parser.add_argument("--seed", type=int, default=0, help="the random draw of the --collapse demo")


def setup_from(args: argparse.Namespace) -> ActivationSetup:
    """The function, vector and demo the flags describe; raises SpecError for anything invalid."""
    vector = {} if args.vector is None else {"vector": tuple(parse_vector(args.vector, "activations_vector"))}
    return ActivationSetup(ActivationSpec(args.function, **vector), collapse=args.collapse, seed=args.seed)


def flags_of(setup: ActivationSetup) -> dict[str, object]:
    return {
        "function": setup.spec.function,
        "vector": " ".join(fmt_exact(value) for value in setup.spec.vector),
        "collapse": setup.collapse,
        "seed": setup.seed,
    }
