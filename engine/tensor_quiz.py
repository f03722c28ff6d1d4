"""The tensor lesson's predictions, topic by topic, each at the step whose code line shows the answer.

create   the dtype torch.tensor gives whole numbers, torch.rand's range, whether x.item() works
view     which storage index a cell of y (or, when torch refuses, of x) reads; which cell of x it shares
reshape  the same, in the copy when reshape had to copy
inplace  which tensors x.add_ changes; how many numbers of x a write through the view y changes
numpy    what a shared (a.numpy(), from_numpy) or copied (torch.tensor, clone) tensor holds after a write

Every answer is read from the TensorTrace the screen steps through (its steps'
storages, layouts and refusals), so it holds for any shape, view, transpose
and seed. Steps are found by their kind, never by number: a topic's steps
depend on the setup (a refused view walks x's cells instead of y's).
"""

from __future__ import annotations

import numpy as np

from engine.numbers import fmt
from engine.quiz import Question
from engine.tensor import TensorTrace
from engine.tensor_spec import TensorSpec
from engine.tensor_steps import Address, TensorStep, index_text

LESSON = "tensor"
DTYPES = ("float32", "float64", "int64")
RANGES = ((0.0, 1.0, "range_unit"), (-1.0, 1.0, "range_symmetric"))  # [low, high): option keys


def _first(trace: TensorTrace, *kinds: str) -> tuple[int, TensorStep] | None:
    return next(((i, step) for i, step in enumerate(trace.steps) if step.kind in kinds), None)


def _create(spec: TensorSpec, trace: TensorTrace) -> list[Question]:
    found = []
    shape = ", ".join(map(str, spec.shape))
    at = _first(trace, "rand")
    if at:
        values = at[1].storages[0].values
        keys = [key for low, high, key in RANGES] + ["range_normal"]
        inside = next((key for low, high, key in RANGES if values.min() >= low and values.max() < high), "range_normal")
        params = {"seed": spec.seed, "shape": shape, "low": fmt(values.min()), "high": fmt(values.max())}
        found.append(
            Question(
                LESSON, "rand_range", at[0], "choice", keys.index(inside), params, choices=tuple(keys), choice_keys=True
            )
        )
    at = _first(trace, "tensor")
    if at:
        dtype = at[1].storages[0].dtype
        params = {"dtype": dtype, "shape": shape}
        found.append(
            Question(
                LESSON, "tensor_dtype", at[0], "choice", DTYPES.index(dtype), params, choices=DTYPES, choice_keys=True
            )
        )
    at = _first(trace, "item_one", "item_many")
    if at:
        refused = at[1].refusal is not None
        params = {"shape": shape, "numel": spec.numel, "error": at[1].refusal.text if refused else ""}
        options = ("item_number", "item_refuses")
        qid = "item_refused" if refused else "item_works"
        found.append(Question(LESSON, qid, at[0], "choice", int(refused), params, choices=options, choice_keys=True))
    return found


def _address_params(address: Address) -> dict[str, object]:
    return {"label": address.label, "storage": address.storage, "formula": address.formula}


def _storage_question(qid: str, trace: TensorTrace, index: int) -> Question:
    """`y[1, 2] = storage[?]`: the offset plus each index times its stride."""
    address = trace.steps[index].addresses[0]
    params = _address_params(address) | {"strides": str(address.layout.strides), "offset": address.layout.offset}
    return Question(LESSON, qid, index, "number", float(address.position), params)


def _same_cell_question(trace: TensorTrace, index: int) -> Question | None:
    """Which cell of x holds the number of y's cell: the right one, the one in reading order, its neighbours."""
    step = trace.steps[index]
    if len(step.addresses) < 2:
        return None
    here, there = step.addresses[0], step.addresses[1]
    x = there.layout
    cells = list(np.ndindex(*x.shape))
    flat = int(np.ravel_multi_index(here.index, here.layout.shape))  # y's cell in reading order
    near = [cells[n] for n in (flat, cells.index(there.index) - 1, cells.index(there.index) + 1) if 0 <= n < len(cells)]
    labels = sorted({f"x[{index_text(cell)}]" for cell in [there.index, *near]})
    if len(labels) < 2:
        return None
    right = there.label
    params = _address_params(here) | {"there": there.formula, "cell": right}
    qid = "copied_from" if step.copied_from is not None else "same_cell"
    return Question(LESSON, qid, index, "choice", labels.index(right), params, choices=tuple(labels))


def _cells(trace: TensorTrace) -> list[Question]:
    """view / reshape: a cell's storage index a quarter of the way, the cell of x it shares half way, the last
    cell's storage index (where torch refuses the view, the walk is over x's cells: their indices only)."""
    count = trace.step_count
    quarter, middle, last = max(count // 4, 1), count // 2, count - 1
    if count < 2:
        return []
    found = [_storage_question("storage_index", trace, quarter)]
    if quarter < middle < last:
        same = _same_cell_question(trace, middle)
        found.append(same if same is not None else _storage_question("storage_index_middle", trace, middle))
    if last > quarter:
        found.append(_storage_question("storage_index_last", trace, last))
    return found


def _inplace(trace: TensorTrace) -> list[Question]:
    found = []
    at = _first(trace, "add_")
    if at:
        before = trace.steps[at[0] - 1].storages
        changed = [not np.array_equal(old.values, new.values) for old, new in zip(before, at[1].storages)]
        options = ("changes_x", "changes_z", "changes_both", "changes_neither")
        answer = {(True, False): 0, (False, True): 1, (True, True): 2, (False, False): 3}[tuple(changed)]
        params = {"amount": at[1].facts["amount"]}
        found.append(
            Question(LESSON, "add_in_place", at[0], "choice", answer, params, choices=options, choice_keys=True)
        )
    at = _first(trace, "view_add_")
    if at:
        step = at[1]
        count = len(step.storages[0].changed)
        y = step.panel("y").layout
        params = {"amount": step.facts["amount"], "y_shape": str(y.shape), "row": str(y.shape[1:])}
        found.append(Question(LESSON, "through_view", at[0], "number", float(count), params))
    return found


NUMPY_QUESTIONS = {  # step kind: (question id, the panel whose numbers are asked)
    "add_shared": ("shared_numpy", "b"),
    "tensor_copies": ("tensor_copy", "c"),
    "clone_copies": ("clone_shared", "b"),
}


def _numpy(trace: TensorTrace) -> list[Question]:
    found = []
    for index, step in enumerate(trace.steps):
        if step.kind in NUMPY_QUESTIONS and index:
            qid, name = NUMPY_QUESTIONS[step.kind]
            panel = step.panel(name)
            value = float(step.storages[panel.storage].values[0])
            params = {"code": "; ".join(line.code for line in step.code if line.new), "value": fmt(value)}
            found.append(Question(LESSON, qid, index, "number", value, params))
    return found


def questions(setup: TensorSpec, trace: TensorTrace) -> tuple[Question, ...]:
    """The topic's questions, one per step at most."""
    if setup.topic == "create":
        found = _create(setup, trace)
    elif setup.topic in ("view", "reshape"):
        found = _cells(trace)
    elif setup.topic == "inplace":
        found = _inplace(trace)
    else:
        found = _numpy(trace)
    return tuple(q for q in found if 1 <= q.step < trace.step_count)
