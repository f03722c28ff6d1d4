"""The training loop page's words: the course's code, the tensors after each line, and what the line did."""

from __future__ import annotations

from engine.numbers import fmt, fmt_factor
from engine.optim_loop import INPUTS, LABELS, LoopSpec, LoopStep, loop_trace
from tui.i18n import t
from tui.text.activations import vec


def code_lines(spec: LoopSpec) -> list[tuple[str, str | None]]:
    """(code, the line it is) for the loop as the course writes it; a left-out zero_grad is a comment.

    `net` and `criterion` are named by the setup's explanation, not listed: the loop and its
    numbers must fit 60×18."""
    zero_grad = (
        "    optimizer.zero_grad()" if spec.zero_grad else "    # optimizer.zero_grad()   " + t("optim.left_out")
    )
    return [
        (f"optimizer = optim.SGD(net.parameters(), lr={spec.lr:g})", "setup"),
        (f"for step in range({spec.iterations}):", None),
        (zero_grad, "zero_grad"),
        ("    outputs = net(inputs)", "forward"),
        ("    loss = criterion(outputs, labels)", "loss"),
        ("    loss.backward()", "backward"),
        ("    optimizer.step()", "step"),
    ]


def _grad(value: float | None) -> str:
    return "None" if value is None else fmt(value)


def state_lines(step: LoopStep) -> list[str]:
    """net.weight, net.bias and their .grad after the line; outputs and loss once computed."""
    weight, bias = fmt(step.weight), fmt(step.bias)
    width = max(len(weight), len(bias))
    lines = [
        f"net.weight = {weight.ljust(width)}   net.weight.grad = {_grad(step.weight_grad)}",
        f"net.bias   = {bias.ljust(width)}   net.bias.grad   = {_grad(step.bias_grad)}",
    ]
    if step.outputs is not None:
        loss = "" if step.loss is None else f"   loss = {fmt(step.loss)}"
        lines.append(f"outputs = {vec(step.outputs)}{loss}")
    return lines


def explain(step: LoopStep, spec: LoopSpec) -> str:
    """What the line just did, with its numbers."""
    if step.line == "setup":
        return t("optim.loop_setup", w=fmt(step.weight), b=fmt(step.bias), x=vec(INPUTS), y=vec(LABELS))
    if step.line == "zero_grad":
        if not spec.zero_grad:
            if step.weight_grad is None:
                return t("optim.loop_kept_none")
            return t("optim.loop_kept", w=fmt(step.weight_grad), b=fmt(step.bias_grad))
        if step.before_weight_grad is None:
            return t("optim.loop_zero_none")
        return t("optim.loop_zero", w=fmt(step.before_weight_grad), b=fmt(step.before_bias_grad))
    if step.line == "forward":
        return t("optim.loop_forward", w=fmt(step.weight), x=vec(INPUTS), b=fmt(step.bias), out=vec(step.outputs))
    if step.line == "loss":
        return t("optim.loop_loss", y=vec(LABELS), loss=fmt(step.loss))
    if step.line == "backward":
        fresh = {"fresh_w": fmt(step.fresh_weight_grad), "fresh_b": fmt(step.fresh_bias_grad)}
        if step.before_weight_grad is None:
            return t("optim.loop_stored", **fresh)
        return t(
            "optim.loop_added",
            **fresh,
            old_w=fmt(step.before_weight_grad),
            new_w=fmt_factor(step.fresh_weight_grad),
            w=fmt(step.weight_grad),
            old_b=fmt(step.before_bias_grad),
            new_b=fmt_factor(step.fresh_bias_grad),
            b=fmt(step.bias_grad),
        )
    eta = fmt(spec.lr)
    text = (
        f"w ← w − η·w.grad = {fmt(step.before_weight)} − {eta}·{fmt_factor(step.weight_grad)} = {fmt(step.weight)}, "
        f"b ← {fmt(step.before_bias)} − {eta}·{fmt_factor(step.bias_grad)} = {fmt(step.bias)}"
    )
    if step.cleared_weight is None or step.iteration == 1:  # the first .grad holds one batch either way
        return text
    cleared = t(
        "optim.loop_cleared",
        before_w=fmt(step.before_weight),
        before_b=fmt(step.before_bias),
        eta=eta,
        fresh_w=fmt_factor(step.fresh_weight_grad),
        w=fmt(step.cleared_weight),
        fresh_b=fmt_factor(step.fresh_bias_grad),
        b=fmt(step.cleared_bias),
    )
    return f"{text}\n{cleared}"


def loop_plain(spec: LoopSpec) -> list[str]:
    """The loop as the setup has it, then the other way round, so the accumulated .grad shows beside the right one."""
    lines = []
    for zero_grad in (spec.zero_grad, not spec.zero_grad):
        variant = LoopSpec(spec.lr, spec.iterations, zero_grad)
        lines += [t("cli.optim_loop_with" if zero_grad else "cli.optim_loop_without"), ""]
        lines += [f"  {code}" for code, _ in code_lines(variant)]
        lines.append("")
        for step in loop_trace(variant).steps:
            where = t("cli.optim_loop_where", iteration=step.iteration, line=step.line)
            said = explain(step, variant).replace("\n", "\n    ")
            lines.append(f"{where}  {said}")
            lines += [f"    {line}" for line in state_lines(step)]
        lines.append("")
    return lines[:-1]
