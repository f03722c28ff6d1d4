"""The creation topic: the course's empty, zeros, ones, rand and tensor, then .size(), .shape, .stride(), .item().

torch.rand's numbers are torch's own, made here without torch: after
torch.manual_seed(s), torch's CPU generator is the Mersenne Twister MT19937
seeded with s (its low 32 bits), and each float32 of torch.rand is the low 24
bits of one 32-bit draw times 2⁻²⁴. NumPy's legacy RandomState(s) is that same
generator with that same seeding, and NumPy guarantees its stream never
changes, so the lesson shows real numbers, the checker child confirms them.
torch.empty's numbers are whatever the memory held: the lesson shows `?`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from engine.tensor_layout import Layout, TorchError, torch_size, tuple_text
from engine.tensor_steps import TORCH, Address, CodeLine, Panel, Storage, TensorStep, index_text
from engine.tensor_views import STORAGE, sizes_text

if TYPE_CHECKING:
    from engine.tensor_spec import TensorSpec


def torch_rand(seed: int, count: int) -> np.ndarray:
    """What `torch.manual_seed(seed); torch.rand(count)` gives on the CPU, as float64 (each value exact)."""
    draws = np.random.RandomState(seed).randint(0, 2**32, size=count, dtype=np.uint32)
    return (draws & 0xFFFFFF).astype(np.float64) * 2.0**-24


def item_refusal(numel: int) -> TorchError:
    return TorchError("RuntimeError", f"a Tensor with {numel} elements cannot be converted to Scalar")


def create_steps(spec: TensorSpec) -> list[TensorStep]:
    """One step per line of the course's creation examples, each on the spec's shape."""
    shape, numel = spec.shape, spec.numel
    layout = Layout.contiguous(shape)
    dims = sizes_text(shape)
    arange = np.arange(numel, dtype=np.float64)

    def step(kind: str, code: tuple[CodeLine, ...], values, dtype: str, addresses=(), **facts) -> TensorStep:
        unknown = values is None
        storage = Storage(STORAGE, ("x",), dtype, np.full(numel, np.nan) if unknown else values, known=not unknown)
        panel = Panel("x", TORCH, dtype, layout, 0)
        facts = {"shape": tuple_text(shape), "numel": numel, "dtype": dtype, **facts}
        return TensorStep(spec.topic, kind, code, (panel,), (storage,), tuple(addresses), facts=facts)

    literal = str(arange.astype(np.int64).reshape(shape).tolist())
    last = tuple(size - 1 for size in shape)
    one = numel == 1
    return [
        step("empty", (CodeLine(f"x = torch.empty({dims})"),), None, "float32"),
        step("zeros", (CodeLine(f"x = torch.zeros({dims})"),), np.zeros(numel), "float32"),
        step("ones", (CodeLine(f"x = torch.ones({dims})"),), np.ones(numel), "float32"),
        step(
            "rand",
            (CodeLine(f"torch.manual_seed({spec.seed})"), CodeLine(f"x = torch.rand({dims})")),
            torch_rand(spec.seed, numel),
            "float32",
            seed=spec.seed,
        ),
        step("tensor", (CodeLine(f"x = torch.tensor({literal})"),), arange, "int64"),
        step(
            "size",
            (
                CodeLine("x.size()", torch_size(shape)),
                CodeLine("x.shape", torch_size(shape)),
                CodeLine("x.stride()", tuple_text(layout.strides)),
            ),
            arange,
            "int64",
            strides=tuple_text(layout.strides),
        ),
        step(
            "item_one" if one else "item_many",
            (CodeLine("x.item()", "0" if one else None, None if one else item_refusal(numel)),),
            arange,
            "int64",
        ),
        step(
            "item_cell",
            (CodeLine(f"x[{index_text(last)}].item()", str(numel - 1)),),
            arange,
            "int64",
            [Address("x", last, STORAGE, layout, float(numel - 1))],
            cell=f"x[{index_text(last)}]",
        ),
    ]
