"""`tensortour data`: the DataLoader lesson's flags and the spec they describe.

The defaults are the course's trainloader (batch_size=4, shuffle=True,
num_workers=2) on 10 numbered samples, so the batches fit on one screen.
"""

from __future__ import annotations

import argparse

from engine.data import MAX_EPOCHS, MAX_SIZE, MAX_WORKERS, DataSpec, data_trace
from engine.data_transform import NORMALIZE, parse_pixel


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", type=int, default=10, help=f"N: the dataset is range(N), 1 to {MAX_SIZE} samples")
    parser.add_argument("--batch-size", type=int, default=4, help="batch_size B (at least 1)")
    parser.add_argument(
        "--shuffle",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="shuffle=True, drawn from torch.Generator().manual_seed(S) (default); --no-shuffle: 0 … N−1",
    )
    parser.add_argument("--seed", type=int, default=0, help="S in torch.Generator().manual_seed(S): −2^63 to 2^64−1")
    parser.add_argument(
        "--drop-last",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="drop_last=True: drop the short last batch",
    )
    parser.add_argument("--num-workers", type=int, default=2, help=f"num_workers, 0 to {MAX_WORKERS}")
    parser.add_argument("--epochs", type=int, default=2, help=f"passes over the loader, 1 to {MAX_EPOCHS}")
    parser.add_argument("--pixel", default="255 0 128", help="an R G B pixel for the transform, each 0–255")
    parser.add_argument(
        "--normalize",
        choices=list(NORMALIZE),
        default="course",
        help="Normalize's mean/std: course (0.5 each) or imagenet",
    )


def setup_from(args: argparse.Namespace) -> DataSpec:
    """The DataSpec the flags describe; raises SpecError for anything invalid."""
    spec = DataSpec(
        size=args.size,
        batch_size=args.batch_size,
        shuffle=args.shuffle,
        seed=args.seed,
        drop_last=args.drop_last,
        num_workers=args.num_workers,
        epochs=args.epochs,
        pixel=parse_pixel(args.pixel),
        normalize=args.normalize,
    )
    data_trace(spec)
    return spec


def flags_of(spec: DataSpec) -> dict[str, object]:
    return {
        "size": spec.size,
        "batch-size": spec.batch_size,
        "shuffle": spec.shuffle,
        "seed": spec.seed,
        "drop-last": spec.drop_last,
        "num-workers": spec.num_workers,
        "epochs": spec.epochs,
        "pixel": " ".join(map(str, spec.pixel)),
        "normalize": spec.normalize,
    }
