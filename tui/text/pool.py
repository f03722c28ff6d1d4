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
        *stride_lines(spec),
        t(
            "pool.parameters",
            k=spec.kernel_size,
            conv=conv_parameters(spec.kernel_size),
        ),
        shift,
    ]


def stride_lines(spec: PoolSpec) -> list[str]:
    """Stride against window, and the rows and columns after the last window, where there are any:
    "windows tile the input" only where they do."""
    rows, columns = spec.left_out
    relation = spec.stride_relation
    if not rows and not columns:
        return [t(f"pool.stride_{relation}")]
    relation = {"tile_auto": "side_auto", "tile": "side"}.get(relation, relation)
    parts = [_span(kind, span) for kind, span in (("rows", rows), ("columns", columns)) if span]
    return [t(f"pool.stride_{relation}"), t("pool.left_out", what=t("pool.and").join(parts))]


def _span(kind: str, span: range) -> str:
    if len(span) == 1:
        return t(f"pool.left_{kind}_one", first=span.start)
    return t(f"pool.left_{kind}", first=span.start, last=span.stop - 1)


def plain(setup: PoolSetup) -> str:
    """Settings and the course's points, the formula, each step's reduction, the output, then the backward pass."""
    trace = pool_trace(setup.spec())
    spec = trace.spec
    auto = t("pool.auto") if spec.stride_is_auto else ""
    lines = [
        lesson_title("pool"),
        t(
            "cli.pool_settings",
            mode=t(f"pool.mode_{spec.mode}"),
            k=spec.kernel_size,
            s=spec.actual_stride,
            auto=auto,
            p=spec.padding,
        ),
        *(notes(setup, spec) if setup.shift else notes(setup, spec)[:-1]),
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
    lines.append(f"  {t('pool.dilation')}")
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
