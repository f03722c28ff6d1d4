"""The tensor lesson's words: the code lines, the titles of the grids, each step's sentences, and `--plain`."""

from __future__ import annotations

import numpy as np

from engine.numbers import fmt
from engine.tensor import tensor_trace
from engine.tensor_layout import tuple_text
from engine.tensor_spec import TOPICS, TensorSpec
from engine.tensor_steps import GPU, NUMPY, Address, Panel, Storage, TensorStep, index_text
from engine.tensor_views import STORAGE
from tui.i18n import lesson_title, t

UNKNOWN = "?"


def topic_name(topic: str) -> str:
    return t(f"tensor.topic_{topic}")


def topic_line(spec: TensorSpec) -> str:
    """`topic 2/5 · view`."""
    return t("tensor.topic", number=TOPICS.index(spec.topic) + 1, total=len(TOPICS), name=topic_name(spec.topic))


def settings_text(spec: TensorSpec) -> str:
    """shape, view, transpose and seed as the flags write them."""
    transpose = sizes(spec.transpose) if spec.transpose is not None else t("tensor.none")
    return t(
        "tensor.settings",
        shape=sizes(spec.shape),
        view=",".join(spec.view),
        transpose=transpose,
        seed=spec.seed,
    )


def sizes(values) -> str:
    return ",".join(map(str, values))


def code_lines(step: TensorStep) -> list[str]:
    """The step's Python, a result as a comment; where earlier lines are shown too, ▶ marks the step's own."""
    marked = any(not line.new for line in step.code)
    lines = []
    for line in step.code:
        prefix = ("▶ " if line.new else "  ") if marked else ""
        lines.append(prefix + line.code + (f"  # {line.result}" if line.result is not None else ""))
    return lines


def refusal_text(step: TensorStep) -> str:
    """torch's exception, quoted: `✗ RuntimeError: shape '[5, -1]' is invalid for input of size 24`."""
    refusal = step.refusal
    return "" if refusal is None else t("tensor.raises", error=refusal.text)


def cell_text(value: float | None) -> str:
    return UNKNOWN if value is None else fmt(value)


def panel_cells(step: TensorStep, panel: Panel) -> np.ndarray:
    """The panel's cells as text, in its shape."""
    values = step.values(panel)
    if values is None:
        return np.full(panel.layout.shape, UNKNOWN, dtype=object)
    return np.vectorize(fmt, otypes=[object])(values)


def storage_cells(storage: Storage) -> list[list[str]]:
    """Two rows: the indices, then what each holds."""
    return [
        [str(i) for i in range(storage.size)],
        [fmt(v) if storage.known else UNKNOWN for v in storage.values],
    ]


def panel_title(panel: Panel) -> str:
    """`x (2, 3, 4) stride (12, 4, 1)`; a NumPy array says `ndarray`, a tensor on a GPU its device."""
    title = f"{panel.name} {tuple_text(panel.layout.shape)}"
    if panel.library == NUMPY:
        title += f" {t('tensor.kind_numpy')}"
    elif panel.device == GPU:
        title += f" {panel.device}"
    return f"{title} {t('tensor.stride', strides=tuple_text(panel.layout.strides))}"


def panel_subtitle(panel: Panel) -> str:
    """`not contiguous` where torch would say so (x.is_contiguous() is False)."""
    return "" if panel.layout.is_contiguous else t("tensor.not_contiguous")


def storage_title(storage: Storage) -> str:
    """`storage of x, y: 24 × int64`, `copy, storage of y: …` (the name its cells go by), `GPU memory of g: …`."""
    key = "gpu" if storage.place == GPU else "title" if storage.name == STORAGE else "named"
    return t(
        f"tensor.storage_{key}",
        name=storage.name,
        owners=", ".join(storage.owners),
        count=storage.size,
        dtype=storage.dtype,
    )


def address_lines(step: TensorStep) -> list[str]:
    """The current cell's arithmetic: y's address, then x's (the same storage cell, or the cell copied from)."""
    if not step.addresses:
        return []
    first, *others = step.addresses
    if step.copied_from is not None:
        source = step.copied_from
        return [first.formula, t("tensor.copied", copy=f"{first.storage}[{first.position}]", source=source.formula)]
    return [first.formula] + [_same_cell(first, other) for other in others]


