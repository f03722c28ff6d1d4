"""`tensortour pool`: the pooling lesson's flags and the setup they describe."""

from __future__ import annotations

import argparse

from engine.matrix import format_matrix, parse_matrix
from engine.pool import MODES, pool_trace
from engine.pool_setup import CUSTOM, MAX_SHIFT, PoolSetup
from engine.presets import INPUTS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="max",
        help="max, avg or min pooling (min is −max_pool2d(−x))",
    )
    parser.add_argument(
        "--input",
        default="digit",
        help=f"a preset ({', '.join(INPUTS)}) or rows like '1 2 3; 4 5 6'",
    )
    parser.add_argument("--size", type=int, default=2, help="window size K (a K×K window)")
    parser.add_argument(
        "--stride",
        type=int,
        default=None,
        help="stride S (default: S = K, as in torch)",
    )
    parser.add_argument("--padding", type=int, default=0, help="padding P, at most K/2 (torch's rule)")
    parser.add_argument(
        "--shift",
        type=int,
        default=0,
        help=f"shift the input right (left if negative), -{MAX_SHIFT} to {MAX_SHIFT} pixels",
    )


def setup_from(args: argparse.Namespace) -> PoolSetup:
    """The PoolSetup the flags describe; raises SpecError for anything invalid."""
    preset = args.input in INPUTS
    setup = PoolSetup(
        input_name=args.input if preset else CUSTOM,
        base_input=None if preset else parse_matrix(args.input, "input"),
        mode=args.mode,
        kernel_size=args.size,
        stride=args.stride,
        padding=args.padding,
        shift=args.shift,
    )
    pool_trace(setup.spec())
    return setup


def flags_of(setup: PoolSetup) -> dict[str, object]:
    """The flags that give `setup` back: a preset input by name, a typed or random one as rows; no stride: auto."""
    flags: dict[str, object] = {
        "mode": setup.mode,
        "input": setup.input_name if setup.input_name in INPUTS else format_matrix(setup.base_input),
        "size": setup.kernel_size,
    }
    if setup.stride is not None:
        flags["stride"] = setup.stride
    flags.update({"padding": setup.padding, "shift": setup.shift})
    return flags
