"""The activation-functions lesson's words: the text it shares with its screen, and `--plain`."""

from __future__ import annotations

import numpy as np
from rich.cells import cell_len

from engine.activations import (
    FORMULAS,
    CurveStep,
    CurveTrace,
    SoftmaxTrace,
    activation_trace,
)
from engine.activations_collapse import (
    ActivationSetup,
    CollapseStep,
    CollapseTrace,
    collapse_trace,
)
from engine.activations_plot import curve_rows, softmax_bars
from engine.numbers import fmt
from engine.perceptron_plot import plain_picture
from tui.i18n import lesson_title, t
from tui.text import aligned, ljust, matrix_lines

SOLID, DOTTED = "━", "┄"


def function_name(function: str) -> str:
    """`ReLU`, and `identity` / `恒等` in the student's language."""
    return t(f"activations.name_{function}")


def vec(values: np.ndarray) -> str:
    """`(0.41, -0.27)`"""
    return "(" + ", ".join(fmt(float(v)) for v in values) + ")"


def curve_lines(step: CurveStep) -> list[str]:
    """f and f′ at the cursor, marked solid and dotted as their curves are drawn; the note at ReLU's kink."""
    value, slope = step.equations
    lines = [f"{SOLID} {value}", f"{DOTTED} {slope}"]
    return lines + [t("activations.kink")] if step.at_kink else lines


def softmax_table(trace: SoftmaxTrace) -> list[str]:
    """One row per entry: a, a − max, e^(a − max), y and y as a bar; the sums below."""
    bars = softmax_bars(trace.y)
    cells = [["k", "a", "a−max", "e^(a−max)", "y"]]
    cells += [
        [str(k), fmt(a), fmt(s), fmt(e), fmt(y)]
        for k, (a, s, e, y) in enumerate(zip(trace.a, trace.shifted, trace.exps, trace.y))
    ]
    cells.append(["Σ", "", "", fmt(trace.total), fmt(trace.y_sum)])
    lines = aligned(cells)
    return [
        lines[0],
        *(f"{line} {bar}" for line, bar in zip(lines[1:-1], bars)),
        lines[-1],
    ]


def softmax_lines(trace: SoftmaxTrace, index: int) -> list[str]:
    step = trace.step(index)
    return [step.equation, step.gradient]


def collapse_matrices(trace: CollapseTrace) -> list[str]:
    """W1, W2 and W = W2·W1 side by side, each under its name."""
    blocks = [
        (t("activations.w1", shape="3×2"), matrix_lines(trace.w1, "")),
        (t("activations.w2", shape="2×3"), matrix_lines(trace.w2, "")),
        (t("activations.w", shape="2×2"), matrix_lines(trace.merged_weights, "")),
    ]
    widths = [max(cell_len(title), *(cell_len(line) for line in lines)) for title, lines in blocks]
    height = max(len(lines) for _, lines in blocks) + 1
    rows = []
    for r in range(height):
        cells = [
            ljust(title if r == 0 else lines[r - 1] if r - 1 < len(lines) else "", width)
            for (title, lines), width in zip(blocks, widths)
        ]
        rows.append("   ".join(cells).rstrip())
    return rows


def collapse_lines(step: CollapseStep) -> list[str]:
    """One input through W2·(W1·x), W·x and W2·ReLU(W1·x), with the differences."""
    linear = t("activations.delta", delta=fmt(step.linear_delta))
    relu = t("activations.delta", delta=fmt(step.relu_delta)) if step.cut else t("activations.nothing_cut")
    return [
        f"x             = {vec(step.x)}",
        f"W1·x          = {vec(step.hidden)}",
        f"W2·(W1·x)     = {vec(step.stacked)}",
        f"W·x           = {vec(step.merged)}  {linear}",
        f"ReLU(W1·x)    = {vec(step.rectified)}",
        f"W2·ReLU(W1·x) = {vec(step.nonlinear)}  {relu}",
    ]


def collapse_verdict(trace: CollapseTrace) -> list[str]:
    return [
        t(
            "activations.collapse_same",
            count=trace.step_count,
            delta=fmt(trace.linear_delta),
        ),
        t(
            "activations.collapse_relu",
            count=trace.step_count,
            delta=fmt(trace.relu_delta),
        ),
    ]


def use_line(function: str) -> str:
    return t(f"activations.use_{function}")


def plain(setup: ActivationSetup) -> str:
    """The collapse demo, or the function's formulas, its reading at every cursor step and the picture."""
    if setup.collapse:
        trace = collapse_trace(setup.seed)
        lines = [
            lesson_title("activations"),
            t("activations.collapse_title", seed=setup.seed),
            "",
            *collapse_matrices(trace),
            "",
        ]
        for k in range(trace.step_count):
            lines.append(t("activations.plain_input", step=k + 1, total=trace.step_count))
            lines += [f"  {line}" for line in collapse_lines(trace.step(k))]
        return "\n".join([*lines, "", *collapse_verdict(trace)])
    spec = setup.spec
    trace = activation_trace(spec)
    lines = [
        lesson_title("activations"),
        f"{function_name(spec.function)}: {' · '.join(FORMULAS[spec.function])}",
        use_line(spec.function),
        "",
    ]
    if isinstance(trace, SoftmaxTrace):
        lines += [f"  {line}" for line in softmax_table(trace)]
        for k in range(trace.step_count):
            lines += [
                "",
                t("activations.plain_entry", step=k + 1, total=trace.step_count),
                *(f"  {line}" for line in softmax_lines(trace, k)),
            ]
        return "\n".join(lines)
    return "\n".join([*lines, *plain_curve(trace)])


def plain_curve(trace: CurveTrace) -> list[str]:
    lines = [
        t("activations.plain_table"),
        "  " + "  ".join(["x".rjust(5), "f(x)".rjust(10), "f′(x)".rjust(10)]),
    ]
    for k in range(trace.step_count):
        step = trace.step(k)
        lines.append(
            "  "
            + "  ".join(
                [
                    fmt(step.x).rjust(5),
                    fmt(step.value).rjust(10),
                    fmt(step.slope).rjust(10),
                ]
            )
        )
    legend = t("activations.legend", solid=SOLID, dotted=DOTTED)
    return [
        *lines,
        "",
        legend,
        *(f"  {line}" for line in plain_picture(curve_rows(trace, trace.index_of(0.0)))),
    ]