def _same_cell(first: Address, other: Address) -> str:
    return t("tensor.same_cell", formula=other.formula) if other.position == first.position else other.formula


def notes(step: TensorStep) -> list[str]:
    """What the step teaches, for this setup: the kind's sentence with the step's facts."""
    facts = step.facts
    kind = step.kind
    if kind in ("view_refused", "reshape_refused", "view_add_refused"):
        return [t(f"tensor.refused_{refusal_rule(step)}", **facts), t(f"tensor.{kind}")]
    if kind in ("view_cell", "reshape_view"):
        layout = "tensor.layout_chunks"
        if facts["contiguous"]:
            layout = "tensor.layout_contiguous" if facts["fresh"] else "tensor.layout_contiguous_ones"
        lines = [t(layout, **facts), t(f"tensor.{kind}", **facts)]
        return lines + _inferred(step)
    if kind == "reshape_copy":
        return [t("tensor.reshape_copy", **facts)] + _inferred(step)
    if kind == "view_add_" and facts["changed"] == 1:
        kind = "view_add_one"
    return [t(f"tensor.{kind}", **facts)]


def refusal_rule(step: TensorStep) -> str:
    """Which sentence explains torch's refusal: a size rule (zero, with −1, without), two −1s, a negative, strides."""
    facts = step.facts
    if facts["reason"] != "size":
        return str(facts["reason"])
    if facts["known"] == 0:
        return "size_zero"
    return "size_inferred" if facts["inferring"] else "size"


def _inferred(step: TensorStep) -> list[str]:
    """`-1 → 24 / 6 = 4` where the view left a size for torch to work out."""
    facts = step.facts
    if not facts["inferring"] or "y_shape" not in facts:
        return []
    return [t("tensor.inferred", numel=facts["numel"], known=facts["known"], shape=facts["y_shape"])]


# --plain ------------------------------------------------------------------------


def _blocks(name: str, cells: np.ndarray) -> list[str]:
    """A tensor's cells as text rows, a caption over each 2-D slice of a 3-D or 4-D one."""
    if cells.ndim <= 2:
        return _rows(cells.reshape(-1, cells.shape[-1]) if cells.ndim else cells.reshape(1, 1))
    lines = []
    for index in np.ndindex(*cells.shape[:-2]):
        lines.append(f"  {name}[{index_text(index)}]")
        lines += _rows(cells[index])
    return lines


def _rows(cells: np.ndarray) -> list[str]:
    width = max(len(str(cell)) for cell in cells.ravel())
    return ["    " + " ".join(str(cell).rjust(width) for cell in row) for row in cells]


def picture(step: TensorStep) -> list[str]:
    """What the grids show: every panel and every storage row beneath."""
    lines = []
    for panel in step.panels:
        title = " · ".join(filter(None, [panel_title(panel), panel_subtitle(panel)]))
        lines += [title, *_blocks(panel.name, panel_cells(step, panel))]
    for storage in step.storages:
        lines += [f"{storage_title(storage)} · {t('tensor.storage_legend')}", *_rows(np.array(storage_cells(storage)))]
    return lines


def plain(spec: TensorSpec) -> str:
    """The topic's steps: code, torch's words, the sentences; the grids whenever they change; each cell's address."""
    trace = tensor_trace(spec)
    lines = [lesson_title("tensor"), f"{topic_line(spec)} · {settings_text(spec)}"]
    shown: list[str] = []
    said: list[str] = []
    for index, step in enumerate(trace.steps):
        header = code_lines(step) + ([refusal_text(step)] if step.refusal else []) + notes(step)
        if header != said:
            lines += ["", t("tensor.plain_step", step=index + 1, total=trace.step_count), *header]
            said = header
        drawn = picture(step)
        if drawn != shown:
            lines += drawn
            shown = drawn
        number = f"{index + 1}/{trace.step_count}".rjust(2 * len(str(trace.step_count)) + 1)
        lines += [
            f"  {number if row == 0 else ' ' * len(number)}  {line}" for row, line in enumerate(address_lines(step))
        ]
    return "\n".join(lines)
