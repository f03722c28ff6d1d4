"""`tensortour arch lenet5|alexnet|vgg16|googlenet`: the architectures lesson's flags and the spec they describe."""

from __future__ import annotations

import argparse

from engine.arch_nets import NETWORKS, ArchSpec, arch_trace


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "network",
        nargs="?",
        choices=list(NETWORKS),
        default="lenet5",
        help="the network to step through (default lenet5)",
    )
    parser.add_argument(
        "--size",
        type=int,
        default=None,
        help="side of the square input (default: the network's own, 32 or 224)",
    )


def setup_from(args: argparse.Namespace) -> ArchSpec:
    """The ArchSpec the flags describe; raises SpecError if torch could not run that input."""
    spec = ArchSpec(args.network, args.size)
    arch_trace(spec)
    return spec


def flags_of(spec: ArchSpec) -> dict[str, object]:
    return {"network": spec.network} | ({} if spec.size is None else {"size": spec.size})
