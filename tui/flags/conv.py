"""`tensortour conv`: the convolution lesson's flags and the setup they describe."""

from __future__ import annotations

import argparse

from engine.conv_setup import CUSTOM, ConvSetup
from engine.matrix import fmt_exact, format_matrix, parse_matrix, parse_vector
from engine.presets import INPUTS, KERNELS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input",
        default="ramp",
        help=f"a preset ({', '.join(INPUTS)}) or rows like '1 2 3; 4 5 6'",
    )
    parser.add_argument(
        "--kernel",
        default="sobel-x",
        help=f"a preset ({', '.join(KERNELS)}) or rows like '1 0; 0 -1'",
    )
    parser.add_argument(
        "--kernel-size",
        type=int,
        help="kernel size: a preset is drawn at it, a typed kernel cropped or zero-extended",
    )
    parser.add_argument("--bias", default="", help="one number per output channel (default 0)")
    parser.add_argument("--stride", type=int, default=1)
    parser.add_argument("--padding", type=int, default=0)
    parser.add_argument("--dilation", type=int, default=1)
    parser.add_argument("--in-channels", type=int, default=1, help="1 to 3")
    parser.add_argument("--out-channels", type=int, default=1, help="1 to 4")


def setup_from(args: argparse.Namespace) -> ConvSetup:
    """The ConvSetup the flags describe; raises SpecError for anything invalid."""
    setup = ConvSetup(
        input_name=args.input if args.input in INPUTS else CUSTOM,
        base_input=None if args.input in INPUTS else parse_matrix(args.input, "input"),
        kernel_name=args.kernel if args.kernel in KERNELS else CUSTOM,
        base_kernel=None if args.kernel in KERNELS else parse_matrix(args.kernel, "kernel"),
        stride=args.stride,
        padding=args.padding,
        dilation=args.dilation,
        in_channels=args.in_channels,
        out_channels=args.out_channels,
    )
    if args.kernel_size is not None:
        setup = setup.with_kernel_size(args.kernel_size)
    bias = tuple(parse_vector(args.bias, "bias"))
    setup = setup.with_custom(setup.base_input, setup.base_kernel, bias) if bias else setup
    setup.spec()
    return setup


def flags_of(setup: ConvSetup) -> dict[str, object]:
    """The flags that give `setup` back: presets by name, typed or random matrices as rows.

    The bias is the one the lesson computes with, one number per output channel
    (a bias typed for more channels than are shown keeps only theirs).
    """
    flags: dict[str, object] = {
        "input": setup.input_name if setup.input_name in INPUTS else format_matrix(setup.base_input),
        "kernel": setup.kernel_name if setup.kernel_name in KERNELS else format_matrix(setup.base_kernel),
    }
    if setup.kernel_name in KERNELS:
        flags["kernel-size"] = setup.kernel_size
    if setup.bias:
        flags["bias"] = " ".join(fmt_exact(value) for value in setup.spec().bias)
    flags.update(
        {
            "stride": setup.stride,
            "padding": setup.padding,
            "dilation": setup.dilation,
            "in-channels": setup.in_channels,
            "out-channels": setup.out_channels,
        }
    )
    return flags
