"""`tensortour conv`: flags for the convolution lesson and its `--plain` walk-through."""

from __future__ import annotations

import argparse

from engine.conv import conv_trace
from engine.conv_setup import CUSTOM, ConvSetup
from engine.matrix import parse_matrix, parse_vector
from engine.presets import INPUTS, KERNELS
from tui.flags import matrix_lines
from tui.i18n import lesson_title, t



def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="ramp", help=f"a preset ({', '.join(INPUTS)}) or rows like '1 2 3; 4 5 6'")
    parser.add_argument("--kernel", default="sobel-x", help=f"a preset ({', '.join(KERNELS)}) or rows like '1 0; 0 -1'")
    parser.add_argument("--kernel-size", type=int, help="kernel size: a preset is drawn at it, a typed kernel cropped or zero-extended")
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


def plain(setup: ConvSetup) -> str:
    """The formula, then each step (position, window, products, sum), then the output."""
    trace = conv_trace(setup.spec())
    spec = trace.spec
    lines = [
        lesson_title("conv"),
        t("cli.plain_settings", s=spec.stride, p=spec.padding, d=spec.dilation, k=spec.kernel_size, cin=spec.in_channels, cout=spec.out_channels),
        "",
        t("cli.plain_padded", p=spec.padding),
    ]
    for channel, matrix in enumerate(trace.padded):
        if spec.in_channels > 1:
            lines.append("  " + t("conv.channel", c=channel))
        lines += matrix_lines(matrix)
    for out_channel in range(spec.out_channels):
        lines.append(t("cli.plain_kernel", o=out_channel) + f" {setup.kernel_name_for(out_channel)}")
        for channel, kernel in enumerate(spec.weight[out_channel]):
            if spec.in_channels > 1:
                lines.append("  " + t("conv.channel", c=channel))
            lines += matrix_lines(kernel)
    lines += ["", t("cli.plain_formula")]
    for formula in trace.formulas:
        lines.append(f"  {formula.symbolic} = {formula.filled}")
    lines.append("")
    for index in range(trace.step_count):
        step = trace.step(index)
        top, left, bottom, right = step.window
        lines.append(t("cli.plain_step", step=index + 1, total=trace.step_count, label=step.label, top=top, bottom=bottom, left=left, right=right))
        lines.append(f"  {step.equation}")
    lines += ["", t("cli.plain_output", c=spec.out_channels, h=trace.out_height, w=trace.out_width)]
    for channel, matrix in enumerate(trace.output):
        if spec.out_channels > 1:
            lines.append("  " + t("conv.out_channel", c=channel))
        lines += matrix_lines(matrix)
    return "\n".join(lines)
