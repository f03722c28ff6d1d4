"""The matrix-product lesson's words for each shape rule, and its `--plain` walk-through.

The rule and explanation sentences live here, not in the screen, because
`--plain` needs them too and must not import Textual.
"""

from __future__ import annotations

from math import prod

from engine.matmul import MatmulTrace, ShapeStep, matmul_trace
from engine.matmul_shapes import shape_text
from engine.matmul_spec import MAX_VALUES, MatmulSpec
from tui.i18n import lesson_title, t
from tui.text import matrix_lines

# The words for the shape rules, shared by the screen and --plain ----------------

HEADER_WIDTH = 24


def header_lines(trace: MatmulTrace) -> list[str]:
    """`X (2, 3) · W (3, 4)` on one line when it fits the column beside W, else W on a line of its own."""
    spec = trace.spec
    shapes = dict(x=shape_text(spec.x_shape), w=shape_text(spec.w_shape))
    line = t("matmul.header", sep=" ", **shapes)
    lines = (line if len(line) <= HEADER_WIDTH else t("matmul.header", sep="\n", **shapes)).splitlines()
    return lines + [t("matmul.header_bias", b=trace.bias_text)] if spec.has_bias else lines


def rule_text(trace: MatmulTrace, rule: ShapeStep) -> str:
    """One rule's line, such as `inner 3 = 3 ✓`; a promotion of both operands takes two lines."""
    spec, check = trace.spec, trace.check
    if rule.kind == "dims":
        return t("matmul.rule_dims", names=", ".join(check.too_few_dims))
    if rule.kind == "promote":
        lines = [
            t(
                f"matmul.rule_promote_{name}",
                before=shape_text(shape),
                after=shape_text(promoted),
            )
            for name, shape, promoted in (
                ("x", spec.x_shape, check.x_promoted),
                ("w", spec.w_shape, check.w_promoted),
            )
            if len(shape) == 1
        ]
        return "\n".join(lines)
    if rule.kind == "inner":
        kx, kw = check.inner
        return t("matmul.rule_inner_ok" if rule.ok else "matmul.rule_inner_bad", kx=kx, kw=kw)
    if rule.kind == "batch":
        batches = dict(xb=shape_text(check.x_batch), wb=shape_text(check.w_batch))
        return (
            t("matmul.rule_batch_ok", batch=shape_text(check.batch), **batches)
            if rule.ok
            else t("matmul.rule_batch_bad", **batches)
        )
    if rule.kind == "result":
        if check.result == check.promoted_result:
            return t("matmul.rule_result", shape=shape_text(check.result))
        return t(
            "matmul.rule_result_dropped",
            promoted=shape_text(check.promoted_result),
            shape=shape_text(check.result),
        )
    if rule.kind == "bias":
        return t("matmul.rule_bias", b=trace.bias_text, shape=shape_text(check.result))
    return t("matmul.rule_refused")


def explain_text(trace: MatmulTrace, rule: ShapeStep) -> str:
    """What the rule means, with this lesson's sizes."""
    spec, check = trace.spec, trace.check
    if rule.kind == "dims":
        return t("matmul.explain_dims", names=", ".join(check.too_few_dims))
    if rule.kind == "promote":
        return " ".join(
            t(f"matmul.explain_promote_{name}", after=shape_text(promoted))
            for name, shape, promoted in (
                ("x", spec.x_shape, check.x_promoted),
                ("w", spec.w_shape, check.w_promoted),
            )
            if len(shape) == 1
        )
    if rule.kind == "inner":
        kx, kw = check.inner
        return t(
            "matmul.explain_inner_ok" if rule.ok else "matmul.explain_inner_bad",
            kx=kx,
            kw=kw,
        )
    if rule.kind == "batch":
        batches = dict(xb=shape_text(check.x_batch), wb=shape_text(check.w_batch))
        if rule.ok:
            return t("matmul.explain_batch_ok", batch=shape_text(check.batch), **batches)
        return t("matmul.explain_batch_bad", **batches)
    if rule.kind == "result":
        text = t(
            "matmul.explain_result_one" if trace.outputs == 1 else "matmul.explain_result",
            shape=shape_text(check.result),
            outputs=trace.outputs,
            k=check.inner[0],
            madds=trace.multiply_adds,
        )
        return text if spec.has_values else f"{text}\n{why_no_numbers(spec)}"
    if rule.kind == "bias":
        weights, biases = trace.parameters
        params = dict(weights=f"{weights:,}", biases=f"{biases:,}", params=f"{weights + biases:,}")
        return t("matmul.explain_bias", shape=shape_text(check.result), **params)
    return t("matmul.explain_refused")


def why_no_numbers(spec: MatmulSpec) -> str:
    """The operand that keeps the numbers off screen: an empty one, else the one with more than MAX_VALUES."""
    operands = (("X", spec.x_shape), ("W", spec.w_shape))
    for name, shape in operands:
        if prod(shape) == 0:
            return t("matmul.symbolic_empty", name=name, shape=shape_text(shape))
    name, shape = max(operands, key=lambda operand: prod(operand[1]))
    return t("matmul.symbolic", name=name, shape=shape_text(shape), count=prod(shape), limit=MAX_VALUES)


def library_lines(trace: MatmulTrace) -> list[str]:
    """NumPy's and PyTorch's own words when they refuse; nothing when the shapes agree."""
    check = trace.check
    if check.ok:
        return []
    return [
        t("matmul.numpy_says", message=check.numpy_error),
        t("matmul.torch_says", message=check.torch_error),
    ]


# --plain ---------------------------------------------------------------------


def plain(spec: MatmulSpec) -> str:
    """The shapes and their rules, then each library's refusal, or the numbers and every dot product."""
    trace = matmul_trace(spec)
    lines = [lesson_title("matmul"), "", t("cli.matmul_shapes")]
    lines += ["  " + line for line in header_lines(trace)]
    for rule in trace.shape_steps:
        lines += ["  " + line for line in rule_text(trace, rule).splitlines()]
        lines += ["    " + line for line in explain_text(trace, rule).splitlines()]
    lines += ["    " + line for line in library_lines(trace)]
    if not spec.has_values:
        return "\n".join(lines)
    lines.append("")
    for name, array in (
        ("X", spec.x),
        ("W", spec.w),
        ("B", spec.b if spec.has_bias else None),
    ):
        if array is not None:
            lines.append(t("cli.matmul_values", name=name, shape=shape_text(array.shape)))
            lines += matrix_lines(array)
    if trace.result is None:
        return "\n".join(lines)
    lines.append("")
    for index in range(len(trace.shape_steps), trace.step_count):
        step = trace.step(index)
        lines.append(
            t(
                "cli.matmul_step",
                step=index + 1,
                total=trace.step_count,
                formula=step.formula,
            )
        )
        lines.append(f"  {step.arithmetic()}")
    lines += ["", t("cli.matmul_result", shape=shape_text(trace.check.result))]
    lines += matrix_lines(trace.result.reshape(trace.check.result))
    return "\n".join(lines)
