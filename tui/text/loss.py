"""The loss lesson's sentences and its `--plain` walk-through.

The sentences live here, not in the screen, because `--plain` prints them too
and must not import Textual.
"""

from __future__ import annotations

import math

from engine.loss import DELTA, LossSpec, LossTerm, LossTrace, loss_trace
from engine.loss_curve import BIAS, POINTS, CurvePoint
from engine.numbers import fmt
from tui.i18n import lesson_title, t
from tui.text import labelled_rows

HEADER = ("y", "t", "½(y−t)²", "−t·log")


def vector_text(values: tuple[float, ...]) -> str:
    return "[" + ", ".join(fmt(v) for v in values) + "]"


def term_cells(trace: LossTrace) -> list[list[str]]:
    """The terms table: a header row, then y, t and both terms for each k."""
    return [list(HEADER)] + [[fmt(term.y), fmt(term.t), fmt(term.squared), fmt(term.cross)] for term in trace.terms]


def term_lines(term: LossTerm) -> list[str]:
    lines = [
        t("loss.term", k=term.k, mse=term.mse_text),
        t("loss.term_ce", k=term.k, ce=term.ce_text),
    ]
    return lines + [delta_note()] if term.cross < 0 else lines


def running_line(term: LossTerm) -> str:
    return t("loss.running", k=term.k, mse=fmt(term.mse_so_far), ce=fmt(term.ce_so_far))


def totals_line(trace: LossTrace) -> str:
    totals = t("loss.totals", mse=fmt(trace.mse), ce=fmt(trace.ce))
    return f"{totals}\n{delta_note()}" if trace.ce < 0 else totals


def delta_note() -> str:
    """Why a cross-entropy below 0 shows: δ inside the log makes log(1 + δ) a hair above 0 where y = 1."""
    return t("loss.delta_note", delta=fmt(DELTA), ce=fmt(-math.log(1 + DELTA)))


def relation_lines(trace: LossTrace) -> list[str]:
    """How torch's two losses relate to the course's: the 1/n against ½, and logits against probabilities."""
    return [
        t(
            "loss.mse_torch",
            mean=fmt(trace.mse_mean),
            n=trace.n,
            mse=fmt(trace.mse),
            factor=fmt(trace.mse_factor),
        ),
        t(
            "loss.ce_torch",
            c=trace.spec.target,
            value=fmt(trace.ce_logits),
            ce=fmt(trace.ce),
            extra=fmt(trace.log_sum),
        ),
    ]


def sum_note(trace: LossTrace) -> str:
    """Whether y is a probability distribution, and which class the network would answer."""
    key = "loss.sums_to_one" if trace.sums_to_one else "loss.not_one"
    return t(key, total=fmt(trace.y_sum), predicted=trace.predicted, c=trace.spec.target)


def model_line() -> str:
    return t("loss.model", points=len(POINTS), b=fmt(BIAS))


def cursor_lines(trace: LossTrace, point: CurvePoint) -> list[str]:
    """What the cursor reads: accuracy and its slope, cross-entropy and its slope, at one w."""
    accuracy = t(
        "loss.cursor_accuracy",
        w=fmt(point.w),
        correct=point.correct,
        total=trace.curve.points,
        slope=fmt(point.accuracy_slope),
    )
    return [
        accuracy,
        t("loss.cursor_ce", ce=fmt(point.loss), slope=fmt(point.loss_slope)),
    ]


def jumps_line(trace: LossTrace) -> str:
    return t("loss.jumps", jumps=", ".join(fmt(w) for w in trace.curve.jumps))


def plain(spec: LossSpec) -> str:
    """The terms, the totals, torch's relations, then the accuracy curve at the cursor's stops."""
    trace = loss_trace(spec)
    lines = [
        lesson_title("loss"),
        t("loss.setup", y=vector_text(spec.y), c=spec.target),
        sum_note(trace),
        "",
    ]
    lines += labelled_rows(term_cells(trace), ["k", *(str(term.k) for term in trace.terms)])
    lines += [
        "",
        totals_line(trace),
        *relation_lines(trace),
        "",
        t("loss.why_title"),
        model_line(),
        jumps_line(trace),
    ]
    rows = [["w", t("loss.col_accuracy"), t("loss.col_accuracy_slope"), t("loss.col_ce"), t("loss.col_ce_slope")]]
    rows += [
        [
            fmt(p.w),
            f"{p.correct}/{trace.curve.points}",
            fmt(p.accuracy_slope),
            fmt(p.loss),
            fmt(p.loss_slope),
        ]
        for p in trace.curve.stops
    ]
    lines += labelled_rows(rows, ["" for _ in rows])
    lines += ["", t("loss.why_flat"), t("loss.why_smooth")]
    return "\n".join(lines)
