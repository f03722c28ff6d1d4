"""What torch does around backward, for the lesson's last three graphs: no_grad, backward(gradient=v), a second call.

torch's own words are quoted here as torch 2.13 writes them (the lesson shows
them without importing torch; the tests compare them with torch's live
messages). The Jacobian is computed the way torch.autograd.functional.jacobian
does: one backward per output cell, seeded with that cell's one-hot vector.
"""

from __future__ import annotations

import numpy as np

from engine.autograd import Graph

NO_GRAPH = "element 0 of tensors does not require grad and does not have a grad_fn"
"""out.backward() on a result computed under torch.no_grad(): nothing was recorded."""

NOT_SCALAR = "grad can be implicitly created only for scalar outputs"
"""z.backward() on a z of several numbers: torch will not guess ∂L/∂z, the student passes it as gradient=v."""

FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward."
)
"""A backward through a graph whose saved values (y, kept by u = y·y) an earlier call freed."""

REFUSALS = {"nograd": NO_GRAPH, "vector": NOT_SCALAR, "twice": FREED}


def torch_size(shape: tuple[int, ...]) -> str:
    """`torch.Size([2, 2])`, as torch prints a shape in its messages."""
    return f"torch.Size([{', '.join(str(side) for side in shape)}])"


def gradient_mismatch(gradient_shape: tuple[int, ...], output_shape: tuple[int, ...]) -> str:
    """torch's refusal of a gradient=v whose shape is not the output's (torch 2.13's words)."""
    return (
        f"Mismatch in shape: grad_output[0] has a shape of {torch_size(gradient_shape)} "
        f"and output[0] has a shape of {torch_size(output_shape)}."
    )


def default_gradient(shape: tuple[int, ...]) -> np.ndarray:
    """1, 0.1, 0.01 … in reading order: each cell of v different, so Jᵀ·v shows which cell scales which."""
    return (10.0 ** -np.arange(int(np.prod(shape)), dtype=np.float64)).reshape(shape)


def jacobian(graph: Graph, values: dict[str, np.ndarray], leaf: str) -> np.ndarray:
    """J[i, j] = ∂out_i/∂leaf_j (cells in reading order): row i is backward seeded with out's i-th one-hot cell."""
    out = values[graph.output]
    rows = []
    for cell in np.ndindex(out.shape):
        seed = np.zeros_like(out)
        seed[cell] = 1.0
        rows.append(graph.backward(values, seed)[-1][leaf].reshape(-1))
    return np.array(rows)
