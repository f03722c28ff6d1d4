"""The DataLoader lesson's predictions: how many batches an epoch gives, whether epoch 2 starts like epoch 1,
and the shape of a batch.

The screen shows one epoch's batches at a time; with the quiz on, epoch 1's
batches after the current one, their count and len(loader) wait until its last
batch (tui/screens/data.py). So each question sits on the step that first shows
its answer: len(loader) at epoch 1's last batch, epoch 2's first batch on the
step that opens epoch 2, and a batch's shape on its own step.
All answers come from the trace's batches, for any size, batch size, seed and
drop_last.
"""

from __future__ import annotations

from engine.data import DataSpec, DataTrace
from engine.quiz import Question, shape_text

LESSON = "data"
SAME_CHOICES = ("same_batch", "other_batch")


def _batch_text(samples: tuple[int, ...]) -> str:
    return f"[{', '.join(map(str, samples))}]"


def _sizes_text(spec: DataSpec, batches: tuple[tuple[int, ...], ...]) -> str:
    """`2 × 4 + 2`: the whole batches, then the short last one if the epoch kept it."""
    whole = spec.size // spec.batch_size
    short = len(batches) - whole
    return f"{whole} × {spec.batch_size}" + (f" + {len(batches[-1])}" if short else "")


def _batches(spec: DataSpec, trace: DataTrace) -> Question | None:
    """len(loader), asked on the step that shows epoch 1's last batch (with the quiz on, the screen keeps the
    batches after the current one, their count and len(loader) back until then)."""
    last = trace.per_epoch - 1
    first = trace.epochs[0]
    if last < 1 or not first.batches:
        return None
    count = len(first.batches)
    if not spec.remainder:
        qid, rule = "batches_whole", f"{spec.size}/{spec.batch_size} = {count}"
    elif first.dropped:
        qid, rule = "batches_drop", f"⌊{spec.size}/{spec.batch_size}⌋ = {count}"
    else:
        qid, rule = "batches", f"⌈{spec.size}/{spec.batch_size}⌉ = {count}"
    return Question(
        LESSON,
        qid,
        last,
        "number",
        float(count),
        params={
            "size": spec.size,
            "batch_size": spec.batch_size,
            "drop_last": spec.drop_last,
            "rule": rule,
            "sizes": _sizes_text(spec, first.batches),
            "dropped": len(first.dropped),
        },
    )


def _same_first(spec: DataSpec, trace: DataTrace) -> Question | None:
    """On the step that opens epoch 2: does it start with epoch 1's first batch?"""
    if len(trace.epochs) < 2 or not trace.epochs[0].batches:
        return None
    first, second = trace.epochs[0].batches[0], trace.epochs[1].batches[0]
    return Question(
        LESSON,
        "same_first" if spec.shuffle else "same_first_unshuffled",
        trace.per_epoch,
        "choice",
        0 if first == second else 1,
        params={"first": _batch_text(first), "second": _batch_text(second), "seed": spec.seed},
        choices=SAME_CHOICES,
        choice_keys=True,
    )


def _shape(spec: DataSpec, trace: DataTrace, taken: set[int]) -> Question | None:
    """A batch's shape on its own step: the second (epoch 1's batches after the current one wait while the quiz
    is on), else the last."""
    for index in (1, trace.step_count - 1):
        step = trace.step(index)
        if 1 <= index < trace.step_count and index not in taken and step.batch is not None:
            count = len(step.samples)
            return Question(
                LESSON,
                "batch_shape",
                index,
                "shape",
                (count,),
                params={
                    "epoch": step.epoch + 1,
                    "i": step.batch,
                    "count": count,
                    "size": spec.size,
                    "batch_size": spec.batch_size,
                    "shape": shape_text((count,)),
                },
            )
    return None


def questions(setup: DataSpec, trace: DataTrace) -> tuple[Question, ...]:
    asked = [question for question in (_batches(setup, trace), _same_first(setup, trace)) if question]
    shape = _shape(setup, trace, {question.step for question in asked})
    return tuple(asked + ([shape] if shape else []))
