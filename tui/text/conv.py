"""The convolution lesson's `--plain` walk-through."""

from __future__ import annotations

from engine.conv import conv_trace
from engine.conv_setup import ConvSetup
from tui.i18n import display_name, lesson_title, t
from tui.text import matrix_lines, window_steps


def plain(setup: ConvSetup) -> str:
    """The formula, then each step (position, window, products, sum), then the output."""
    trace = conv_trace(setup.spec())
    spec = trace.spec
    lines = [
        lesson_title("conv"),
        t(
            "cli.plain_settings",
            s=spec.stride,
            p=spec.padding,
            d=spec.dilation,
            k=spec.kernel_size,
            cin=spec.in_channels,
            cout=spec.out_channels,
        ),
        "",
        t("cli.plain_padded", p=spec.padding),
    ]
    for channel, matrix in enumerate(trace.padded):
        if spec.in_channels > 1:
            lines.append("  " + t("conv.channel", c=channel))
        lines += matrix_lines(matrix)
    for out_channel in range(spec.out_channels):
        lines.append(t("cli.plain_kernel", o=out_channel) + f" {display_name(setup.kernel_name_for(out_channel))}")
        for channel, kernel in enumerate(spec.weight[out_channel]):
            if spec.in_channels > 1:
                lines.append("  " + t("conv.channel", c=channel))
            lines += matrix_lines(kernel)
    lines += ["", t("cli.plain_formula")]
    for formula in trace.formulas:
        lines.append(f"  {formula.symbolic} = {formula.filled}")
    lines.append("")
    lines += window_steps(trace)
    lines += [
        "",
        t(
            "cli.plain_output",
            c=spec.out_channels,
            h=trace.out_height,
            w=trace.out_width,
        ),
    ]
    for channel, matrix in enumerate(trace.output):
        if spec.out_channels > 1:
            lines.append("  " + t("conv.out_channel", c=channel))
        lines += matrix_lines(matrix)
    return "\n".join(lines)
