"""`tensortour perceptron`: the perceptron lesson's flags and the spec they describe."""

from __future__ import annotations

import argparse

from engine.perceptron import GATES, WEIGHTS, PerceptronSpec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gate",
        choices=GATES,
        default="and",
        help="the gate to realise; xor2 builds XOR from NAND, OR and AND",
    )
    for name in WEIGHTS:
        parser.add_argument(
            f"--{name}",
            default=None,
            help=f"{name} (default: the course's weights for the gate), -10 to 10, two decimals at most",
        )


def setup_from(args: argparse.Namespace) -> PerceptronSpec:
    """The gate with the weights typed on the command line; raises SpecError for anything invalid."""
    spec = PerceptronSpec(args.gate)
    typed = {name: getattr(args, name) for name in WEIGHTS if getattr(args, name) is not None}
    return spec.with_weights(**typed) if typed else spec


def flags_of(spec: PerceptronSpec) -> dict[str, object]:
    """The gate and its weights (the two-layer XOR uses the course's units: no weights of its own)."""
    if spec.two_layer:
        return {"gate": spec.gate}
    return {"gate": spec.gate, **{name: float(getattr(spec, name)) for name in WEIGHTS}}
