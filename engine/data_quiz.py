"""The DataLoader lesson's predictions: how many samples an epoch loads, whether epoch 2 starts like epoch 1,
and the shape of a batch.

The screen shows one epoch's batches at a time and, per step, the batch just
loaded with the count loaded so far; so each question sits on the step that
first shows its answer: the count at epoch 1's last batch, epoch 2's first
batch on the step that opens epoch 2, and a batch's shape on its own step.
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


def _loaded(spec: DataSpec, trace: DataTrace) -> Question | None:
    """At epoch 1's last batch: every sample, or all but the ones drop_last drops."""
    last = trace.per_epoch - 1
    first = trace.epochs[0]
    if last < 1 or not first.batches:
        return None
    dropped = len(first.dropped)
    return Question(
        LESSON,
        "loaded_drop" if dropped else "loaded",
        last,
        "number",
        float(sum(len(batch) for batch in first.batches)),
        params={
            "i": last,
            "size": spec.size,
            "batch_size": spec.batch_size,
            "sizes": _sizes_text(spec, first.batches),
            "loaded": spec.size - dropped,
            "dropped": dropped,
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
    """A batch's shape on its own step: the last step, else the second one."""
    for index in (trace.step_count - 1, 1):
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
    asked = [question for question in (_loaded(setup, trace), _same_first(setup, trace)) if question]
    shape = _shape(setup, trace, {question.step for question in asked})
    return tuple(asked + ([shape] if shape else []))
