"""How long `tensortour train --preset course` (the PyTorch CIFAR-10 tutorial's run) takes on this machine.

The run is 2 epochs of 50,000 images in batches of 4, so 25,000 optimizer steps,
plus one pass over the 10,000 test images after each epoch. Training all of it
takes many minutes on a CPU, so this times a few hundred batches and projects:

  tensortour   engine/train's Trainer with the preset (what --headless and the app run),
               the data a tensor in memory and each batch an index slice of it
  tutorial     the tutorial's own loop for comparison: a per-image transform
               (ToTensor + Normalize, written out as torchvision is not a dependency),
               DataLoader(batch_size=4, shuffle=True, num_workers=2)

Each row: the median milliseconds per batch over chunks of 100 batches (after a
warm-up of 50), the images per second that gives, one pass over the 10,000 test
images (tensortour tests after each epoch; the tutorial runs its two test loops,
overall and per class, once at the end: two passes either way) and the projected
time of the whole run. The data are random CIFAR-10-format
batches (5,000 training and 1,000 test images) in a temporary folder: the time
of a step does not depend on what the pixels show.

    python benchmarks/course_time.py                  # ~2 min on 2 cores
    python benchmarks/course_time.py --batches 800 --device cuda
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.train.data_files import CIFAR_FOLDER, CIFAR_TEST, CIFAR_TRAIN
from engine.train.device import set_threads
from engine.train.loop import Trainer
from engine.train.models import build_model
from engine.train.presets import TUTORIAL, preset_config

TRAIN_IMAGES, TEST_IMAGES = 50_000, 10_000
EPOCHS, BATCH = 2, 4
STEPS = EPOCHS * TRAIN_IMAGES // BATCH
CHUNK, WARM_UP = 100, 50


def write_cifar(folder: Path, per_batch: int = 1000) -> None:
    """Six binary CIFAR-10 batches of random images: 1 label byte + 3,072 pixel bytes a record."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in (*CIFAR_TRAIN, CIFAR_TEST):
        labels = rng.integers(0, 10, (per_batch, 1), dtype=np.uint8)
        pixels = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        (folder / name).write_bytes(np.concatenate([labels, pixels], axis=1).tobytes())


def chunk_medians(step, batches: int) -> float:
    """Seconds per batch: the median over chunks of CHUNK batches, after WARM_UP untimed ones."""
    for _ in range(WARM_UP):
        step()
    times = []
    for _ in range(max(1, batches // CHUNK)):
        started = time.perf_counter()
        for _ in range(CHUNK):
            step()
        times.append((time.perf_counter() - started) / CHUNK)
    return statistics.median(times)


def tensortour_row(data_dir: Path, threads: int, device: str, batches: int) -> tuple[float, float]:
    config = preset_config("course").with_changes(data_dir=str(data_dir), threads=threads, device=device)
    trainer = Trainer(config, emit=lambda event: None, views=False)
    per_batch = chunk_medians(trainer.train_batch, batches)
    started = time.perf_counter()
    trainer.evaluate()
    if trainer.device.type == "cuda":
        torch.cuda.synchronize()
    per_test_image = (time.perf_counter() - started) / len(trainer.y_test)
    return per_batch, per_test_image * TEST_IMAGES


def tutorial_row(data_dir: Path, batches: int) -> tuple[float, float]:
    """The tutorial's loop on the same images, one transformed image at a time through a DataLoader."""
    trainer = Trainer(
        preset_config("course").with_changes(data_dir=str(data_dir), threads=1), lambda e: None, views=False
    )
    pixels = (trainer.data.x_train.permute(0, 2, 3, 1).mul(0.5).add(0.5).mul(255).round().to(torch.uint8)).numpy()
    labels = trainer.data.y_train.tolist()

    class CourseImages(torch.utils.data.Dataset):
        def __len__(self) -> int:
            return len(labels)

        def __getitem__(self, index: int):
            tensor = torch.from_numpy(pixels[index]).permute(2, 0, 1).float().div(255)  # ToTensor
            return (tensor - 0.5) / 0.5, labels[index]  # Normalize((0.5,) * 3, (0.5,) * 3)

    torch.manual_seed(0)
    net = build_model(preset_config("course"), (3, 32, 32), 10)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    loader = iter(torch.utils.data.DataLoader(CourseImages(), batch_size=BATCH, shuffle=True, num_workers=2))

    def step() -> None:
        inputs, targets = next(loader)
        optimizer.zero_grad()
        F.cross_entropy(net(inputs), targets).backward()
        optimizer.step()

    per_batch = chunk_medians(step, batches)
    started = time.perf_counter()
    with torch.no_grad():  # the tutorial's test loop: batches of 4, in order
        for index in torch.arange(len(trainer.y_test)).split(BATCH):
            net(trainer.data.x_test[index]).argmax(1)
    return per_batch, (time.perf_counter() - started) / len(trainer.y_test) * TEST_IMAGES


def clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=400, help="timed batches a row (in chunks of 100)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--no-tutorial", action="store_true", help="leave out the tutorial's own loop")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds; each row keeps its best")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    setups = [("tensortour", "cpu", threads) for threads in sorted({1, min(2, cores), min(8, cores)})]
    setups += [("tensortour", "cuda", 1)] if args.device == "cuda" else []
    setups += [] if args.no_tutorial else [("tutorial", "cpu", 1)]
    best: dict[tuple, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as temp:
        data_dir = Path(temp)
        write_cifar(data_dir / CIFAR_FOLDER)
        for _ in range(args.rounds):  # interleaved, keeping each row's best round: the machine's load comes and goes
            for setup in setups:
                loop, device, threads = setup
                if loop == "tutorial":
                    set_threads(threads)
                    measured = tutorial_row(data_dir, args.batches)
                else:
                    measured = tensortour_row(data_dir, threads, device, args.batches)
                best[setup] = min(best.get(setup, measured), measured)
    rows = []
    for (loop, device, threads), (per_batch, test_pass) in best.items():
        if device == "cuda":
            where = torch.cuda.get_device_name()
        else:
            where = f"cpu, {threads} thread{'s' if threads > 1 else ''}" + (
                " + 2 workers" if loop == "tutorial" else ""
            )
        rows.append((loop, where, per_batch, test_pass))
    print(f"The course preset ({TUTORIAL}): {STEPS:,} batches of {BATCH} and {EPOCHS} test passes; {cores} cores here.")
    print(f"{'loop':<11} {'device':<27} {'ms/batch':>9} {'images/s':>9} {'test pass':>10} {'2 epochs':>14}")
    for loop, device, per_batch, test_pass in rows:
        total = STEPS * per_batch + EPOCHS * test_pass
        print(
            f"{loop:<11} {device:<27} {per_batch * 1000:>9.2f} {BATCH / per_batch:>9,.0f} "
            f"{test_pass:>9.1f}s {clock(total):>14}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
