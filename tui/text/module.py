"""The module lesson's words: the table, the arithmetic under it, the structure drawing, and the `--plain` walk.

Everything a step shows is built here from engine's ModuleTrace, so the screen
and `--plain` say the same thing.
"""

from __future__ import annotations

from engine.arch import grouped, shape_text
from engine.module import GRAD_PHASES, ModuleSetup, ModuleTrace, grad_code, grad_state, module_trace
from engine.module_simple import DIAGRAM_LABELS, hyper_text
from engine.module_table import ModuleRow, ModuleTable, NamedParameter
from tui.i18n import lesson_title, t
from tui.text import table_lines

NONE = "–"  # a layer with no parameters: a dash, so the rows that learn stand out


def call_label(table: ModuleTable, row: ModuleRow) -> str:
    """How the row is called: `conv1`, `F.relu`, `x.view` from the source; the book's layer name otherwise."""
    if row.line is None or row.span is None:
        return row.name
    start, end = row.span
    return table.source[row.line - 1][start:end].removeprefix("self.")


def constructor(table: ModuleTable, row: ModuleRow) -> str:
    """`nn.Conv2d(3, 6, 5)` as __init__ writes it, or the book's `Convolution(W1, b1, stride=1, pad=0)`."""
    if row.defined_at:
        return table.source[row.defined_at - 1].split("= ", 1)[1]
    return f"{row.kind}({row.arguments})" if row.line is None else ""


def call_text(table: ModuleTable, row: ModuleRow) -> str:
    """The call as forward() makes it: self.conv1(x), F.relu(x), x.view(-1, 16 * 5 * 5)."""
    label = call_label(table, row)
    if row.line is None:
        return label
    prefix = "" if label.startswith(("F.", "x.")) else "self."
    return f"{prefix}{label}({row.arguments if row.kind == 'view' else 'x'})"


def layer_header(setup: ModuleSetup) -> list[str]:
    columns = (
        ["col_call", "col_output", "col_params"]
        if setup.model == "net"
        else ["col_layer", "col_type", "col_output", "col_params"]
    )
    return [t(f"module.{column}") for column in columns]


def layer_rows(trace: ModuleTrace) -> list[list[str]]:
    """The input, then one row per call; a module used again shows its parameters once."""
    table = trace.table
    rows = [["x", *([""] if trace.setup.model == "simple" else []), shape_text(table.input_shape), ""]]
    for index, row in enumerate(table.rows):
        count = row.params if table.first_use(index) else 0
        cells = [call_label(table, row), *([row.kind] if trace.setup.model == "simple" else []), row.out_text]
        rows.append([*cells, grouped(count) if count else NONE])
    return rows


def parameter_header(setup: ModuleSetup) -> list[str]:
    columns = [
        "col_name",
        "col_shape",
        *(["col_book"] if setup.model == "simple" else []),
        "col_numel",
        "col_grad",
    ]
    return [t(f"module.{column}") for column in columns]


def grad_cell(phase: str, parameter: NamedParameter) -> str:
    return {"none": "None", "tensor": "tensor", "zeros": "zeros"}[grad_state(phase, parameter)[0]]


def parameter_rows(trace: ModuleTrace) -> list[list[str]]:
    """named_parameters(): name, shape (the book's too for SimpleConvNet), element count, and .grad now."""
    simple = trace.setup.model == "simple"
    rows = [["Σ", "", *([""] if simple else []), grouped(trace.table.total_params), ""]]
    for parameter in trace.table.parameters:
        book = [f"{parameter.book_name} {shape_text(parameter.book_shape)}"] if simple else []
        rows.append(
            [
                parameter.name,
                shape_text(parameter.shape),
                *book,
                grouped(parameter.numel),
                grad_cell(trace.setup.grad, parameter),
            ]
        )
    return rows


def right_aligned(setup: ModuleSetup) -> tuple[bool, ...]:
    """Which columns hold counts (right-aligned) in the current view's table."""
    if setup.view == "layers":
        return (False, False, True) if setup.model == "net" else (False, False, False, True)
    return (False, False, *((False,) if setup.model == "simple" else ()), True, False)


def so_far(trace: ModuleTrace, index: int) -> str:
    """Σ of the parameters up to step `index`, out of the whole network's."""
    done = trace.params_so_far[min(max(index, 0), trace.step_count - 1)]
    return t("module.so_far", done=grouped(done), total=grouped(trace.table.total_params))


def row_lines(table: ModuleTable, row: ModuleRow, first_use: bool = True) -> list[str]:
    """What a call does: the call and its module, in → out, the arithmetic, and what the layer is for."""
    built = constructor(table, row)
    head = f"{call_text(table, row)} · {built}" if built else call_text(table, row)
    lines = [t("module.io", call=head, before=row.in_text, after=row.out_text)]
    lines += [line for line in (row.shape_line, row.params_line if first_use else "") if line]
    note = t(f"module.note_{row.kind}")
    if not first_use and row.defined_at:
        note = t("module.note_again", name=row.name, note=note)
    return lines + [note]


def parameter_lines(table: ModuleTable, parameter: NamedParameter) -> list[str]:
    """A parameter: its shape and count, who owns it, and (SimpleConvNet) how the book's array is laid out."""
    factors = "·".join(str(size) for size in parameter.shape)
    owner = table.owner_row(parameter)
    lines = [
        t(
            "module.parameter" if len(parameter.shape) > 1 else "module.parameter_vector",
            name=parameter.name,
            shape=shape_text(parameter.shape),
            factors=factors,
            numel=grouped(parameter.numel),
            owner=constructor(table, owner) if owner.defined_at else owner.name,
        )
    ]
    if parameter.book_name:
        key = "module.book_transposed" if parameter.book_transposed else "module.book_same"
        lines.append(t(key, book=parameter.book_name, shape=shape_text(parameter.book_shape)))
    return lines


