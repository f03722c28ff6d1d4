"""The optimizer lesson's words: labels, each update's arithmetic, what became of a path, and `--plain`."""

from __future__ import annotations

from engine.numbers import fmt, fmt_factor
from engine.optim import ADAGRAD_EPS, ADAM_EPS, OptimizerSetting, Path, PathStep, PathTrace, path_trace, sgd_factors
from engine.optim_setup import OptimSetup, format_optimizers
from engine.optim_surfaces import Surface
from engine.perceptron_plot import CanvasRow
from tui.i18n import lesson_title, t
from tui.text.activations import vec
from tui.text.optim_loop import loop_plain


def kind_name(kind: str) -> str:
    return t(f"optim.kind_{kind}")


def setting_label(slot: int, setting: OptimizerSetting) -> str:
    """`1 SGD η=0.95`, `2 Momentum η=0.1 μ=0.9`: the number is the path's mark on the plot."""
    extra = f" μ={fmt(setting.momentum)}" if setting.kind == "momentum" else ""
    return f"{slot} {kind_name(setting.kind)} η={fmt(setting.lr)}{extra}"


def surface_title(surface: Surface, start: tuple[float, float]) -> str:
    return t("optim.surface_title", formula=surface.formula, start=vec(start))


def window_text(surface: Surface) -> str:
    x_low, x_high, y_low, y_high = surface.window
    return t("optim.window", x_low=fmt(x_low), x_high=fmt(x_high), y_low=fmt(y_low), y_high=fmt(y_high))


def position_line(step: PathStep) -> str:
    """`(-6.335, -1.8) f=5.247`"""
    return f"{vec(step.after)} f={fmt(step.value)}"


def legend_rows(numbered: list[tuple[int, Path]], index: int, focus: int) -> list[CanvasRow]:
    """Per path: its number (styled as its path) and settings, where it is at step `index`, and f there.

    Three short rows rather than one long one: a diverging run's numbers (1.234e+80) need the room.
    """
    rows: list[CanvasRow] = []
    for slot, path in numbered:
        step = path.at(index)
        label = setting_label(slot, path.setting)
        current = " current" if slot == focus else ""
        rows.append(((label[:1], f"path{slot} head{current}"), (label[1:], current.strip())))
        rows.append(((f"  {vec(step.after)}", "label"),))
        rows.append(((f"  f={fmt(step.value)}", "label"),))
    return rows


def update_lines(step: PathStep) -> list[str]:
    """Update t of one optimizer with its numbers: the gradient and the state its rule keeps, then
    x ← x − η·(…) and y ← y − η·(…) one coordinate a line, as the course writes W ← W − η·∂L/∂W."""
    setting, state = step.setting, step.state
    if step.t == 0:  # before the first update: where the book's form of the rule differs from torch's
        return [t("optim.at_start", point=vec(step.after), f=fmt(step.value)), form_note(setting.kind)]
    eta = fmt(setting.lr)
    if setting.kind == "sgd":
        first, term = f"∇f{vec(step.before)} = {vec(step.grad)}", "∂f/∂{axis}"
        directions = [f"{fmt_factor(g)}" for g in step.grad]
    elif setting.kind == "momentum":
        if "buffer_before" in state:
            buffer = f"b ← {fmt(setting.momentum)}·b + g = {vec(state['buffer'])}"
        else:
            buffer = t("optim.first_buffer", b=vec(state["buffer"]))
        first, term = f"g = {vec(step.grad)},  {buffer}", "b"
        directions = [fmt_factor(b) for b in state["buffer"]]
    elif setting.kind == "adagrad":
        first, term = f"g = {vec(step.grad)},  h ← h + g² = {vec(state['sum'])}", "g/(√h + ε)"
        directions = [f"{fmt_factor(g)}/{fmt(d)}" for g, d in zip(step.grad, state["denominator"])]
    else:
        first = f"g = {vec(step.grad)},  m̂ = {vec(state['m_hat'])},  v̂ = {vec(state['v_hat'])}"
        term = "m̂/(√v̂ + ε)"
        directions = [f"{fmt_factor(m)}/{fmt(d)}" for m, d in zip(state["m_hat"], state["denominator"])]
    lines = [first]
    for axis, before, direction, after in zip("xy", step.before, directions, step.after):
        symbol = term.format(axis=axis)
        lines.append(f"{axis} ← {axis} − η·{symbol} = {fmt(before)} − {eta}·{direction} = {fmt(after)}")
    return lines


def fate_line(path: Path, index: int, surface: Surface) -> str:
    """What became of the path by step `index`: overflow and NaN, off the plot, or how SGD scales a quadratic."""
    index = min(index, len(path.steps) - 1)
    broken, nan = path.first_nonfinite(), path.first_nan()
    if broken is not None and broken <= index:
        text = t("optim.fate_overflow", step=broken)
        return text + (t("optim.fate_nan", step=nan) if nan is not None and nan <= index else "")
    outside = path.outside_since(surface.window, index)
    if outside is not None:
        return t("optim.fate_outside", step=outside, point=vec(path.at(index).after))
    factors = sgd_factors(surface, path.setting.lr) if path.setting.kind == "sgd" else None
    if factors is not None:
        return t("optim.fate_sgd_factors", fx=fmt(factors[0]), fy=fmt(factors[1]))
    point = vec(surface.point)
    return t(f"optim.fate_{surface.point_kind}", point=point, f=fmt(path.at(index).value))


def form_note(kind: str) -> str:
    """Where the book's form of the rule differs from torch's, and what that does to the path."""
    return t(f"optim.form_{kind}", eps=fmt(ADAGRAD_EPS), adam_eps=fmt(ADAM_EPS))


def plain(setup: OptimSetup) -> str:
    """The settings, one line per step per optimizer (x, y, f), then the course's loop line by line."""
    trace: PathTrace = path_trace(setup.paths)
    spec, surface = setup.paths, setup.paths.surface_info
    lines = [
        lesson_title("optim"),
        t("cli.optim_surface", formula=surface.formula, start=vec(spec.origin), steps=spec.steps),
        t("cli.optim_optimizers", optimizers=format_optimizers(spec.optimizers)),
    ]
    for slot, path in enumerate(trace.paths, start=1):
        lines.append(f"  {setting_label(slot, path.setting)}: {path.setting.torch_call}")
        lines.append(f"    {form_note(path.setting.kind)}")
        lines.append(f"    {fate_line(path, spec.steps, surface)}")
    lines.append("")
    width = max(len(setting_label(slot, s)) for slot, s in enumerate(spec.optimizers, start=1))
    for index in range(trace.step_count):
        for slot, step in enumerate(trace.step(index), start=1):
            x, y = step.after
            label = setting_label(slot, step.setting).ljust(width)
            lines.append(f"{t('cli.optim_step', step=index)}  {label}  x={fmt(x)}  y={fmt(y)}  f={fmt(step.value)}")
    return "\n".join([*lines, "", *loop_plain(setup.loop)])
