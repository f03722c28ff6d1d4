"""The optimizer lesson's predictions, on both pages.

Paths page (step k shows every path after k updates): the first gradient's x
part (revealed by update 1's line), where optimizer 1's x is after update 2,
whether SGD converges on a quadratic surface (from the factors 1 − η·λ), and
which optimizer ends lowest. Loop page (one step per line of the loop): the
first loss, the first ∂L/∂w, w after the first optimizer.step(), and .grad
after the second backward(), which zero_grad() decides. Every answer is read
from the trace or the surface, and a question whose answer overflowed to inf
or NaN is left out.
"""

from __future__ import annotations

import math

import numpy as np

from engine.numbers import fmt, fmt_factor
from engine.optim import TORCH_CLASS, Path, PathTrace, sgd_factors
from engine.optim_loop import INPUTS, LABELS, LoopTrace
from engine.optim_setup import PATHS, OptimSetup
from engine.quiz import Question

LESSON = "optim"
GRADIENT_STEP, POSITION_STEP, DIVERGE_STEP = 1, 2, 3
# ∂f/∂x of each surface, as the explanation writes it
X_DERIVATIVE = {"book": "x/10", "bowl": "2x", "saddle": "2x", "rosenbrock": "−2(1 − x) − 400x(y − x²)"}
DIVERGE_CHOICES = ("converges", "diverges", "neither")
RELATIVE_TOLERANCE = 0.01  # a typed number within 1 % (and at least 0.01) of the engine's is right


def tolerance_for(value: float) -> float:
    """1 % of the value, at least 0.01, to two significant digits: what the shell states."""
    return float(f"{max(0.01, RELATIVE_TOLERANCE * abs(value)):.2g}")


def _number(qid: str, step: int, value: float, **params: object) -> Question | None:
    if not math.isfinite(value):
        return None
    params = {**params, "value": fmt(value)}
    return Question(LESSON, qid, step, "number", value, params=params, tolerance=tolerance_for(value))


def label(slot: int, path: Path) -> str:
    """`1 SGD η=0.95`, `2 SGD η=0.1 μ=0.9`: torch's class names, the same in every language."""
    setting = path.setting
    extra = f" μ={fmt(setting.momentum)}" if setting.kind == "momentum" else ""
    return f"{slot} {TORCH_CLASS[setting.kind]} η={fmt(setting.lr)}{extra}"


def update_rule(path: Path, t: int) -> str:
    """How update `t` moved x, written with its numbers: `x − η·g = -6.335 − 0.95·(-0.6335) = -5.733`."""
    step, lr = path.at(t), path.setting.lr
    before, after = fmt(step.before[0]), fmt(step.after[0])
    grad = fmt_factor(step.grad[0]) if step.grad else "0"
    kind, state = path.setting.kind, step.state
    if kind == "sgd":
        return f"x − η·∂f/∂x = {before} − {fmt(lr)}·{grad} = {after}"
    if kind == "momentum":
        buffer = state["buffer"][0]  # type: ignore[index]
        return f"b = μ·b + ∂f/∂x = {fmt(buffer)}; x − η·b = {before} − {fmt(lr)}·{fmt_factor(buffer)} = {after}"
    denominator = fmt(state["denominator"][0])  # type: ignore[index]
    if kind == "adagrad":
        return f"x − η·g/(√h + ε) = {before} − {fmt(lr)}·{grad}/{denominator} = {after}"
    m_hat = fmt_factor(state["m_hat"][0])  # type: ignore[index]
    return f"x − η·m̂/(√v̂ + ε) = {before} − {fmt(lr)}·{m_hat}/{denominator} = {after}"


def _diverge(setup: OptimSetup, path: Path, step: int) -> Question | None:
    """SGD on a quadratic: |1 − η·λ| per axis that does not start at the point decides."""
    surface = setup.paths.surface_info
    factors = sgd_factors(surface, path.setting.lr)
    offsets = np.subtract(setup.paths.origin, surface.point)
    if path.setting.kind != "sgd" or factors is None or not offsets.any():
        return None
    largest = max(abs(factor) for factor, offset in zip(factors, offsets) if offset)
    answer = 0 if largest < 1 else 1 if largest > 1 else 2
    return Question(
        LESSON,
        "diverge",
        step,
        "choice",
        answer,
        params={
            "lr": fmt(path.setting.lr),
            "formula": surface.formula,
            "point": f"({fmt(surface.point[0])}, {fmt(surface.point[1])})",
            "lx": fmt_factor(surface.curvature[0]),  # type: ignore[index]
            "ly": fmt_factor(surface.curvature[1]),  # type: ignore[index]
            "fx": fmt(factors[0]),
            "fy": fmt(factors[1]),
        },
        choices=DIVERGE_CHOICES,
        choice_keys=True,
    )


