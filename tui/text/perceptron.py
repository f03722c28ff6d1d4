"""The perceptron lesson's words: the sentences its screen shows, and `--plain`."""

from __future__ import annotations

from engine.perceptron import (
    PerceptronSpec,
    PerceptronTrace,
    Row,
    gate_name,
    perceptron_trace,
)
from engine.perceptron_plot import line_char, plain_picture, plot_rows
from tui.i18n import lesson_title, t
from tui.text import aligned


def table_title(spec: PerceptronSpec) -> str:
    return (
        t("perceptron.table_title_two_layer")
        if spec.two_layer
        else t("perceptron.table_title", gate=gate_name(spec.gate))
    )


def weights_line(spec: PerceptronSpec) -> str:
    if spec.two_layer:
        return t("perceptron.weights_two_layer")
    return t("perceptron.weights", gate=gate_name(spec.gate), weights=spec.unit.text())


def table_cells(trace: PerceptronTrace, shown_up_to: int | None = None) -> list[list[str]]:
    """Header and four rows: inputs, the sum Σ (or the hidden outputs s1, s2), y, the wanted y, ✓ or ✗.

    With `shown_up_to` (the quiz on), rows after that input keep their sums and outputs hidden as `?`
    until the student steps onto them, so a question about them is a prediction."""
    gate = gate_name(trace.spec.gate)
    middle = ["s1", "s2"] if trace.spec.two_layer else ["Σ"]
    rows = [["x1", "x2", *middle, "y", gate, ""]]
    for row in trace.rows:
        shown = [str(unit.output) for unit in row.units[:-1]] if trace.spec.two_layer else [row.units[-1].total_text]
        if shown_up_to is not None and row.index > shown_up_to:
            rows.append([str(row.x[0]), str(row.x[1]), *("?" for _ in shown), "?", str(row.target), " "])
            continue
        rows.append(
            [
                str(row.x[0]),
                str(row.x[1]),
                *shown,
                str(row.output),
                str(row.target),
                "✓" if row.correct else "✗",
            ]
        )
    return rows


def step_lines(row: Row) -> list[str]:
    """`Σ = 0.5·1 + 0.5·1 + (-0.7) = 0.3 > 0 → y = 1`, with s1 and s2 first in the two-layer XOR."""
    return [unit.equation for unit in row.units]


def input_text(row: Row) -> str:
    return f"x = ({row.x[0]}, {row.x[1]})"


def legend(trace: PerceptronTrace) -> list[str]:
    chars = "".join(dict.fromkeys(line_char(unit) for unit in trace.lines if unit.has_line))
    return [
        t("perceptron.legend_shade"),
        t("perceptron.legend_points"),
        t("perceptron.legend_line", line=chars) if chars else t("perceptron.no_line"),
    ]


def notes(trace: PerceptronTrace, complete: bool = True) -> list[str]:
    """How many rows the weights get right (left out while rows are hidden), and what the grid search says."""
    spec, search = trace.spec, trace.search
    gate = gate_name(spec.gate)
    grid = {
        "gate": gate,
        "lines": f"{search.lines:,}",
        "low": search.low,
        "high": search.high,
    }
    if search.separating:
        found = t("perceptron.search_found", count=f"{search.separating:,}", **grid)
    else:
        found = t("perceptron.search_none", best=search.best, **grid)
    if spec.two_layer or not complete:
        return [found]
    key = "perceptron.score_all" if trace.score == trace.step_count else "perceptron.score"
    return [t(key, right=trace.score, total=trace.step_count, gate=gate), found]


def plain(spec: PerceptronSpec) -> str:
    """The weights, the truth table, each input's sums, the picture and the grid search."""
    trace = perceptron_trace(spec)
    lines = [
        lesson_title("perceptron"),
        weights_line(spec),
        t("perceptron.rule"),
        "",
        t("perceptron.table"),
    ]
    lines += [f"  {line}" for line in aligned(table_cells(trace))]
    lines.append("")
    for row in trace.rows:
        lines.append(
            t(
                "perceptron.plain_step",
                step=row.index + 1,
                total=trace.step_count,
                x=input_text(row),
            )
        )
        lines += [f"  {line}" for line in step_lines(row)]
    lines += [
        "",
        t("perceptron.picture"),
        *(f"  {line}" for line in plain_picture(plot_rows(trace))),
        *legend(trace),
        "",
        *notes(trace),
    ]
    return "\n".join(line.rstrip() for line in lines)
