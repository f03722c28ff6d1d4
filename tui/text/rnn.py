"""The RNN lesson's words, and its `--plain` walk-through of the unrolled network."""

from __future__ import annotations

from engine.rnn import FORMULA, RnnSpec, RnnTrace, rnn_trace
from engine.rnn_setup import RnnSetup
from tui.i18n import lesson_title, t
from tui.text import matrix_lines


def settings_line(setup: RnnSetup, spec: RnnSpec) -> str:
    return t(
        "rnn.settings",
        t=spec.steps,
        i=spec.input_size,
        h=spec.hidden_size,
        seed=setup.seed,
        parameters=spec.parameters,
    )


def output_line(trace: RnnTrace) -> str:
    spec = trace.spec
    return t("rnn.output_note", t=spec.steps, h=spec.hidden_size)


def plain(setup: RnnSetup) -> str:
    """Settings, the weights, each unit's update with its sums and tanh, then torch's output and h_n."""
    spec = setup.spec()
    trace = rnn_trace(spec)
    h, i = spec.hidden_size, spec.input_size
    lines = [lesson_title("rnn"), settings_line(setup, spec), FORMULA, ""]
    lines += [t("cli.rnn_sequence", t=spec.steps, i=i), *matrix_lines(spec.sequence)]
    lines += [
        t("cli.rnn_w_ih", h=h, i=i),
        *matrix_lines(spec.w_ih),
        t("cli.rnn_w_hh", h=h),
        *matrix_lines(spec.w_hh),
    ]
    lines += [
        t("cli.rnn_b_ih"),
        *matrix_lines(spec.b_ih),
        t("cli.rnn_b_hh"),
        *matrix_lines(spec.b_hh),
    ]
    lines += [t("cli.rnn_h0"), *matrix_lines(spec.h0), ""]
    for index in range(trace.step_count):
        step = trace.step(index)
        lines.append(t("cli.rnn_step", step=index + 1, total=trace.step_count, label=step.label))
        lines += [f"  {line}" for line in step.lines]
    lines += ["", t("cli.rnn_output", t=spec.steps, h=h), *matrix_lines(trace.output)]
    lines += [
        t("cli.rnn_h_n", t=spec.steps),
        *matrix_lines(trace.h_n),
        "",
        output_line(trace),
        t("cli.rnn_language_model"),
    ]
    return "\n".join(lines)
