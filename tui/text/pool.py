"""The pooling lesson's words: the course's points for a setup, and the `--plain` walk-through."""

from __future__ import annotations

from engine.pool import PoolSpec, conv_parameters, pool_trace
from engine.pool_setup import PoolSetup
from tui.i18n import lesson_title, t
from tui.text import matrix_lines, window_steps


def notes(setup: PoolSetup, spec: PoolSpec) -> list[str]:
    """The course's points for this setup: what padding holds, stride against window, parameters, the shift."""
    report = setup.shift_report()
    shift = (
        t(
            "pool.shift_report",
            pixels=report.distance,
            side=t(f"pool.{report.side}"),
            unchanged=report.unchanged,
            total=report.total,
        )
        if report
        else t("pool.shift_hint")
    )
    return [
        t(f"pool.pad_{spec.mode}"),
        t(f"pool.stride_{spec.stride_relation}"),
        t(
            "pool.parameters",
            k=spec.kernel_size,
            conv=conv_parameters(spec.kernel_size),
        ),
        shift,
    ]


def plain(setup: PoolSetup) -> str:
    """Settings and the course's points, the formula, each step's reduction, the output, then the backward pass."""
    trace = pool_trace(setup.spec())
    spec = trace.spec
    auto = t("pool.auto") if spec.stride_is_auto else ""
    lines = [
        lesson_title("pool"),
        t(
            "cli.pool_settings",
            mode=spec.mode,
            k=spec.kernel_size,
            s=spec.actual_stride,
            auto=auto,
            p=spec.padding,
        ),
        *notes(setup, spec)[: 4 if setup.shift else 3],
    ]
    if setup.shift:
        lines.append(
            t(
                "pool.shifted",
                value=setup.shift,
                side=t(f"pool.{setup.shift_report().side}"),
            )
        )
    lines += [
        "",
        t("cli.pool_padded", p=spec.padding),
        *matrix_lines(trace.padded),
        "",
        t("cli.plain_formula"),
    ]
    lines += [f"  {formula.symbolic} = {formula.filled}" for formula in trace.formulas]
    lines.append("")
    lines += window_steps(trace)
    lines += [
        "",
        t("cli.plain_output", c=1, h=trace.out_height, w=trace.out_width),
        *matrix_lines(trace.output),
    ]
    lines += [
        "",
        t("cli.pool_upstream"),
        *matrix_lines(trace.upstream),
        t("cli.pool_grad"),
        *matrix_lines(trace.input_grad()),
    ]
    return "\n".join(lines)
