"""Predict before reveal, loss functions: a running sum, which loss is larger, torch's MSELoss, the slopes of the curve.

The terms table is on screen from the first step; what a step adds is the
running sums through its term, then the totals with torch's own losses, then the
accuracy curve (hidden until its first step) with a cursor that reads both slopes.
"""

from __future__ import annotations

from engine.loss import LossSpec, LossTrace
from engine.numbers import fmt
from engine.quiz import Question, asked_before
from engine.quiz_answers import tolerance_for

LESSON = "loss"
LOSSES = ("mse", "ce")
SLOPES = ("accuracy", "cross_entropy", "both", "neither")
DIRECTIONS = ("up", "down")
FLAT = 1e-12  # a slope this small is 0: nothing to follow


def questions(spec: LossSpec, trace: LossTrace) -> tuple[Question, ...]:
    """In order of preference: a step already taken by an earlier question is not asked twice."""
    found = [
        _larger(trace),
        _mse_through(trace),
        _torch_mse(trace),
        _gradient(trace),
        _direction(trace),
    ]
    return asked_before(tuple(question for question in found if question is not None), trace.step_count)


def _mse_through(trace: LossTrace) -> Question | None:
    """The running MSE through the target's term, where t = 1 (from the second term on)."""
    c = trace.spec.target
    if c < 1:
        return None
    term = trace.terms[c]
    parts = " + ".join(fmt(t.squared) for t in trace.terms[: c + 1])
    params = {"k": c, "terms": parts, "value": fmt(term.mse_so_far)}
    return Question(
        LESSON, "mse_through", c, "number", term.mse_so_far, params, tolerance=tolerance_for(term.mse_so_far)
    )


def _larger(trace: LossTrace) -> Question | None:
    """At the last term other than 0, where the running sums first show the totals; not when they print alike."""
    if fmt(trace.mse) == fmt(trace.ce):
        return None
    last = max(term.k for term in trace.terms if term.squared != 0 or term.cross != 0)
    answer = 0 if trace.mse > trace.ce else 1
    params = {
        "mse": fmt(trace.mse),
        "ce": fmt(trace.ce),
        "c": trace.spec.target,
        "y": fmt(trace.spec.y[trace.spec.target]),
        "order": f"{fmt(trace.mse)} > {fmt(trace.ce)}" if answer == 0 else f"{fmt(trace.ce)} > {fmt(trace.mse)}",
    }
    return Question(LESSON, "larger", last, "choice", answer, params, choices=LOSSES, choice_keys=True)


def _torch_mse(trace: LossTrace) -> Question:
    params = {
        "n": trace.n,
        "squares": fmt(trace.squared_sum),
        "mean": fmt(trace.mse_mean),
        "factor": fmt(trace.mse_factor),
        "mse": fmt(trace.mse),
    }
    return Question(
        LESSON,
        "torch_mse",
        trace.total_index,
        "number",
        trace.mse_mean,
        params,
        tolerance=tolerance_for(trace.mse_mean),
    )


def _slope_params(trace: LossTrace, stop: int) -> dict[str, object]:
    point = trace.curve.stops[stop]
    return {
        "w": fmt(point.w),
        "correct": point.correct,
        "total": trace.curve.points,
        "acc_slope": fmt(point.accuracy_slope),
        "ce": fmt(point.loss),
        "ce_slope": fmt(point.loss_slope),
    }


def _gradient(trace: LossTrace) -> Question | None:
    """As the curve first shows: which of the two has a slope other than 0 at the cursor."""
    if not trace.curve.stops:
        return None
    point = trace.curve.stops[0]
    if abs(point.accuracy_slope) > FLAT:  # the explanation is about a flat staircase step
        return None
    moving = (abs(point.accuracy_slope) > FLAT, abs(point.loss_slope) > FLAT)
    answer = {(True, False): 0, (False, True): 1, (True, True): 2, (False, False): 3}[moving]
    params = _slope_params(trace, 0)
    return Question(LESSON, "gradient", trace.curve_start, "choice", answer, params, choices=SLOPES, choice_keys=True)


def _direction(trace: LossTrace) -> Question | None:
    """The first cursor stop past cross-entropy's minimum (its slope turns positive): which way w must go now."""
    stops = trace.curve.stops
    for stop in range(1, len(stops)):
        before, now = stops[stop - 1].loss_slope, stops[stop].loss_slope
        if before < 0 < now:  # from going down to going up: the minimum was just passed
            answer = 0 if now < 0 else 1
            params = _slope_params(trace, stop) | {"before": fmt(before), "w_before": fmt(stops[stop - 1].w)}
            index = trace.curve_start + stop
            return Question(LESSON, "direction", index, "choice", answer, params, choices=DIRECTIONS, choice_keys=True)
    return None