def _lowest(trace: PathTrace) -> Question | None:
    """Which path ends with the smallest f (NaN counts as the highest); left out on a tie."""
    if len(trace.paths) < 2:
        return None
    finals = np.array([path.values[-1] for path in trace.paths])
    finals = np.where(np.isnan(finals), np.inf, finals)
    best = int(np.argmin(finals))
    if np.sum(np.isclose(finals, finals[best], rtol=1e-9, atol=1e-12)) > 1 or not math.isfinite(finals[best]):
        return None
    labels = tuple(label(slot, path) for slot, path in enumerate(trace.paths, start=1))
    return Question(
        LESSON,
        "lowest",
        trace.spec.steps,
        "choice",
        best,
        params={"steps": trace.spec.steps, "best": labels[best], "f": fmt(float(finals[best]))},
        choices=labels,
    )


def path_questions(setup: OptimSetup, trace: PathTrace) -> list[Question | None]:
    first = trace.paths[0]
    start = first.at(0).before
    steps = trace.spec.steps
    asked: list[Question | None] = []
    if first.grads.size:
        asked.append(
            _number(
                "gradient",
                GRADIENT_STEP,
                float(first.grads[0][0]),
                x=fmt(start[0]),
                y=fmt(start[1]),
                formula=setup.paths.surface_info.formula,
                derivative=X_DERIVATIVE[setup.paths.surface],
            )
        )
    if steps >= POSITION_STEP:
        asked.append(
            _number(
                "position",
                POSITION_STEP,
                float(first.positions[POSITION_STEP][0]),
                optimizer=label(1, first),
                before=fmt(first.at(POSITION_STEP).before[0]),
                rule=update_rule(first, POSITION_STEP),
            )
        )
    if steps >= DIVERGE_STEP:
        asked.append(_diverge(setup, first, DIVERGE_STEP))
    asked.append(_lowest(trace))
    return asked


def _sum_text(terms: list[str]) -> str:
    return " + ".join(terms)


def loop_questions(trace: LoopTrace) -> list[Question | None]:
    """The first iteration's loss, ∂L/∂w and new w; .grad after the second backward()."""
    spec = trace.spec
    loss_step = trace.step(trace.index_at((1, "loss")))  # type: ignore[arg-type]
    backward = trace.step(trace.index_at((1, "backward")))  # type: ignore[arg-type]
    update = trace.step(trace.index_at((1, "step")))  # type: ignore[arg-type]
    outputs = loss_step.outputs or ()
    differences = [output - label for output, label in zip(outputs, LABELS)]
    asked = [
        _number(
            "loss",
            loss_step.index,
            float(loss_step.loss),  # type: ignore[arg-type]
            squares=_sum_text([f"({fmt(o)} − {fmt(y)})²" for o, y in zip(outputs, LABELS)]),
            count=len(INPUTS),
        ),
        _number(
            "weight_grad",
            backward.index,
            float(backward.fresh_weight_grad),  # type: ignore[arg-type]
            terms=_sum_text([f"{fmt_factor(d)}·{fmt(x)}" for d, x in zip(differences, INPUTS)]),
            count=len(INPUTS),
        ),
        _number(
            "weight",
            update.index,
            update.weight,
            w=fmt(update.before_weight),  # type: ignore[arg-type]
            lr=fmt(spec.lr),
            grad=fmt_factor(update.fresh_weight_grad),  # type: ignore[arg-type]
        ),
    ]
    again = trace.index_at((2, "backward"))
    if again is not None:
        step = trace.step(again)
        asked.append(
            _number(
                "grad_again" if spec.zero_grad else "grad_again_accumulated",
                again,
                float(step.weight_grad),  # type: ignore[arg-type]
                fresh=fmt(step.fresh_weight_grad),  # type: ignore[arg-type]
                before=fmt(step.before_weight_grad or 0.0),
            )
        )
    return asked


def questions(setup: OptimSetup, trace: PathTrace | LoopTrace) -> tuple[Question, ...]:
    """At most one question a step (a short run puts several on its last): the first listed keeps it."""
    asked = path_questions(setup, trace) if setup.page == PATHS else loop_questions(trace)  # type: ignore[arg-type]
    kept: dict[int, Question] = {}
    for question in asked:
        if question is not None:
            kept.setdefault(question.step, question)
    return tuple(kept.values())
