"""Predict before reveal in the activations lesson: a function's value and slope, a softmax derivative, the collapse.

Every answer is read from the trace the screen steps through (engine.activations,
engine.activations_collapse), so it holds for any function, vector or seed.
- A curve (the cursor starts at x = 0 and → moves it right): `value` f(1) and
  `slope` f′(2) (numbers, within ±0.01), `gradient` how much slope is left at
  x = 4 (choice: near 0, in between, near 1).
- Softmax (one step per entry): `softmax_self` ∂y_k/∂a_k = y_k·(1 − y_k) at
  entry 1, `softmax_other` ∂y_k/∂a_0 = −y_k·y_0 at entry 2 (numbers; the table
  on screen shows every y).
- The collapse demo (one step per input): `merged` the first entry of W·x,
  `relu_zeros` how many entries of W1·x ReLU sets to 0, `relu_same` whether
  W2·ReLU(W1·x) still equals W·x.
"""

from __future__ import annotations

from engine.activations import FORMULAS, CurveTrace, SoftmaxTrace
from engine.activations_collapse import CollapseTrace
from engine.numbers import fmt
from engine.quiz import Question

LESSON = "activations"
TOLERANCE = 0.01
VALUE_AT, SLOPE_AT, GRADIENT_AT = 1.0, 2.0, 4.0
GRADIENT_CHOICES = ("gradient_small", "gradient_middle", "gradient_large")
SMALL, LARGE = 0.1, 0.9  # f′ below SMALL: next to no gradient passes; LARGE or more: nearly all of it
MERGED_AT, ZEROS_AT, SAME_AT = 1, 3, 5  # the collapse demo's inputs (0-based) that the questions are about
SAME_CHOICES = ("yes", "no")
ROUNDING = 1e-9  # float rounding: the linear pair differs from W·x by ~1e-17, and a 0 may come out as -5.6e-17


def questions(setup: object, trace: CurveTrace | SoftmaxTrace | CollapseTrace) -> tuple[Question, ...]:
    if isinstance(trace, CollapseTrace):
        return _collapse(trace)
    if isinstance(trace, SoftmaxTrace):
        return _softmax(trace)
    return _curve(trace)


def _vector(values) -> str:
    """`(0.54, 0.45, 0)`: the collapse demo's numbers are exact in hundredths, so float rounding's -1.3e-17 reads 0."""
    return "(" + ", ".join(fmt(round(float(v), 9) + 0.0) for v in values) + ")"


def _curve(trace: CurveTrace) -> tuple[Question, ...]:
    function = trace.spec.function
    name = FORMULAS[function][0].split("(")[0]  # σ, tanh, ReLU, f
    value_step = trace.step(trace.index_of(VALUE_AT))
    slope_step = trace.step(trace.index_of(SLOPE_AT))
    gradient_step = trace.step(trace.index_of(GRADIENT_AT))
    slope = gradient_step.slope
    band = 0 if slope < SMALL else 2 if slope >= LARGE else 1
    return (
        Question(
            LESSON,
            "value",
            value_step.index,
            "number",
            value_step.value,
            {"f": name, "x": fmt(value_step.x), "equation": value_step.equations[0]},
            tolerance=TOLERANCE,
        ),
        Question(
            LESSON,
            "slope",
            slope_step.index,
            "number",
            slope_step.slope,
            {"f": name, "x": fmt(slope_step.x), "equation": slope_step.equations[1]},
            tolerance=TOLERANCE,
        ),
        Question(
            LESSON,
            "gradient",
            gradient_step.index,
            "choice",
            band,
            {
                "f": name,
                "x": fmt(gradient_step.x),
                "equation": gradient_step.equations[1],
                "small": fmt(SMALL),
                "large": fmt(LARGE),
            },
            choices=GRADIENT_CHOICES,
            choice_keys=True,
        ),
    )


def _softmax(trace: SoftmaxTrace) -> tuple[Question, ...]:
    """Entry k's own slope y_k·(1 − y_k), then (with a third entry) a cross slope −y_k·y_0."""
    y = trace.y
    asked = [
        Question(
            LESSON,
            "softmax_self",
            1,
            "number",
            float(trace.jacobian[1, 1]),
            {"k": 1, "y": fmt(float(y[1])), "slope": fmt(float(trace.jacobian[1, 1]))},
            tolerance=TOLERANCE,
        )
    ]
    if trace.step_count > 2:
        asked.append(
            Question(
                LESSON,
                "softmax_other",
                2,
                "number",
                float(trace.jacobian[2, 0]),
                {
                    "k": 2,
                    "y": fmt(float(y[2])),
                    "y0": fmt(float(y[0])),
                    "slope": fmt(float(trace.jacobian[2, 0])),
                },
                tolerance=TOLERANCE,
            )
        )
    return tuple(asked)


def _collapse(trace: CollapseTrace) -> tuple[Question, ...]:
    merged = trace.step(MERGED_AT)
    w = trace.merged_weights
    products = " + ".join(f"{fmt(float(w[0, j]))}·{fmt(float(merged.x[j]))}" for j in range(len(merged.x)))
    zeros = trace.step(ZEROS_AT)
    negative = int((zeros.hidden < -ROUNDING).sum())  # weights and inputs in tenths: W1·x is exact in hundredths
    same = trace.step(SAME_AT)
    difference = float(abs(same.nonlinear - same.merged).max())
    return (
        Question(
            LESSON,
            "merged",
            MERGED_AT,
            "number",
            float(merged.merged[0]),
            {"x": _vector(merged.x), "products": products, "result": fmt(float(merged.merged[0]))},
            tolerance=TOLERANCE,
        ),
        Question(
            LESSON,
            "relu_zeros",
            ZEROS_AT,
            "number",
            float(negative),
            {"x": _vector(zeros.x), "hidden": _vector(zeros.hidden), "count": negative},
        ),
        Question(
            LESSON,
            "relu_same",
            SAME_AT,
            "choice",
            0 if difference <= ROUNDING else 1,
            {
                "x": _vector(same.x),
                "hidden": _vector(same.hidden),
                "rectified": _vector(same.rectified),
                "difference": fmt(difference),
            },
            choices=SAME_CHOICES,
            choice_keys=True,
        ),
    )
