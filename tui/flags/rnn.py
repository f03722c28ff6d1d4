"""`tensortour rnn`: flags for the RNN lesson and its `--plain` walk-through of the unrolled network."""

from __future__ import annotations

import argparse

from engine.matrix import parse_matrix
from engine.rnn import FORMULA, MAX_HIDDEN, RnnSpec, RnnTrace, rnn_trace
from engine.rnn_setup import CUSTOM, MAX_SEED, SEQUENCES, RnnSetup
from tui.flags import matrix_lines
from tui.i18n import lesson_title, t



def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sequence", default="mix", help=f"a preset ({', '.join(SEQUENCES)}) or rows x_1; x_2; … like '1 0; 0 1'")
    parser.add_argument("--hidden", type=int, default=3, help=f"hidden size H, 1 to {MAX_HIDDEN}")
    parser.add_argument("--seed", type=int, default=0, help=f"seed of the weights, 0 to {MAX_SEED}")


def setup_from(args: argparse.Namespace) -> RnnSetup:
    """The RnnSetup the flags describe; raises SpecError for anything invalid."""
    preset = args.sequence in SEQUENCES
    setup = RnnSetup(
        sequence_name=args.sequence if preset else CUSTOM,
        sequence=None if preset else parse_matrix(args.sequence, "rnn_sequence"),
        hidden_size=args.hidden,
        seed=args.seed,
    )
    rnn_trace(setup.spec())
    return setup


def settings_line(setup: RnnSetup, spec: RnnSpec) -> str:
    return t("rnn.settings", t=spec.steps, i=spec.input_size, h=spec.hidden_size, seed=setup.seed, parameters=spec.parameters)


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
    lines += [t("cli.rnn_w_ih", h=h, i=i), *matrix_lines(spec.w_ih), t("cli.rnn_w_hh", h=h), *matrix_lines(spec.w_hh)]
    lines += [t("cli.rnn_b_ih"), *matrix_lines(spec.b_ih), t("cli.rnn_b_hh"), *matrix_lines(spec.b_hh)]
    lines += [t("cli.rnn_h0"), *matrix_lines(spec.h0), ""]
    for index in range(trace.step_count):
        step = trace.step(index)
        lines.append(t("cli.rnn_step", step=index + 1, total=trace.step_count, label=step.label))
        lines += [f"  {line}" for line in step.lines]
    lines += ["", t("cli.rnn_output", t=spec.steps, h=h), *matrix_lines(trace.output)]
    lines += [t("cli.rnn_h_n", t=spec.steps), *matrix_lines(trace.h_n), "", output_line(trace), t("cli.rnn_language_model")]
    return "\n".join(lines)
