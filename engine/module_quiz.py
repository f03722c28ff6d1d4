"""The nn.Module lesson's predictions: a layer's weight shape, the parameters counted so far, the flattened size.

Every answer is read from the ModuleTrace the screen steps through, so it holds
for the course's Net at any batch, SimpleConvNet with any hyper-parameters, and
the student's own file (`--file`: its rows and parameters come from torch's
hooks in the child process, with the same fields). The table beside the steps
shows every call's output shape and parameter count from the start, and the
status line the running total at the current step; so the questions ask what
the table does not say: how a weight is laid out, the running total further on.

Layers view: a call's step shows its parameter arithmetic (the weight's sizes);
parameters view: an entry's step shows its shape, and SimpleConvNet's book array.
"""

from __future__ import annotations

import math

from engine.arch import grouped
from engine.module import ModuleSetup, ModuleTrace
from engine.module_table import ModuleRow
from engine.quiz import Question

LESSON = "module"
MAX_WEIGHT_QUESTIONS = 2
LINEAR_KINDS = ("Linear", "Affine")  # torch's, and the book's (which flattens its input itself)


def _counted(trace: ModuleTrace) -> list[int]:
    """What each step adds to the running total (a module called again adds nothing)."""
    so_far = trace.params_so_far
    return [so_far[0], *(after - before for before, after in zip(so_far, so_far[1:]))]


def _sum_question(trace: ModuleTrace, taken: set[int], qid: str, latest: bool) -> Question | None:
    """The running total at a step that adds parameters to some already counted, short of the whole network's
    (which the status line always shows): the latest such step, or the first with four terms to add."""
    added, total = _counted(trace), trace.table.total_params
    order = range(trace.step_count - 1, 0, -1) if latest else range(1, trace.step_count)
    for index in order:
        if not latest and sum(1 for count in added[: index + 1] if count) < 4:
            continue
        earlier = [count for count in added[:index] if count]
        if index in taken or not added[index] or not earlier or trace.params_so_far[index] >= total:
            continue
        terms = " + ".join(grouped(count) for count in [*earlier, added[index]])
        params = {"name": _step_name(trace, index), "terms": terms, "total": grouped(trace.params_so_far[index])}
        return Question(LESSON, qid, index, "number", trace.params_so_far[index], params)
    return None


def _step_name(trace: ModuleTrace, index: int) -> str:
    return trace.step(index).name


def _row_weight(trace: ModuleTrace, index: int) -> tuple[str, tuple[int, ...], bool] | None:
    """The first weight (2 or more dimensions) that call `index` counts first: its name, its shape, and whether
    it is the book's array (SimpleConvNet keeps an Affine's W as in×out, torch's Linear as out×in)."""
    row: ModuleRow = trace.step(index)  # type: ignore[assignment]
    table = trace.table
    own = getattr(row, "param_shapes", None)  # the student's file: what the child counted at this call
    if own is not None:
        return next(((name, shape, False) for name, shape in own if len(shape) >= 2), None)
    if not table.first_use(index):
        return None
    for parameter in table.owned_by(row.name):
        if len(parameter.shape) >= 2:
            if parameter.book_name:
                return parameter.book_name, parameter.book_shape, True
            return parameter.name, parameter.shape, False
    return None


def _weight_questions(trace: ModuleTrace, taken: set[int]) -> list[Question]:
    """The first weights met after the first step: a conv's (Cout, Cin, K, K), a linear layer's (out, in)."""
    found: list[Question] = []
    for index in range(1, trace.step_count):
        weight = None if index in taken else _row_weight(trace, index)
        if weight is None:
            continue
        name, shape, book = weight
        row = trace.step(index)
        if not book and not name.startswith(f"{row.name}."):  # the file's rows name a parameter within its module
            name = f"{row.name}.{name}"
        line = row.params_line or f"{name}: {'·'.join(map(str, shape))} = {grouped(math.prod(shape))}"
        qid = ("book_weight_shape" if book else "weight_shape") + ("_next" if found else "")
        params = {"name": row.name, "weight": name, "before": row.in_text, "after": row.out_text}
        params |= {"line": line, "shape": str(tuple(shape))}
        found.append(Question(LESSON, qid, index, "shape", tuple(shape), params))
        if len(found) == MAX_WEIGHT_QUESTIONS:
            break
    return found


def _flat_question(setup: ModuleSetup, trace: ModuleTrace, taken: set[int]) -> Question | None:
    """How many numbers per sample leave the call before a linear layer that takes them flattened.

    Left out where the table already shows that number (a view or Flatten row's output), and where the call
    before is the first step. SimpleConvNet's shapes are per image; the other tables' first size is the batch.
    """
    batched = setup.model != "simple"
    rows = trace.table.rows
    shown = {size for row in rows for size in row.out_shape}
    for index in range(2, trace.step_count):
        before, row = rows[index - 1], rows[index]
        sample_in = before.out_shape[1:] if batched else before.out_shape
        sample_out = row.out_shape[1:] if batched else row.out_shape
        if row.kind in LINEAR_KINDS and len(sample_in) >= 2 and len(sample_out) == 1:
            size = math.prod(sample_in)
            if size in shown or index - 1 in taken:
                return None
            params = {"name": before.name, "shape": before.out_text, "sizes": "·".join(map(str, sample_in))}
            params |= {"size": grouped(size), "next": row.name}
            return Question(LESSON, "flat_size", index - 1, "number", size, params)
    return None


def _parameter_questions(trace: ModuleTrace) -> list[Question]:
    """Parameters view: the book's layout of a transposed weight (SimpleConvNet), the running total, what one
    module owns."""
    found: list[Question] = []
    for index, parameter in enumerate(trace.steps):
        if index and getattr(parameter, "book_transposed", False):
            params = {"name": parameter.name, "torch": str(parameter.shape), "book": parameter.book_name}
            params["shape"] = str(tuple(parameter.book_shape))
            found.append(Question(LESSON, "book_layout", index, "shape", tuple(parameter.book_shape), params))
            break
    total = _sum_question(trace, {q.step for q in found}, "parameters_so_far", latest=False)
    found += [total] if total else []
    owner = _owner_question(trace, max((q.step for q in found), default=0))
    return found + ([owner] if owner else [])


def _owner_question(trace: ModuleTrace, after: int) -> Question | None:
    """The first module, named after step `after`, with a weight and a bias: what it owns together.

    Asked at its last tensor's step, where the list has named them all; the table lists them one by one.
    """
    parameters = trace.steps
    for index in range(after + 1, trace.step_count):
        owner = parameters[index].owner
        owned = trace.table.owned_by(owner)
        if len(owned) >= 2 and parameters[index] is owned[-1]:
            terms = " + ".join(grouped(p.numel) for p in owned)
            total = sum(p.numel for p in owned)
            params = {"owner": owner, "names": ", ".join(p.name for p in owned), "terms": terms}
            params["total"] = grouped(total)
            return Question(LESSON, "owner_total", index, "number", total, params)
    return None


def questions(setup: ModuleSetup, trace: ModuleTrace) -> tuple[Question, ...]:
    """Layers view: two weights' shapes and a running total; parameters view: a book layout and a running total."""
    if not trace.step_count:
        return ()  # the student's file has not loaded (yet)
    if setup.view == "params":
        return () if setup.model == "file" else tuple(_parameter_questions(trace))
    found = _weight_questions(trace, set())
    total = _sum_question(trace, {q.step for q in found}, "so_far", latest=True)
    found += [total] if total else []
    flat = _flat_question(setup, trace, {q.step for q in found})
    found += [flat] if flat else []
    return tuple(sorted(found, key=lambda q: q.step))
