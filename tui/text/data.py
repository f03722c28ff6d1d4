"""The DataLoader lesson's words: batches, the transform, workers, `next(dataiter)`; and the `--plain` walk-through."""

from __future__ import annotations

from engine.data import DataSpec, DataTrace, data_trace, usable_cpus
from engine.data_transform import transform_code
from tui.i18n import lesson_title, t

TENSOR_SHOWN = 12  # samples a batch's tensor shows whole on the step line; the grid shows all of them


def batch_count(n: int) -> str:
    if n == 0:
        return t("dataloader.batches_none")
    return t("dataloader.batches_one") if n == 1 else t("dataloader.batches_many", n=n)


def batches_title(trace: DataTrace, epoch: int, count_shown: bool = True) -> str:
    """`epoch 1/2 · 3 batches`; `epoch 1/2 · …` while the count is a question still open."""
    return t(
        "dataloader.batches_title",
        epoch=epoch + 1,
        epochs=len(trace.epochs),
        batches=batch_count(trace.spec.batches_per_epoch) if count_shown else "…",
    )


def order_note(trace: DataTrace, epoch: int) -> str:
    """How this epoch's order came about, and whether it repeats an earlier epoch's (it can, by chance)."""
    spec = trace.spec
    if not spec.shuffle:
        return t("dataloader.order_fixed", last=spec.size - 1)
    note = t("dataloader.order_shuffled", seed=spec.seed)
    order = trace.epochs[epoch].order
    earlier = next((e.number for e in trace.epochs[:epoch] if e.order == order), None)
    if earlier is not None and spec.size > 1:
        note += t("dataloader.same_order", epoch=earlier + 1)
    return note


def row_label(trace: DataTrace, batch: int) -> str:
    workers = trace.spec.num_workers
    if workers:
        return t("dataloader.row_worker", i=batch, worker=batch % workers)
    return t("dataloader.row", i=batch)


def tensor_text(samples: tuple[int, ...]) -> str:
    """`tensor([4, 1, 7, 5])`; a long batch keeps its ends and says its length (torch prints all up to 1,000)."""
    if len(samples) <= TENSOR_SHOWN:
        return f"tensor([{', '.join(map(str, samples))}])"
    ends = [*map(str, samples[:3]), "…", *map(str, samples[-3:])]
    return f"tensor([{', '.join(ends)}]), shape [{len(samples)}]"


def loader_notes(trace: DataTrace) -> list[str]:
    """len(loader), what happens to the last batch, and what shuffle does."""
    spec = trace.spec
    if spec.remainder == 0:
        last = t("dataloader.last_full", batch_size=spec.batch_size, n=spec.size)
    elif spec.drop_last and spec.batches_per_epoch == 0:
        key = "dataloader.last_dropped_only" if spec.size == 1 else "dataloader.last_dropped_all"
        last = t(key, n=spec.size)
    elif spec.drop_last:
        key = "dataloader.last_dropped_one" if spec.remainder == 1 else "dataloader.last_dropped"
        last = t(key, r=spec.remainder)
    else:
        key = "dataloader.last_short_only" if spec.batches_per_epoch == 1 else "dataloader.last_short"
        last = t(key, r=spec.remainder, batch_size=spec.batch_size)
    length = t("dataloader.len_loader", n=spec.batches_per_epoch)
    return [f"{length} · {last}", t("dataloader.shuffle_on" if spec.shuffle else "dataloader.shuffle_off")]


def step_lines(trace: DataTrace, index: int) -> list[str]:
    """The batch the loop body receives at step `index`, how full it is, and who loaded it."""
    spec, step = trace.spec, trace.step(index)
    if step.batch is None:
        return [t("dataloader.step_empty", epoch=step.epoch + 1, n=spec.size, batch_size=spec.batch_size)]
    head = t("dataloader.step_batch", epoch=step.epoch + 1, i=step.batch, tensor=tensor_text(step.samples))
    count = len(step.samples)
    key = "dataloader.step_samples_one" if count == 1 else "dataloader.step_samples"
    detail = t(key, count=count, batch_size=spec.batch_size, done=step.loaded, n=spec.size)
    who = t("dataloader.step_worker", worker=step.worker) if step.worker is not None else t("dataloader.step_main")
    return [head, f"{detail} · {who}"]


def transform_lines(trace: DataTrace) -> list[str]:
    spec = trace.spec
    return [
        t("dataloader.transform_code", code=transform_code(spec.normalize)),
        t("dataloader.transform_flow"),
        *(channel.arithmetic for channel in trace.transform),
        t(f"dataloader.transform_{spec.normalize}"),
    ]


def worker_lines(spec: DataSpec, cpus: int | None, *, quote_whole: bool = True) -> list[str]:
    """What num_workers does with this setting, on this machine, with torch's own warning where it gives one.

    The screen quotes the warning's first two sentences (the numbers) and marks the cut with …; --plain quotes it whole.
    """
    w = spec.num_workers
    if w == 0:
        lines = [t("dataloader.workers_none")]
    elif w == 1:
        lines = [t("dataloader.workers_one")]
    else:
        lines = [t("dataloader.workers_some", w=w, ahead=spec.prefetched)]
    if cpus is not None:
        lines.append(t("dataloader.workers_cpus_one") if cpus == 1 else t("dataloader.workers_cpus", cpus=cpus))
    warning = spec.worker_warning(cpus)
    if warning:
        if not quote_whole:
            warning = ". ".join(warning.split(". ")[:2]) + ". …"
        lines.append(t("error.torch_says", message=f"UserWarning: {warning}"))
    lines.append(t("dataloader.workers_why"))
    return lines


def next_lines(trace: DataTrace) -> list[str]:
    """The course's `dataiter.next()`, its AttributeError today, and `next(dataiter)`."""
    first = trace.first_batch
    today = t("dataloader.next_today", tensor=tensor_text(first)) if first else t("dataloader.next_empty")
    return [
        t("dataloader.next_course"),
        t("dataloader.next_error", message=trace.spec.attribute_error()),
        today,
    ]


def plain(spec: DataSpec) -> str:
    """The loader line, its notes, every epoch's batches as lists, then the transform, workers and next()."""
    trace = data_trace(spec)
    lines = [lesson_title("data"), spec.code, *loader_notes(trace)]
    for epoch in trace.epochs:
        lines += ["", t("cli.loader_epoch", epoch=epoch.number + 1, order=order_note(trace, epoch.number))]
        for batch, samples in enumerate(epoch.batches):
            worker = t("cli.loader_worker", worker=batch % spec.num_workers) if spec.num_workers else ""
            lines.append(f"  {list(samples)}{worker}")
        if not epoch.batches:
            lines.append(t("cli.loader_no_batch"))
        if epoch.dropped:
            lines.append(t("cli.loader_dropped", samples=list(epoch.dropped)))
    pixel = f"({', '.join(map(str, spec.pixel))})"
    lines += ["", t("cli.loader_transform", pixel=pixel), *(f"  {line}" for line in transform_lines(trace))]
    lines += ["", t("cli.loader_workers"), *(f"  {line}" for line in worker_lines(spec, usable_cpus()))]
    lines += ["", t("cli.loader_next"), *(f"  {line}" for line in next_lines(trace))]
    return "\n".join(lines)
