"""How torch lays a tensor over its storage, and its rules for transpose, view and reshape, in plain integers.

A tensor is a storage (one row of numbers) read through sizes, strides and an
offset: cell (i, j, k) is storage[offset + i·s0 + j·s1 + k·s2]. The functions
here follow ATen's own algorithms (infer_size, computeStride, the contiguity
test, transpose's dimension check) and raise `Refused` with torch 2.13's exact
words where torch raises, so the lesson can quote torch without importing it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

VIEW_REFUSED = (
    "view size is not compatible with input tensor's size and stride (at least one dimension"
    " spans across two contiguous subspaces). Use .reshape(...) instead."
)


@dataclass(frozen=True)
class TorchError:
    """What torch raises for something a student may well write: its exception class and its exact message."""

    kind: str
    message: str

    @property
    def text(self) -> str:
        return f"{self.kind}: {self.message}"


class Refused(Exception):
    """Torch would raise here; `error` holds what it would say, `rule` which of its rules refused."""

    def __init__(self, kind: str, message: str, rule: str) -> None:
        super().__init__(message)
        self.error = TorchError(kind, message)
        self.rule = rule


def torch_list(sizes: tuple[int, ...]) -> str:
    """A list of sizes as ATen prints it in messages: `[5, -1]`."""
    return "[" + ", ".join(str(size) for size in sizes) + "]"


def torch_size(shape: tuple[int, ...]) -> str:
    """What `x.size()` and `x.shape` print: `torch.Size([2, 3, 4])`."""
    return f"torch.Size({torch_list(shape)})"


def tuple_text(values: tuple[int, ...]) -> str:
    """A tuple as Python prints it (what `x.stride()` prints): `(12, 4, 1)`, `(1,)`."""
    return str(tuple(int(v) for v in values))


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The strides of a freshly made tensor of `shape`: the last dimension moves by 1, each one before by the product after."""
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


@dataclass(frozen=True)
class Layout:
    """Sizes, strides (in elements) and storage offset: how a tensor reads its storage."""

    shape: tuple[int, ...]
    strides: tuple[int, ...]
    offset: int = 0

    @classmethod
    def contiguous(cls, shape: tuple[int, ...]) -> Layout:
        return cls(tuple(shape), contiguous_strides(shape))

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def is_contiguous(self) -> bool:
        """torch's test: walking from the last dimension, each size other than 1 continues the stride run."""
        expected = 1
        for size, stride in zip(reversed(self.shape), reversed(self.strides)):
            if size != 1:
                if stride != expected:
                    return False
                expected *= size
        return True

    def storage_index(self, index: tuple[int, ...]) -> int:
        return self.offset + sum(i * s for i, s in zip(index, self.strides))

    def storage_indices(self) -> np.ndarray:
        """For every cell, in the tensor's shape, the storage index it reads."""
        grid = np.indices(self.shape, dtype=np.int64) if self.shape else np.zeros((0,), dtype=np.int64)
        strides = np.array(self.strides, dtype=np.int64).reshape((-1,) + (1,) * len(self.shape))
        return self.offset + (grid * strides).sum(axis=0)

    def transpose(self, dim0: int, dim1: int) -> Layout:
        """Swap two dimensions' sizes and strides: no number moves in storage."""
        first, second = wrap_dim(dim0, len(self.shape)), wrap_dim(dim1, len(self.shape))
        shape, strides = list(self.shape), list(self.strides)
        shape[first], shape[second] = shape[second], shape[first]
        strides[first], strides[second] = strides[second], strides[first]
        return Layout(tuple(shape), tuple(strides), self.offset)


def wrap_dim(dim: int, ndim: int) -> int:
    """A dimension as torch accepts it (−ndim … ndim−1), made non-negative; torch's IndexError otherwise."""
    low, high = -max(ndim, 1), max(ndim, 1) - 1
    if not low <= dim <= high:
        raise Refused(
            "IndexError",
            f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})",
            "dim_range",
        )
    return dim + ndim if dim < 0 else dim


def infer_size(requested: tuple[int, ...], numel: int) -> tuple[int, ...]:
    """The sizes a view or reshape asks for, with its one −1 worked out (ATen's infer_size)."""
    known, inferred = 1, None
    for position, size in enumerate(requested):
        if size == -1:
            if inferred is not None:
                raise Refused("RuntimeError", "only one dimension can be inferred", "two_inferred")
            inferred = position
        elif size >= 0:
            known *= size
        else:
            raise Refused(
                "RuntimeError",
                f"invalid shape dimension {size} at index {position} of shape {torch_list(requested)}",
                "negative",
            )
    if numel == known or (inferred is not None and known > 0 and numel % known == 0):
        if inferred is None:
            return tuple(requested)
        return tuple(numel // known if position == inferred else size for position, size in enumerate(requested))
    raise Refused("RuntimeError", f"shape '{torch_list(requested)}' is invalid for input of size {numel}", "size")


def memory_chunks(layout: Layout) -> tuple[tuple[int, ...], ...]:
    """The tensor's dimensions grouped as computeStride groups them: within a chunk, each stride is the next
    dimension's size × stride, so the chunk walks memory evenly; a view may regroup sizes only inside a chunk.
    A dimension of size 1 never starts a chunk."""
    shape, strides = layout.shape, layout.strides
    chunks: list[tuple[int, ...]] = []
    end, run = len(shape), 1
    for dim in range(len(shape) - 1, -1, -1):
        run *= shape[dim]
        if dim == 0 or (shape[dim - 1] != 1 and strides[dim - 1] != run * strides[end - 1]):
            chunks.append(tuple(range(dim, end)))
            end, run = dim, 1
    return tuple(reversed(chunks))


def compute_stride(layout: Layout, sizes: tuple[int, ...]) -> tuple[int, ...] | None:
    """The strides a view of `layout` with `sizes` reads the same storage with, or None where no strides can
    (ATen's computeStride: the view's sizes, taken from the right, must fill each memory chunk exactly)."""
    if layout.numel == 0:
        raise ValueError("the lesson's tensors are never empty")
    new_strides = [0] * len(sizes)
    view_dim = len(sizes) - 1
    for chunk in reversed(memory_chunks(layout)):
        base = layout.strides[chunk[-1]]
        chunk_numel = math.prod(layout.shape[d] for d in chunk)
        view_numel = 1
        while view_dim >= 0 and (view_numel < chunk_numel or sizes[view_dim] == 1):
            new_strides[view_dim] = view_numel * base
            view_numel *= sizes[view_dim]
            view_dim -= 1
        if view_numel != chunk_numel:
            return None
    return tuple(new_strides) if view_dim == -1 else None


def view(layout: Layout, requested: tuple[int, ...]) -> Layout:
    """`x.view(*requested)`: the same storage and offset, new sizes and strides, or torch's refusal."""
    sizes = infer_size(requested, layout.numel)
    strides = compute_stride(layout, sizes)
    if strides is None:
        raise Refused("RuntimeError", VIEW_REFUSED, "stride")
    return Layout(sizes, strides, layout.offset)


def reshape(layout: Layout, requested: tuple[int, ...]) -> tuple[Layout, bool]:
    """`x.reshape(*requested)` and whether it copied: a view where one exists, else a fresh contiguous tensor."""
    sizes = infer_size(requested, layout.numel)
    strides = compute_stride(layout, sizes)
    if strides is None:
        return Layout.contiguous(sizes), True
    return Layout(sizes, strides, layout.offset), False
