"""Training throughput of the course's network (`net`, 32×32×3 input), four ways, in one table.

  (1) course loop   the course's own code: a Dataset with a per-sample transform
                    (ToTensor + Normalize, written out since torchvision is not a
                    dependency), DataLoader(batch_size=4, shuffle=True, num_workers=2),
                    SGD(lr=0.001, momentum=0.9), CrossEntropyLoss
  (2) bare loop     the same model and optimizer over preloaded batches of 64
  (3) headless      `tensortour train --headless --dataset shapes --model net --optimizer sgd
                    --lr 0.001 --batch-size 64` (in this process; samples/s from metrics.jsonl)
  (4) in the app    the same run started in the real app (`tensortour train --start …`)
                    in a pseudo-terminal, so the UI process runs beside the training child

Images per second count training only (forward, backward, step); each figure is the
median over epochs 2–3 (the first is warm-up); (2) and (3) run interleaved, twice each,
and (2)–(4) keep their best run, as this shared machine's load comes and goes. Also: this CPU's float32 matmul
FLOP/s and the fraction (3) reaches, with a training step costing 3× the forward FLOPs.

    python benchmarks/train_speed.py            # ~2 min on 2 cores
    python benchmarks/train_speed.py --device cuda
    python benchmarks/train_speed.py --device cuda --amp   # (2) and (3) again with bf16 autocast, and the speed-up

--amp where the engine refuses it (a CPU without bf16 matrix units, an older GPU) prints the refusal and measures
float32 only.

Goals (issue 4): (3) ≥ 0.95 × (2); (4) ≥ 0.9 × (3); (3) ≥ 4.5 × (1).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.errors import SpecError
from engine.train.config import TrainConfig
from engine.train.datasets import load_dataset
from engine.train.device import autocast, set_threads
from engine.train.models import build_model

EPOCHS = 3


def course_loop(images: torch.Tensor, labels: torch.Tensor, config: TrainConfig, limit: int) -> float:
    """The course's CIFAR-10 loop on uint8 HWC images, one transformed sample at a time."""

    class CourseDataset(torch.utils.data.Dataset):
        def __init__(self) -> None:
            self.images = images.permute(0, 2, 3, 1).mul(255).round().to(torch.uint8).numpy()  # as PIL would hold them
            self.labels = labels.tolist()

        def __len__(self) -> int:
            return limit

        def __getitem__(self, index: int):
            tensor = torch.from_numpy(self.images[index]).permute(2, 0, 1).float().div(255)  # ToTensor
            return (tensor - 0.5) / 0.5, self.labels[index]  # Normalize((0.5,)*3, (0.5,)*3)

    torch.manual_seed(0)
    model = build_model(config, (3, 32, 32), 10)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
    loader = torch.utils.data.DataLoader(CourseDataset(), batch_size=4, shuffle=True, num_workers=2)
    seen, started = 0, None
    for index, (x, y) in enumerate(loader):
        if index == 50:
            seen, started = 0, time.perf_counter()
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        seen += len(y)
    return seen / (time.perf_counter() - started)


def bare_loop(
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    config: TrainConfig,
    device: torch.device,
    amp: bool = False,
) -> float:
    """Plain PyTorch: the batches already cut and on the device; only forward, backward, step timed (with `amp`,
    forward and loss under the same bf16 autocast the engine uses)."""
    torch.manual_seed(0)
    model = build_model(config, tuple(x_train.shape[1:]), 10).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
    batches = [(x.to(device), y.to(device)) for x, y in zip(x_train.split(64), y_train.split(64))]
    rates = []
    for _ in range(EPOCHS):
        started = time.perf_counter()
        for x, y in batches:
            optimizer.zero_grad()
            with autocast(device, amp):
                loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
        loss.item()
        rates.append(len(x_train) / (time.perf_counter() - started))
    return statistics.median(rates[1:])


def headless(flags: list[str]) -> float:
    from tui.cli import parse_args
    from tui.flags.train import config_from
    from tui.headless import run_headless

    with tempfile.TemporaryDirectory() as out:
        config = config_from(parse_args(["train", *flags]))
        with open(os.devnull, "w") as quiet:
            stdout, sys.stdout = sys.stdout, quiet
            try:
                code = run_headless(config, out=out)
            finally:
                sys.stdout = stdout
        assert code == 0, code
        return _epoch_rate(Path(out))


