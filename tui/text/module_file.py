"""The words for the student's own network: its table, each call's arithmetic, why a load stopped, and `--plain`.

Built from engine's OwnLoad (engine/module_file_result.py) and the advice of
engine/module_file_hint.py; the screen and `--plain` print the same lines.
"""

from __future__ import annotations

import math
import re

from engine.arch import compact, grouped, shape_text
from engine.module import ModuleTrace
from engine.module_file_hint import hint
from engine.module_file_result import OwnLoad, OwnNet, OwnRow
from engine.module_table import ModuleTable
from tui.i18n import lesson_title, t, visible
from tui.text import table_lines

NONE = "–"
SHORT_CALL = 24  # characters: a function call written this briefly is its own label (`out + identity`, `x[:, 0]`)
_NAME = re.compile(r"[\w.]+")


def call_source(table: ModuleTable, row: OwnRow) -> str:
    """The call exactly as the student's file writes it, where Python could say which columns it is."""
    if row.line is None or row.span is None or row.line > len(table.source):
        return ""
    start, end = row.span
    return table.source[row.line - 1][start:end]


def label(table: ModuleTable, row: OwnRow) -> str:
    """A module by its attribute path (`block.conv1`); a function as written (`x.view`, `F.relu`, `out + x`)."""
    if not row.function:
        return row.name or row.kind  # the network itself, where it is one layer
    written = call_source(table, row)
    head = written.split("(", 1)[0]
    if "(" in written and _NAME.fullmatch(head) and head.endswith(row.kind.rsplit(".", 1)[-1]):
        name = head  # x.view, torch.flatten, F.relu
    elif written and len(written) <= SHORT_CALL and "\n" not in written:
        name = written
    else:
        name = row.kind
    return f"{row.within}: {name}" if row.within else name


def file_header() -> list[str]:
    return [t(f"module.{column}") for column in ("col_layer", "col_type", "col_output", "col_params")] + [
        t("module_file.col_macs")
    ]


FILE_RIGHT = (False, False, False, True, True)


def file_rows(table: ModuleTable) -> list[list[str]]:
    """The input, then one row per call: what it is, what comes out, the parameters it brings, its multiply-adds."""
    rows = [["x", "", shape_text(table.input_shape), "", ""]]
    for row in table.rows:
        rows.append(
            [
                label(table, row),
                "" if row.function else row.kind,
                row.out_text,
                grouped(row.params) if row.params else NONE,
                compact(row.macs) if row.macs else NONE,
            ]
        )
    return rows


def _product(sizes) -> str:
    return "·".join(str(size) for size in sizes)


