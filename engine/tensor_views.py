"""The view and reshape topics: y = x.view(...) or x.reshape(...) cell by cell, and where its numbers live.

x is always torch.arange(n) viewed as the spec's shape (then transposed if the
spec says so), so each number in x is its own storage index. A step is one cell
of y: y[i, j] = storage[offset + i·s0 + j·s1], the same storage cell as some
cell of x. When torch refuses the view, the steps walk x's cells instead, so
the student still sees how x sits on its storage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from engine.tensor_layout import (
    Layout,
    Refused,
    TorchError,
    contiguous_strides,
    memory_chunks,
    reshape,
    tuple_text,
    view,
)
from engine.tensor_steps import TORCH, Address, CodeLine, Panel, Storage, TensorStep

if TYPE_CHECKING:
    from engine.tensor_spec import TensorSpec

STORAGE, COPY = "storage", "copy"


def sizes_text(sizes: tuple[int, ...]) -> str:
    return ", ".join(map(str, sizes))


def source_code(spec: TensorSpec) -> str:
    """`x = torch.arange(24).view(2, 3, 4).transpose(0, 1)`: how the lesson's x is made."""
    code = f"x = torch.arange({spec.numel})"
    if len(spec.shape) > 1:
        code += f".view({sizes_text(spec.shape)})"
    if spec.transpose is not None:
        code += f".transpose({sizes_text(spec.transpose)})"
    return code


def source_storage(spec: TensorSpec, owners: tuple[str, ...]) -> Storage:
    """arange's storage: 0, 1, 2, … — each number is its own index."""
    return Storage(STORAGE, owners, "int64", np.arange(spec.numel, dtype=np.float64))


def chunks_text(layout: Layout) -> str:
    """x's memory chunks by their sizes: `3 | 2×4` (see tensor_layout.memory_chunks)."""
    return " | ".join("×".join(str(layout.shape[d]) for d in chunk) for chunk in memory_chunks(layout))


@dataclass(frozen=True)
class Attempt:
    """What x.view(...) (or x.reshape(...)) gives: y's layout and whether reshape copied, or torch's refusal.

    `reason` says which rule refused: `two_inferred`, `negative`, `size` or `stride`.
    """

    layout: Layout | None
    copied: bool = False
    refusal: TorchError | None = None
    reason: str = ""


def attempt(spec: TensorSpec, method: str) -> Attempt:
    """x.view(*spec.view) (method "view") or x.reshape(*spec.view) ("reshape"), by ATen's rules."""
    try:
        if method == "view":
            return Attempt(view(spec.source, spec.view_sizes))
        return Attempt(*reshape(spec.source, spec.view_sizes))
    except Refused as refused:
        return Attempt(None, refusal=refused.error, reason=refused.rule)


def layout_facts(spec: TensorSpec, result: Attempt) -> dict[str, object]:
    """The numbers the topic's sentences quote: x's layout, its chunks, what was asked, what came out."""
    x = spec.source
    known = [size for size in spec.view_sizes if size != -1]
    facts: dict[str, object] = {
        "x_shape": tuple_text(x.shape),
        "x_strides": tuple_text(x.strides),
        "contiguous": x.is_contiguous,
        "fresh": x.strides == contiguous_strides(x.shape),
        "fresh_strides": tuple_text(contiguous_strides(x.shape)),
        "chunks": chunks_text(x),
        "chunk_count": len(memory_chunks(x)),
        "asked": f"({', '.join(spec.view)})",
        "numel": x.numel,
        "known": math.prod(known),
        "inferring": -1 in spec.view_sizes,
        "reason": result.reason,
        "copied": result.copied,
    }
    if result.layout is not None:
        facts["y_shape"] = tuple_text(result.layout.shape)
        facts["y_strides"] = tuple_text(result.layout.strides)
    return facts


def _x_cells(spec: TensorSpec, kind: str, code: tuple[CodeLine, ...], facts: dict) -> list[TensorStep]:
    """A refused view: step through x's own cells, x[i, j, k] = storage[…]."""
    x, storage = spec.source, source_storage(spec, ("x",))
    panels = (Panel("x", TORCH, "int64", x, 0),)
    return [
        TensorStep(
            spec.topic,
            kind,
            code,
            panels,
            (storage,),
            (Address("x", index, STORAGE, x, float(storage.values[x.storage_index(index)])),),
            facts=facts,
        )
        for index in np.ndindex(*x.shape)
    ]


def _y_cells(spec: TensorSpec, kind: str, code: tuple[CodeLine, ...], result: Attempt, facts: dict) -> list[TensorStep]:
    """One step per cell of y: its address, and the cell of x it shares (a view) or was copied from (a copy)."""
    x, y = spec.source, result.layout
    x_at = {x.storage_index(index): index for index in np.ndindex(*x.shape)}
    values = np.arange(spec.numel, dtype=np.float64)
    if result.copied:
        storages = (source_storage(spec, ("x",)), Storage(COPY, ("y",), "int64", values[x.storage_indices().ravel()]))
    else:
        storages = (source_storage(spec, ("x", "y")),)
    panels = (Panel("x", TORCH, "int64", x, 0), Panel("y", TORCH, "int64", y, len(storages) - 1))
    steps = []
    for index in np.ndindex(*y.shape):
        if result.copied:
            position = y.storage_index(index)
            source = tuple(int(i) for i in np.unravel_index(position, x.shape))
            here = Address("y", index, COPY, y, float(storages[1].values[position]))
        else:
            source = x_at[y.storage_index(index)]
            here = Address("y", index, STORAGE, y, float(values[y.storage_index(index)]))
        there = Address("x", source, STORAGE, x, float(values[x.storage_index(source)]))
        steps.append(
            TensorStep(
                spec.topic,
                kind,
                code,
                panels,
                storages,
                (here, there),
                copied_from=there if result.copied else None,
                facts=facts,
            )
        )
    return steps


def view_steps(spec: TensorSpec) -> list[TensorStep]:
    result = attempt(spec, "view")
    facts = layout_facts(spec, result)
    code = (CodeLine(source_code(spec)), CodeLine(f"y = x.view({', '.join(spec.view)})", refusal=result.refusal))
    if result.layout is None:
        return _x_cells(spec, "view_refused", code, facts)
    return _y_cells(spec, "view_cell", code, result, facts)


def reshape_steps(spec: TensorSpec) -> list[TensorStep]:
    """x.view(...) first, as a student would try it, then x.reshape(...): a view where it can, a copy where not."""
    tried, result = attempt(spec, "view"), attempt(spec, "reshape")
    facts = layout_facts(spec, result) | {"view_reason": tried.reason}
    code = (
        CodeLine(source_code(spec)),
        CodeLine(f"x.view({', '.join(spec.view)})", refusal=tried.refusal),
        CodeLine(f"y = x.reshape({', '.join(spec.view)})", refusal=result.refusal),
    )
    if result.layout is None:
        return _x_cells(spec, "reshape_refused", code, facts)
    return _y_cells(spec, "reshape_copy" if result.copied else "reshape_view", code, result, facts)
