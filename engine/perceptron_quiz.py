"""The perceptron lesson's predictions: the sum Σ, whether the unit fires, and whether it gets the row right.

Step k of the lesson shows input k of the truth table (the course's order
(0, 0), (1, 0), (0, 1), (1, 1)); each question is about the input its step
shows, so stepping onto it reveals the answer. In the two-layer XOR the
questions are about the output unit AND(s1, s2). Every answer is read from
the trace's exact Decimal sums, so it holds for any weights the student types.
"""

from __future__ import annotations

from engine.perceptron import PerceptronSpec, PerceptronTrace, Row, gate_name
from engine.quiz import Question

LESSON = "perceptron"
SUM_STEP, FIRE_STEP, RIGHT_STEP = 1, 2, 3
FIRE_CHOICES = ("y = 0", "y = 1")
RIGHT_CHOICES = ("row_right", "row_wrong")


def _where(row: Row) -> dict[str, object]:
    """The input and every unit's sum written out, for the question and its explanation."""
    return {
        "x": f"({row.x[0]}, {row.x[1]})",
        "work": "; ".join(unit.equation for unit in row.units),
    }


def questions(setup: PerceptronSpec, trace: PerceptronTrace) -> tuple[Question, ...]:
    """One question on each of the inputs after the first (the first is on screen when the lesson opens)."""
    asked = []
    if trace.step_count > SUM_STEP:
        row = trace.step(SUM_STEP)
        asked.append(
            Question(
                LESSON,
                "sum_two_layer" if setup.two_layer else "sum",
                SUM_STEP,
                "number",
                float(row.units[-1].total),
                params=_where(row),
            )
        )
    if trace.step_count > FIRE_STEP:
        row = trace.step(FIRE_STEP)
        asked.append(Question(LESSON, "fires", FIRE_STEP, "choice", row.output, _where(row), choices=FIRE_CHOICES))
    if trace.step_count > RIGHT_STEP:
        row = trace.step(RIGHT_STEP)
        asked.append(
            Question(
                LESSON,
                "right",
                RIGHT_STEP,
                "choice",
                0 if row.correct else 1,
                {**_where(row), "gate": gate_name(setup.gate), "target": row.target, "y": row.output},
                choices=RIGHT_CHOICES,
                choice_keys=True,
            )
        )
    return tuple(asked)