def in_the_app(flags: list[str]) -> float:
    """The real app in a pty; the training child writes metrics.jsonl, read once every epoch is there."""
    import fcntl
    import select
    import struct
    import termios

    with tempfile.TemporaryDirectory() as out:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color"}
        process = subprocess.Popen(
            [sys.executable, "-m", "tui", "train", "--start", *flags, "--out", out],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        metrics = Path(out) / "metrics.jsonl"
        deadline = time.monotonic() + 600
        try:
            while time.monotonic() < deadline and process.poll() is None:
                if select.select([master], [], [], 0.1)[0]:
                    try:
                        os.read(master, 65536)  # keep the terminal drained, as a real one would
                    except OSError:
                        break
                if metrics.exists() and len(metrics.read_text().splitlines()) >= EPOCHS:
                    break
            rate = _epoch_rate(Path(out))
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            os.close(master)
        return rate


def _epoch_rate(run_dir: Path) -> float:
    lines = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    assert len(lines) >= EPOCHS, f"only {len(lines)} epochs in {run_dir}"
    return statistics.median(line["samples_per_s"] for line in lines[1:EPOCHS])


def _device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    import platform

    return platform.processor() or platform.machine()


def amp_allowed(device: torch.device) -> bool:
    """Whether the engine would train with --amp here; its refusal printed when not."""
    from tui.i18n import error_text

    try:
        autocast(device, True)
    except SpecError as error:
        print(error_text(error))
        return False
    return True


def matmul_flops(device: torch.device, size: int = 1024, repeats: int = 20) -> float:
    a, b = (
        torch.randn(size, size, device=device),
        torch.randn(size, size, device=device),
    )
    a @ b
    started = time.perf_counter()
    for _ in range(repeats):
        c = a @ b
    c.sum().item()
    return 2 * size**3 * repeats / (time.perf_counter() - started)


def training_flops_per_image(config: TrainConfig) -> float:
    """2 FLOPs per multiply-add of the forward pass (convs and linears), × 3 for forward + backward."""
    model = build_model(config, (3, 32, 32), 10)
    macs = []

    def count(module, inputs, output):
        if isinstance(module, torch.nn.Conv2d):
            macs.append(
                output.numel() * module.in_channels * module.kernel_size[0] * module.kernel_size[1] // module.groups
            )
        elif isinstance(module, torch.nn.Linear):
            macs.append(module.in_features * module.out_features)

    for module in model.modules():
        module.register_forward_hook(count)
    model(torch.zeros(1, 3, 32, 32))
    return 3 * 2 * sum(macs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="torch threads for every row (default: the idle cores at start, as the app's 0)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="(2) and (3) run 2×rounds times, interleaved; (4) rounds times; best kept",
    )
    parser.add_argument(
        "--course-images",
        type=int,
        default=4000,
        help="images through the course loop (after 50 warm-up batches)",
    )
    parser.add_argument(
        "--amp",
        action="store_true",
        help="also measure (2) and (3) with bf16 autocast (where the engine allows it; else it says why not)",
    )
    args = parser.parse_args()
    device = torch.device(args.device)
    amp = args.amp and amp_allowed(device)
    threads = set_threads(args.threads)
    config = TrainConfig(
        dataset="shapes",
        model="net",
        optimizer="sgd",
        lr=0.001,
        batch_size=64,
        epochs=EPOCHS,
        device=args.device,
    )
    data = load_dataset(config)
    flags = [
        "--dataset",
        "shapes",
        "--model",
        "net",
        "--optimizer",
        "sgd",
        "--lr",
        "0.001",
        "--batch-size",
        "64",
        "--epochs",
        str(EPOCHS),
        "--device",
        args.device,
        "--threads",
        str(threads),
    ]
    print(
        f"device {args.device} ({_device_name(device)}) · {threads} torch threads · shapes: {len(data.y_train)} training images of 3×32×32"
        f" · {EPOCHS} epochs, first dropped"
    )
    rows = []
    if args.device == "cpu":
        rows.append(
            (
                "(1) course loop, batch 4",
                course_loop(data.x_train, data.y_train, config, args.course_images + 200),
            )
        )
    bare = [bare_loop(data.x_train, data.y_train, config, device) for _ in range(args.rounds)]
    head = [headless(flags) for _ in range(args.rounds)]
    bare += [bare_loop(data.x_train, data.y_train, config, device) for _ in range(args.rounds)]
    head += [headless(flags) for _ in range(args.rounds)]
    rows.append(("(2) bare loop, batch 64", max(bare)))
    rows.append(("(3) headless, batch 64", max(head)))
    if amp:
        rows.append(
            (
                "(2) bare loop, bf16 autocast",
                max(bare_loop(data.x_train, data.y_train, config, device, True) for _ in range(2 * args.rounds)),
            )
        )
        rows.append(("(3) headless, --amp", max(headless([*flags, "--amp"]) for _ in range(2 * args.rounds))))
    rows.append(("(4) in the app, batch 64", max(in_the_app(flags) for _ in range(args.rounds))))
    rate = dict(rows)
    flops = matmul_flops(device)
    per_image = training_flops_per_image(config)
    print(f"\n{'configuration':<28} {'images/s':>10}")
    for name, value in rows:
        print(f"{name:<28} {value:>10,.0f}")
    bare, head, app = (
        rate["(2) bare loop, batch 64"],
        rate["(3) headless, batch 64"],
        rate["(4) in the app, batch 64"],
    )
    print(f"\n{'ratio':<28} {'value':>10}  goal")
    print(f"{'(3) / (2)':<28} {head / bare:>10.2f}  ≥ 0.95")
    print(f"{'(4) / (3)':<28} {app / head:>10.2f}  ≥ 0.90")
    if amp:
        print(f"{'(3) --amp / (3)':<28} {rate['(3) headless, --amp'] / head:>10.2f}  bf16 speed-up")
    if "(1) course loop, batch 4" in rate:
        print(f"{'(3) / (1)':<28} {head / rate['(1) course loop, batch 4']:>10.2f}  ≥ 4.5")
    print(
        f"\nmatmul 1024² float32: {flops / 1e9:,.1f} GFLOP/s · a training step costs {per_image / 1e6:.2f} MFLOP per image"
    )
    print(f"(3) reaches {head * per_image / 1e9:,.2f} GFLOP/s = {head * per_image / flops:.1%} of matmul FLOP/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