def grad_lines(setup: ModuleSetup, title: str) -> list[str]:
    """The zero_grad story so far: the code that ran, then what .grad is now."""
    phase = setup.grad
    code = " → ".join(grad_code(name, title) for name in GRAD_PHASES[: GRAD_PHASES.index(phase) + 1])
    return [code, t(f"module.grad_{phase}")]


def detail_lines(trace: ModuleTrace, index: int) -> list[str]:
    """Everything under the table for step `index`."""
    step = trace.step(index)
    if isinstance(step, NamedParameter):
        return [*parameter_lines(trace.table, step), *grad_lines(trace.setup, trace.table.title)]
    return row_lines(trace.table, step, first_use=trace.table.first_use(min(max(index, 0), trace.step_count - 1)))


def diagram(
    trace: ModuleTrace, index: int | None, width: int, boxes: bool = True
) -> tuple[list[str], tuple[int, int] | None]:
    """SimpleConvNet's structure as boxes, step `index`'s layer drawn double (None: no mark); and that box's columns.

    With the input and output shapes where `width` allows, the bare chain
    where it does not, one line of names (the current one in brackets) below
    that or where `boxes` is False (a short terminal).
    """
    table = trace.table
    current = None if index is None else trace.row_at(index).name
    labels = [(DIAGRAM_LABELS[row.kind], row.name == current) for row in table.rows]
    top, middle, bottom, spans, column = [], [], [], [], 0
    for position, (label, marked) in enumerate(labels):
        edge = "║" if marked else "│"
        corners = ("╔", "╗", "╚", "╝", "═") if marked else ("┌", "┐", "└", "┘", "─")
        gap = "" if position == 0 else " "
        top.append(gap + corners[0] + corners[4] * len(label) + corners[1])
        middle.append(("" if position == 0 else "→") + edge + label + edge)
        bottom.append(gap + corners[2] + corners[4] * len(label) + corners[3])
        start = column + len(gap)
        column = start + len(label) + 2
        if marked:
            spans.append((start, column))
    chain = ["".join(part) for part in (top, middle, bottom)]
    before, after = f"{shape_text(table.input_shape)} →", f"→ {shape_text(table.rows[-1].out_shape)}"
    if boxes and len(before) + len(chain[0]) + len(after) <= width:
        pad = " " * len(before)
        lines = [pad + chain[0], before + chain[1] + after, pad + chain[2]]
        return lines, (spans[0][0] + len(before), spans[0][1] + len(before)) if spans else None
    if boxes and len(chain[0]) <= width:
        return chain, spans[0] if spans else None
    names = [f"[{label}]" if marked else label for label, marked in labels]
    return [" → ".join(names)], None


def plain(setup: ModuleSetup) -> str:
    """The source (Net) or the structure (SimpleConvNet), the walk through forward(), the parameters, the zero_grad story;
    for the student's own network (`--file`), its table."""
    if setup.own is not None:
        from tui.text.module_file import plain as own_plain

        return own_plain(setup.own)
    layers = module_trace(ModuleSetup(setup.model, "layers", setup.grad, setup.batch, setup.simple))
    params = module_trace(ModuleSetup(setup.model, "params", setup.grad, setup.batch, setup.simple))
    table = layers.table
    lines = [lesson_title("module"), ""]
    if setup.model == "net":
        lines += [
            t("cli.module_source"),
            *(f"{number:>3}  {text}".rstrip() for number, text in enumerate(table.source, 1)),
        ]
        lines += ["", t("cli.module_batch", batch=setup.batch, shape=shape_text(table.input_shape))]
    else:
        lines += [t("cli.module_simple"), f"  SimpleConvNet({hyper_text(setup.simple)})", ""]
        lines += [f"  {line}" for line in diagram(layers, None, 200)[0]]
    net = setup.model == "net"
    lines += ["", t("cli.module_walk" if net else "cli.module_walk_simple")]
    first, *rest = layer_rows(layers)
    lined = [[str(row.line)] if net else [] for row in table.rows]
    numbered = [[str(number), *line, *cells] for number, (line, cells) in enumerate(zip(lined, rest), 1)]
    header = ["#", *([t("module.col_line")] if net else []), *layer_header(setup)]
    right = (True, *((True,) if net else ()), *right_aligned(layers.setup))
    lines += table_lines([header, ["", *([""] if net else []), *first], *numbered], right)
    lines += ["", t("cli.module_arithmetic")]
    for number, row in enumerate(table.rows, 1):
        detail = row_lines(table, row, first_use=table.first_use(number - 1))
        lines += [f"{number:>4} {detail[0]}", *(f"       {line}" for line in detail[1:])]
    lines += ["", t("cli.module_parameters")]
    lines += table_lines([parameter_header(setup), *parameter_rows(params)[1:]], right_aligned(params.setup))
    lines += ["", t("cli.module_total", total=grouped(table.total_params)), "", t("cli.module_grad")]
    for phase in GRAD_PHASES:
        lines += [f"  {grad_code(phase, table.title)}", f"      {t(f'module.grad_{phase}')}"]
    return "\n".join(lines)
