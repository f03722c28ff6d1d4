"""Who owns which memory: add vs add_ (and a change made through a view), and the NumPy bridge.

In-place: z = x.add(10) makes a new storage (with x's strides: torch keeps the
layout of a dense input), x.add_(10) writes into x's own storage, and
y[0].add_(10) through a view y of x changes x's cells too.

The NumPy bridge, as the course runs it: a.numpy() and torch.from_numpy(a)
share memory, so a change to one shows in the other; torch.tensor(a) and
.clone() copy; a tensor on a GPU has no NumPy view at all (torch refuses) and
g.cpu() copies it to host memory first. Steps carry the code so far, the lines
the step runs marked `new`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from engine.tensor_layout import Layout, TorchError
from engine.tensor_steps import GPU, NUMPY, TORCH, CodeLine, Panel, Storage, TensorStep
from engine.tensor_views import STORAGE, attempt, layout_facts, sizes_text, source_code

if TYPE_CHECKING:
    from engine.tensor_spec import TensorSpec

AMOUNT = 10


def gpu_refusal() -> TorchError:
    """What `.numpy()` on a CUDA tensor raises (torch/csrc/utils/tensor_numpy.cpp, with the device's name)."""
    return TorchError(
        "TypeError",
        f"can't convert {GPU} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first.",
    )


def _program(done: tuple[CodeLine, ...], new: tuple[CodeLine, ...]) -> tuple[CodeLine, ...]:
    """The lines so far, earlier ones marked old."""
    return tuple(replace(line, new=False) for line in done) + new


def inplace_steps(spec: TensorSpec) -> list[TensorStep]:
    x = spec.source
    base = np.arange(spec.numel, dtype=np.float64)
    x_panel, z_panel = Panel("x", TORCH, "int64", x, 0), Panel("z", TORCH, "int64", x, 1)
    z_storage = Storage(STORAGE, ("z",), "int64", base + AMOUNT, changed=frozenset(range(spec.numel)))
    lines = [CodeLine(source_code(spec)), CodeLine(f"z = x.add({AMOUNT})")]
    facts = {"amount": AMOUNT, "numel": spec.numel}
    steps = [
        TensorStep(
            spec.topic,
            "add",
            tuple(lines),
            (x_panel, z_panel),
            (Storage(STORAGE, ("x",), "int64", base), z_storage),
            facts=facts,
        )
    ]
    after_add_ = base + AMOUNT
    add_ = CodeLine(f"x.add_({AMOUNT})")
    steps.append(
        TensorStep(
            spec.topic,
            "add_",
            _program(tuple(lines), (add_,)),
            (x_panel, z_panel),
            (
                Storage(STORAGE, ("x",), "int64", after_add_, changed=frozenset(range(spec.numel))),
                replace(z_storage, changed=frozenset()),
            ),
            facts=facts,
        )
    )
    lines.append(add_)
    result = attempt(spec, "view")
    facts = facts | layout_facts(spec, result)
    view_line = CodeLine(f"y = x.view({', '.join(spec.view)})", refusal=result.refusal)
    if result.layout is None:
        steps.append(
            TensorStep(
                spec.topic,
                "view_add_refused",
                _program(tuple(lines), (view_line,)),
                (x_panel,),
                (Storage(STORAGE, ("x",), "int64", after_add_),),
                facts=facts,
            )
        )
        return steps
    touched = np.atleast_1d(result.layout.storage_indices()[0]).ravel()
    through_view = after_add_.copy()
    through_view[touched] += AMOUNT
    steps.append(
        TensorStep(
            spec.topic,
            "view_add_",
            _program(tuple(lines), (view_line, CodeLine(f"y[0].add_({AMOUNT})"))),
            (x_panel, Panel("y", TORCH, "int64", result.layout, 0)),
            (Storage(STORAGE, ("x", "y"), "int64", through_view, changed=frozenset(int(i) for i in touched)),),
            facts=facts | {"changed": len(touched)},
        )
    )
    return steps


def numpy_steps(spec: TensorSpec) -> list[TensorStep]:
    """The course's bridge both ways, then the three ways memory is not shared: torch.tensor, .clone(), a GPU."""
    dims, count = sizes_text(spec.shape), spec.numel
    layout = Layout.contiguous(spec.shape)
    everything = frozenset(range(count))

    def memory(owners, dtype, value, changed=False, place="cpu") -> Storage:
        return Storage(
            STORAGE, owners, dtype, np.full(count, float(value)), place, everything if changed else frozenset()
        )

    def panel(name, library, dtype, storage, device="cpu") -> Panel:
        return Panel(name, library, dtype, layout, storage, device)

    program: list[CodeLine] = []
    steps: list[TensorStep] = []

    def step(kind, new_lines, panels, storages, **facts) -> None:
        steps.append(
            TensorStep(
                spec.topic,
                kind,
                _program(tuple(program), tuple(new_lines)),
                tuple(panels),
                tuple(storages),
                facts={"numel": count, **facts},
            )
        )
        program.extend(line for line in new_lines if line.refusal is None)

    a32, b32 = panel("a", TORCH, "float32", 0), panel("b", NUMPY, "float32", 0)
    step("torch_ones", [CodeLine(f"a = torch.ones({dims})")], [a32], [memory(("a",), "float32", 1)])
    step("to_numpy", [CodeLine("b = a.numpy()")], [a32, b32], [memory(("a", "b"), "float32", 1)])
    step("add_shared", [CodeLine("a.add_(1)")], [a32, b32], [memory(("a", "b"), "float32", 2, changed=True)])
    program.clear()
    a64, b64 = panel("a", NUMPY, "float64", 0), panel("b", TORCH, "float64", 0)
    step(
        "from_numpy",
        [
            CodeLine(f"a = np.ones({dims if len(spec.shape) == 1 else f'({dims})'})"),
            CodeLine("b = torch.from_numpy(a)"),
        ],
        [a64, b64],
        [memory(("a", "b"), "float64", 1)],
    )
    step("numpy_add", [CodeLine("np.add(a, 1, out=a)")], [a64, b64], [memory(("a", "b"), "float64", 2, changed=True)])
    step(
        "tensor_copies",
        [CodeLine("c = torch.tensor(a)"), CodeLine("np.add(a, 1, out=a)")],
        [a64, panel("c", TORCH, "float64", 1)],
        [memory(("a", "b"), "float64", 3, changed=True), memory(("c",), "float64", 2)],
    )
    step(
        "clone_copies",
        [CodeLine("d = b.clone()"), CodeLine("b.add_(1)")],
        [b64, panel("d", TORCH, "float64", 1)],
        [memory(("a", "b"), "float64", 4, changed=True), memory(("d",), "float64", 3)],
    )
    gpu = panel("g", TORCH, "float64", 1, GPU)
    step(
        "gpu_refuses",
        [CodeLine(f'g = b.to("{GPU.split(":")[0]}")'), CodeLine("g.numpy()", refusal=gpu_refusal())],
        [b64, gpu],
        [memory(("a", "b"), "float64", 4), memory(("g",), "float64", 4, place=GPU)],
    )
    step(
        "gpu_copies",
        [CodeLine("h = g.cpu().numpy()"), CodeLine("h += 1")],
        [gpu, panel("h", NUMPY, "float64", 1)],
        [memory(("g",), "float64", 4, place=GPU), memory(("h",), "float64", 5, changed=True)],
    )
    return steps
