"""The DataLoader lesson: N numbered samples cut into batches, epoch after epoch, as torch's DataLoader does.

A DataSpec is what the student sets (size, batch_size, shuffle, seed, drop_last,
num_workers, epochs, and a pixel for the transform). data_trace() computes the
batches every epoch yields — exactly those of

    DataLoader(range(N), batch_size=B, shuffle=True,
               generator=torch.Generator().manual_seed(S), drop_last=…)

iterated once per epoch — without importing torch. What each epoch takes from
the generator, read from torch/utils/data (torch 2.13):

1. `iter(loader)` makes a new iterator, whose `_base_seed` is one
   `random_()` on an int64 tensor: one random64(), two engine draws;
2. the first batch asks RandomSampler for its order: `randperm(N)`;
3. when the sampler runs dry (every whole epoch ends there), its generator
   body goes on to `randperm(N)[:N % N]`: an empty slice, but a whole randperm
   of draws taken. So the second epoch's order is not the one the first
   epoch's randperm would be followed by, and only the full sequence matches.

The order does not depend on num_workers: the main process runs the sampler and
hands batch k to worker k mod W, delivering batches in order.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine.data_rng import SEED_HIGH, SEED_LOW, TorchCpuGenerator
from engine.data_transform import ChannelSteps, transform_pixel
from engine.errors import SpecError

MAX_SIZE = 10_000
MAX_EPOCHS = 10
MAX_WORKERS = 8
PREFETCH_FACTOR = 2  # DataLoader's default once num_workers > 0
# batches over all epochs up to which the torch check runs the spec's worker processes; beyond, IPC per batch
# makes it take seconds to minutes on a small machine, and it runs num_workers=0 (the order is the same)
CHECK_WORKERS_UP_TO = 500
# worker processes started over all epochs (each epoch starts num_workers anew) up to which the check runs them:
# the one checker child answers every lesson in turn, and 8 workers × 10 epochs kept it busy for a minute
CHECK_WORKER_STARTS_UP_TO = 8

TORCH_WORKERS_NEGATIVE = "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing."


def usable_cpus() -> int | None:
    """The CPUs this process may run on, as torch counts them (sched_getaffinity, else cpu_count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


@dataclass(frozen=True)
class DataSpec:
    """A DataLoader over range(size) and the pixel the transform is shown on; validates in torch's order."""

    size: int = 10
    batch_size: int = 4
    shuffle: bool = True
    seed: int = 0
    drop_last: bool = False
    num_workers: int = 2
    epochs: int = 2
    pixel: tuple[int, ...] = (255, 0, 128)
    normalize: str = "course"

    def __post_init__(self) -> None:
        object.__setattr__(self, "pixel", tuple(self.pixel))
        self._validate()

    def _validate(self) -> None:
        for name in ("size", "batch_size", "seed", "num_workers", "epochs"):
            value = getattr(self, name)
            if not _is_int(value):
                raise SpecError("not_an_integer", what=f"loader_{name}", token=str(value))
        # the generator is made (and seeded) before the DataLoader that receives it
        if not SEED_LOW <= self.seed <= SEED_HIGH:
            raise SpecError("loader_seed_range", torch_message="Overflow when unpacking long long", value=self.seed)
        if self.num_workers < 0:
            raise SpecError("loader_workers_negative", torch_message=TORCH_WORKERS_NEGATIVE, value=self.num_workers)
        if self.size < 1:
            samples = len(range(self.size))
            torch_message = (
                f"num_samples should be a positive integer value, but got num_samples={samples}"
                if self.shuffle
                else None
            )
            raise SpecError("loader_size_range", torch_message=torch_message, value=self.size, high=MAX_SIZE)
        if self.batch_size < 1:
            raise SpecError(
                "loader_batch_size",
                torch_message=f"batch_size should be a positive integer value, but got batch_size={self.batch_size}",
                value=self.batch_size,
            )
        if self.size > MAX_SIZE:
            raise SpecError("loader_size_range", value=self.size, high=MAX_SIZE)
        if self.batch_size > MAX_SIZE:
            raise SpecError("too_big", what="loader_batch_size", value=self.batch_size, high=MAX_SIZE)
        if self.num_workers > MAX_WORKERS:
            raise SpecError("too_big", what="loader_num_workers", value=self.num_workers, high=MAX_WORKERS)
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise SpecError("loader_epochs_range", value=self.epochs, high=MAX_EPOCHS)

    @property
    def batches_per_epoch(self) -> int:
        """len(loader): ⌈N/B⌉, or ⌊N/B⌋ with drop_last."""
        whole, rest = divmod(self.size, self.batch_size)
        return whole + (1 if rest and not self.drop_last else 0)

    @property
    def remainder(self) -> int:
        """Samples left over after the whole batches: the short last batch, or the ones drop_last drops."""
        return self.size % self.batch_size

    @property
    def iterator_class(self) -> str:
        """The class `iter(loader)` returns, named in the AttributeError of the course's `dataiter.next()`."""
        return "_MultiProcessingDataLoaderIter" if self.num_workers else "_SingleProcessDataLoaderIter"

    @property
    def checked_workers(self) -> int:
        """The num_workers the torch check runs: the spec's, unless that would make the check slow."""
        cheap = (
            self.epochs * self.batches_per_epoch <= CHECK_WORKERS_UP_TO
            and self.epochs * self.num_workers <= CHECK_WORKER_STARTS_UP_TO
        )
        return self.num_workers if cheap else 0

    @property
    def prefetched(self) -> int:
        """Batches requested ahead at the start of an epoch: prefetch_factor × num_workers."""
        return PREFETCH_FACTOR * self.num_workers

    @property
    def code(self) -> str:
        """The loader as the student would write it, with this spec's numbers."""
        parts = [f"range({self.size})", f"batch_size={self.batch_size}", f"shuffle={self.shuffle}"]
        if self.num_workers:
            parts.append(f"num_workers={self.num_workers}")
        if self.shuffle:
            parts.append(f"generator=torch.Generator().manual_seed({self.seed})")
        parts.append(f"drop_last={self.drop_last}")
        return f"loader = DataLoader({', '.join(parts)})"

    def attribute_error(self) -> str:
        """What Python says to the course's `dataiter.next()`: iterators have __next__, not next()."""
        return f"'{self.iterator_class}' object has no attribute 'next'"

    def worker_warning(self, cpus: int | None) -> str | None:
        """torch's warning when num_workers exceeds the CPUs it counts (DataLoader.check_worker_number_rationality)."""
        if not self.num_workers or (cpus is not None and self.num_workers <= cpus):
            return None
        suggested = (
            f"Our suggested max number of worker in current system is {cpus}"
            f"{'' if hasattr(os, 'sched_getaffinity') else ' (`cpuset` is not taken into account)'}"
            ", which is smaller than what this DataLoader is going to create."
            if cpus is not None
            else "DataLoader is not able to compute a suggested max number of worker in current system."
        )
        return (
            f"This DataLoader will create {self.num_workers} worker processes in total. {suggested} "
            "Please be aware that excessive worker creation might get DataLoader running slow or even freeze, "
            "lower the worker number to avoid potential slowness/freeze if necessary."
        )


@dataclass(frozen=True)
class Epoch:
    """One pass over the loader: the order the sampler gave, cut into batches, and what drop_last dropped."""

    number: int
    order: tuple[int, ...]
    batches: tuple[tuple[int, ...], ...]
    dropped: tuple[int, ...]


@dataclass(frozen=True)
class LoaderStep:
    """Batch `batch` of epoch `epoch` (both from 0); batch None: drop_last left this epoch no batch at all."""

    index: int
    epoch: int
    batch: int | None
    samples: tuple[int, ...]
    worker: int | None
    seen: tuple[int, ...]

    @property
    def loaded(self) -> int:
        """Samples this epoch has handed out once this batch is loaded."""
        return len(self.seen) + len(self.samples)

    @property
    def tensor(self) -> str:
        """The batch as torch prints it: default_collate makes the list of ints one int64 tensor."""
        return f"tensor([{', '.join(map(str, self.samples))}])"


@dataclass(frozen=True, eq=False)
class DataTrace:
    """Every epoch's batches for a spec, the step walking them, and the transform of the spec's pixel."""

    spec: DataSpec
    epochs: tuple[Epoch, ...]
    transform: tuple[ChannelSteps, ...]

    @property
    def per_epoch(self) -> int:
        """Steps an epoch takes: one per batch, or one saying there is none."""
        return max(self.spec.batches_per_epoch, 1)

    @property
    def step_count(self) -> int:
        return len(self.epochs) * self.per_epoch

    def _clamp(self, index: int) -> int:
        return min(max(index, 0), self.step_count - 1)

    def position(self, index: int) -> tuple[int, int]:
        """(epoch, batch) of step `index`: what a change of batch size or seed keeps in view."""
        return divmod(self._clamp(index), self.per_epoch)

    def index_at(self, position: tuple[int, int]) -> int | None:
        epoch, batch = position
        return epoch * self.per_epoch + batch if epoch < len(self.epochs) and batch < self.per_epoch else None

    def step(self, index: int) -> LoaderStep:
        index = self._clamp(index)
        number, batch = divmod(index, self.per_epoch)
        epoch = self.epochs[number]
        if not epoch.batches:
            return LoaderStep(index, number, None, (), None, ())
        workers = self.spec.num_workers
        seen = tuple(sample for earlier in epoch.batches[:batch] for sample in earlier)
        return LoaderStep(index, number, batch, epoch.batches[batch], batch % workers if workers else None, seen)

    @property
    def first_batch(self) -> tuple[int, ...]:
        """`next(iter(loader))` on a fresh loader: the first batch of the first epoch."""
        return self.epochs[0].batches[0] if self.epochs[0].batches else ()

    @cached_property
    def new_order_each_epoch(self) -> bool:
        """Shuffled epochs draw new orders (two may still agree by chance when N is tiny)."""
        return len({epoch.order for epoch in self.epochs}) > 1


def epoch_orders(spec: DataSpec) -> list[tuple[int, ...]]:
    """The sampler's order in each epoch: 0 … N−1 unshuffled, else the generator's draws as the loader takes them."""
    if not spec.shuffle:
        return [tuple(range(spec.size))] * spec.epochs
    generator = TorchCpuGenerator(spec.seed)
    orders = []
    for _ in range(spec.epochs):
        generator.skip_random64()  # the iterator's _base_seed
        orders.append(tuple(generator.randperm(spec.size)))
        generator.randperm(spec.size)  # the sampler's empty last slice, drawn when it runs dry
    return orders


def cut(number: int, order: tuple[int, ...], batch_size: int, drop_last: bool) -> Epoch:
    """BatchSampler: consecutive runs of batch_size; the short last one kept, or dropped with drop_last."""
    batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
    dropped: tuple[int, ...] = ()
    if drop_last and batches and len(batches[-1]) < batch_size:
        dropped = batches.pop()
    return Epoch(number, order, tuple(batches), dropped)


def data_trace(spec: DataSpec) -> DataTrace:
    epochs = tuple(
        cut(number, order, spec.batch_size, spec.drop_last) for number, order in enumerate(epoch_orders(spec))
    )
    return DataTrace(spec, epochs, transform_pixel(spec.pixel, spec.normalize))
