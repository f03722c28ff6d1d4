"""What one step of the tensor lesson shows: code lines, the tensors as grids, the storages beneath, the address
arithmetic of the current cell. Plain data, built by the topic modules and drawn by the screen and `--plain`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from engine.numbers import fmt
from engine.tensor_layout import Layout, TorchError

TORCH, NUMPY = "torch", "numpy"
CPU, GPU = "cpu", "cuda:0"


def index_text(index: tuple[int, ...]) -> str:
    return ", ".join(map(str, index))


@dataclass(frozen=True)
class CodeLine:
    """A line of Python; `result` is what it evaluates to (shown as a comment), `refusal` what torch raises.
    `new`: the step runs it (False: an earlier step did, it is shown for context)."""

    code: str
    result: str | None = None
    refusal: TorchError | None = None
    new: bool = True


@dataclass(frozen=True, eq=False)
class Storage:
    """One row of memory. `known` False: nobody knows what it holds (torch.empty), `values` are then NaN.
    `changed`: the indices this step wrote."""

    name: str
    owners: tuple[str, ...]
    dtype: str
    values: np.ndarray
    place: str = CPU
    changed: frozenset[int] = frozenset()
    known: bool = True

    @property
    def size(self) -> int:
        return len(self.values)


@dataclass(frozen=True, eq=False)
class Panel:
    """A tensor (or NumPy array) on screen: a name, its layout over storage number `storage` of the step."""

    name: str
    library: str
    dtype: str
    layout: Layout
    storage: int
    device: str = CPU


@dataclass(frozen=True)
class Address:
    """Where one cell lives: tensor[index] = storage[offset + Σ index·stride], and the value found there."""

    tensor: str
    index: tuple[int, ...]
    storage: str
    layout: Layout
    value: float | None

    @property
    def position(self) -> int:
        return self.layout.storage_index(self.index)

    @property
    def label(self) -> str:
        return f"{self.tensor}[{index_text(self.index)}]"

    @property
    def sum_text(self) -> str:
        """`0 + 1·6 + 2·1`: the offset, then each index times its stride."""
        terms = [str(self.layout.offset)] + [f"{i}·{s}" for i, s in zip(self.index, self.layout.strides)]
        return " + ".join(terms)

    @property
    def formula(self) -> str:
        """`y[1, 2] = storage[0 + 1·6 + 2·1] = storage[8] = 8`."""
        text = f"{self.label} = {self.storage}[{self.sum_text}] = {self.storage}[{self.position}]"
        return text if self.value is None else f"{text} = {fmt(self.value)}"


@dataclass(frozen=True, eq=False)
class TensorStep:
    """One step: `kind` names what it teaches (the text module's sentence), `facts` fill that sentence in.

    `addresses` are the cells the step is about (marked on screen, their arithmetic spelled out);
    `copied_from` is, for a reshape that copied, the cell of x the current cell's number was copied from.
    """

    topic: str
    kind: str
    code: tuple[CodeLine, ...]
    panels: tuple[Panel, ...]
    storages: tuple[Storage, ...]
    addresses: tuple[Address, ...] = ()
    copied_from: Address | None = None
    facts: Mapping[str, object] = field(default_factory=dict)

    @property
    def refusal(self) -> TorchError | None:
        return next((line.refusal for line in self.code if line.refusal), None)

    def panel(self, name: str) -> Panel:
        return next(panel for panel in self.panels if panel.name == name)

    def values(self, panel: Panel) -> np.ndarray | None:
        """The panel's cells, read from its storage through its layout (None where the storage is unknown)."""
        storage = self.storages[panel.storage]
        if not storage.known:
            return None
        return storage.values[panel.layout.storage_indices()]

    def storage_named(self, name: str) -> int:
        return next(number for number, storage in enumerate(self.storages) if storage.name == name)