def macs_formula(row: OwnRow) -> str:
    """How a Linear's or a convolution's multiply-adds are counted, where that arithmetic gives torch's count."""
    if row.kind == "Linear" and row.in_shape and row.out_shape:
        rows, inputs, outputs = math.prod(row.in_shape[:-1]), row.in_shape[-1], row.out_shape[-1]
        if rows * inputs * outputs == row.macs:
            return t("module_file.macs_linear", rows=rows, inputs=inputs, outputs=outputs, macs=grouped(row.macs))
    kernel, channels, groups = row.fact("kernel_size"), row.fact("in_channels"), row.fact("groups") or 1
    if row.kind.startswith("Conv") and isinstance(kernel, tuple) and channels and row.out_shape:
        per_output = (channels // groups) * math.prod(kernel)
        if math.prod(row.out_shape) * per_output == row.macs:
            window = _product((channels // groups, *kernel))
            return t("module_file.macs_conv", outputs=_product(row.out_shape), window=window, macs=grouped(row.macs))
    if row.macs:
        return t("module_file.macs_counted", macs=grouped(row.macs))
    return t("module_file.macs_none")


def params_formula(row: OwnRow) -> str:
    """`weight 6×3×5×5 + bias 6 = 456`: the parameters a row counts first, by their names."""
    if not row.param_shapes:
        return t("module_file.params_none")
    parts = " + ".join(f"{name} {shape_text(shape)}" for name, shape in row.param_shapes)
    return t("module_file.params", parts=parts, total=grouped(row.params))


def file_detail(table: ModuleTable, row: OwnRow) -> list[str]:
    """Under the table: where the call is in the file, what went in and out, its parameters and multiply-adds."""
    lines = []
    if row.line is not None and row.line <= len(table.source):
        lines.append(t("module_file.at_line", line=row.line, code=table.source[row.line - 1].strip()))
    if row.defined_at and row.defined_at <= len(table.source):
        lines.append(t("module_file.built_at", line=row.defined_at, code=table.source[row.defined_at - 1].strip()))
    what = (
        (call_source(table, row) or f"{row.kind}({row.arguments})") if row.function else f"{row.kind}({row.arguments})"
    )
    lines.append(t("module_file.io", call=what, before=row.in_text, after=row.out_text))
    lines.append(f"{params_formula(row)} · {macs_formula(row)}")
    return lines


def so_far(trace: ModuleTrace, index: int) -> str:
    """Σ params and Σ MACs up to step `index`, out of the network's."""
    own = trace.setup.own
    if not trace.step_count or own is None or own.shown is None:
        return ""
    step = min(max(index, 0), trace.step_count - 1)
    return t(
        "module_file.so_far",
        params=grouped(trace.params_so_far[step]),
        total=grouped(trace.table.total_params),
        macs=compact(trace.macs_so_far[step]),
        total_macs=compact(own.shown.total_macs),
    )


PLACED = ("syntax", "load", "forward", "constructor", "unreadable")  # failures with a line of the file to show


def _head(load: OwnLoad) -> str:
    """The first line of a failure: what stopped, and where."""
    failure, name = load.failure, load.spec.name
    assert failure is not None
    kind = failure.kind
    where = t("module_file.where", file=name, line=failure.line) if failure.line is not None else name
    if kind == "forward" and failure.place is not None:
        place = failure.place
        key = "module_file.stopped_in_function" if place.function else "module_file.stopped_in"
        return t(key, where=where, layer=label(load.table, place), kind=place.kind, shape=place.in_text)
    if kind in PLACED:
        return t(f"module_file.failed_{kind}", where=where, name=failure.name or name)
    if kind == "timeout":
        return t(f"module_file.timeout_{failure.phase or 'forward'}", where=where, seconds=f"{load.spec.timeout:g}")
    key = kind
    if kind == "not_module":
        key += "_class" if failure.what == "class" else "_returned" if failure.returned else "_other"
    if kind in ("which_class", "missing_class") and not failure.names:
        key += "_none"
    return t(
        f"module_file.{key}",
        file=name,
        name=failure.name,
        names=", ".join(failure.names),
        first=failure.names[0] if failure.names else "Net",
        what=failure.what,
        message=visible(failure.message),
    )


def failure_lines(load: OwnLoad) -> list[str]:
    """Why the load stopped, in the student's language, with Python's or torch's own words and what would fit."""
    failure = load.failure
    if failure is None:
        return []
    lines = [f"✗ {_head(load)}"]
    if failure.code and failure.line is not None:
        lines.append(t("module_file.code", line=failure.line, code=visible(failure.code)))
    if failure.message and failure.kind not in ("missing_file", "died"):
        lines.append(t("module_file.says", error=failure.error_type, message=visible(failure.torch_words)))
    advice = hint(load)
    if advice is not None:
        params = advice.fill()
        if "arguments" in params and failure.place is not None:  # the call as the table names it: x.view(-1, 400)
            params["call"] = f"{label(load.table, failure.place)}({params['arguments']})"
        lines.append(t(f"module_file.{advice.key}", **params))
    elif failure.kind == "constructor" and failure.error_type == "TypeError":
        lines.append(t("module_file.fix_args", name=failure.name))
    return lines


def state_line(own: OwnNet) -> str:
    """Over the table: whether the file is watched, and whether the table is older than the newest load."""
    parts = [t("module_file.watching", file=own.spec.name)] if own.watch else []
    if own.shown is not None and own.stale:
        parts.append(t("module_file.stale"))
    return " · ".join(parts)


def totals_lines(load: OwnLoad) -> list[str]:
    """Under a whole table: the totals, what comes out, and parameters no call used (counted by parameters() all
    the same)."""
    table = load.table
    lines = [
        t(
            "module_file.totals",
            params=grouped(table.total_params),
            macs=grouped(load.total_macs),
            out=", ".join(shape_text(shape) for shape in load.outputs) or NONE,
        )
    ]
    for name, count in load.unused:
        lines.append(t("module_file.unused", name=name, count=grouped(count)))
    if load.truncated:
        lines.append(t("module_file.truncated", count=grouped(load.truncated)))
    return lines


def plain(own: OwnNet) -> str:
    """The whole table with the running totals, each call's arithmetic, named_parameters(); or why it stopped."""
    load = own.latest
    assert load is not None
    table = load.table
    title = f"{table.title}({load.spec.args})"
    lines = [lesson_title("module"), "", t("cli.module_file", title=title, file=load.spec.path)]
    x = shape_text(load.spec.x_shape) + (" int64" if load.spec.dtype == "long" else "")
    lines += [t("cli.module_file_input", shape=x), ""]
    if table.rows:
        header = ["#", t("module.col_line"), *file_header(), t("module_file.col_params_sum")]
        header.append(t("module_file.col_macs_sum"))
        numbered = []
        params = macs = 0
        for number, (row, cells) in enumerate(zip(table.rows, file_rows(table)[1:]), 1):
            params, macs = params + row.params, macs + row.macs
            numbered.append([str(number), str(row.line or ""), *cells, grouped(params), compact(macs)])
        first = ["", "", *file_rows(table)[0], "", ""]
        lines += table_lines([header, first, *numbered], (True, True, *FILE_RIGHT, True, True))
        lines += ["", t("cli.module_arithmetic")]
        for number, row in enumerate(table.rows, 1):
            detail = file_detail(table, row)
            lines += [f"{number:>4} {detail[0]}", *(f"       {line}" for line in detail[1:])]
        lines.append("")
    if load.ok:
        lines += totals_lines(load)
        if table.parameters:
            lines += ["", t("cli.module_parameters")]
            cells = [[p.name, shape_text(p.shape), grouped(p.numel)] for p in table.parameters]
            lines += table_lines(cells, (False, False, True))
    else:
        lines += failure_lines(load)
    return "\n".join(lines)
