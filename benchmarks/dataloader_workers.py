"""What num_workers does to one epoch of the course's DataLoader on this machine, measured, in one table.

The lesson `tensortour data` says workers pay off when loading a batch is slow and
a CPU is free, and can cost more than they save with data in memory or on few
cores. This script measures both sides, with batch_size=4 and shuffle=True as in
the course, for num_workers 0, 1, 2 and 4:

  memory   CIFAR-sized uint8 images (32×32×3) held in memory, each turned into a
           float32 tensor and normalised as ToTensor + Normalize((0.5,)*3, (0.5,)*3)
           do (written out: torchvision is not a dependency). Little work per
           sample: workers add process start-up and pickling.
  waiting  a quarter as many samples, each with 2 ms of waiting (time.sleep) first,
           standing in for reading a file from disk or the network. Waiting uses
           no CPU, so workers overlap it even on 2 cores.

Each figure is one whole epoch — iter(loader) to StopIteration, worker start-up
included, as every epoch pays it without persistent_workers — the median over
--runs epochs; "× 0 workers" divides by the num_workers=0 time of the same row.

    python benchmarks/dataloader_workers.py              # ~1 min on 2 cores
    python benchmarks/dataloader_workers.py --runs 5 --samples 4000
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

WORKERS = (0, 1, 2, 4)


class CifarSized(Dataset):
    """`samples` random 32×32×3 uint8 images in memory and their labels; item i is transformed on access."""

    def __init__(self, samples: int, wait: float) -> None:
        rng = np.random.default_rng(0)
        self.images = rng.integers(0, 256, size=(samples, 32, 32, 3), dtype=np.uint8)
        self.labels = rng.integers(0, 10, size=samples).tolist()
        self.wait = wait

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        if self.wait:
            time.sleep(self.wait)
        image = torch.from_numpy(self.images[index]).permute(2, 0, 1).to(torch.float32).div(255)
        return image.sub_(0.5).div_(0.5), self.labels[index]


def epoch_seconds(dataset: Dataset, workers: int, runs: int) -> float:
    """Median seconds of one full epoch, each on a fresh iterator (workers start again, as in the course)."""
    loader = DataLoader(dataset, batch_size=4, shuffle=True, num_workers=workers)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _batch in loader:
            pass
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=2000, help="samples per epoch (default 2000)")
    parser.add_argument("--runs", type=int, default=3, help="epochs measured per cell (default 3)")
    args = parser.parse_args()
    torch.set_num_threads(1)  # as DataLoader sets in each worker: a fair main process
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"batch_size=4, shuffle=True; seconds per epoch; this process may use {cpus} CPUs")
    print(f"{'dataset':<16}" + "".join(f"{f'W={w} s':>10}{'× W=0':>7}" for w in WORKERS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's warning for more workers than CPUs
        for name, wait in (("memory", 0.0), ("waiting", 0.002)):
            dataset = CifarSized(args.samples if not wait else args.samples // 4, wait)
            seconds = [epoch_seconds(dataset, workers, args.runs) for workers in WORKERS]
            cells = "".join(f"{s:>10.2f}{s / seconds[0]:>7.2f}" for s in seconds)
            print(f"{f'{name} ({len(dataset)})':<16}{cells}")


if __name__ == "__main__":
    main()
