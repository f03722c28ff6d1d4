"""`tensortour train`: the run's settings as flags, the form's starting values, and `--headless`.

`--preset NAME` (engine/train/presets.py) replaces TrainConfig's defaults; a flag given
changes it, so the setting flags default to None ("not given") rather than to a value.
"""

from __future__ import annotations

import argparse
from dataclasses import fields

from engine.errors import SpecError
from engine.train.config import (
    ACTIVATIONS,
    DATASETS,
    DEVICES,
    LOSSES,
    MAX_IMAGE_SIZE,
    MIN_IMAGE_SIZE,
    MODELS,
    OPTIMIZERS,
    OWN_PATH,
    RESUME_CHANGES,
    TrainConfig,
    parse_hidden,
)
from engine.train.presets import PRESETS, TUTORIAL, default_config, preset_config
from engine.train.setup import TrainSetup

NOT_IN_FILES = ("download", "headless", "out", "resume")
"""Flags a lesson file may not set: a file is data, and these fetch, write, or run with no screen to watch."""

FILE_FIELDS = tuple(f.name for f in fields(TrainConfig) if f.name not in NOT_IN_FILES)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--preset",
        choices=PRESETS,
        default=None,
        help=f"start from a named run; course: the course's CIFAR-10 example ({TUTORIAL}); other flags change it",
    )
    parser.set_defaults(**{f.name: None for f in fields(TrainConfig)})
    data = parser.add_argument_group("data")
    data.add_argument(
        "--dataset",
        choices=DATASETS,
        help="2-D toy set, bundled digits, generated shapes, files in --data-dir, or your own (--data-file, --image-folder)",
    )
    data.add_argument(
        "--noise",
        type=float,
        help="toy sets: jitter, 0 to 1",
    )
    data.add_argument(
        "--train-split",
        type=float,
        help="fraction used for training (toy, digits, shapes, csv, image-folder)",
    )
    data.add_argument(
        "--data-dir",
        help="where mnist / fashion-mnist / cifar10 files are",
    )
    data.add_argument(
        "--data-file",
        metavar="CSV",
        help="your own 2-D points: a CSV of x,y,label lines (header optional, labels whole numbers); sets --dataset csv",
    )
    data.add_argument(
        "--image-folder",
        metavar="DIR",
        help="your own images: DIR/<class>/*.png|jpg, one subfolder per class; sets --dataset image-folder",
    )
    data.add_argument(
        "--image-size",
        type=int,
        metavar="PIXELS",
        help=f"--image-folder images are resized to this many pixels a side ({MIN_IMAGE_SIZE} to {MAX_IMAGE_SIZE}, default 32)",
    )
    data.add_argument(
        "--download",
        action="store_true",
        help="fetch the official archives into --data-dir and check their checksums",
    )
    model = parser.add_argument_group("model")
    model.add_argument("--model", choices=MODELS)
    model.add_argument(
        "--hidden",
        help="mlp hidden sizes, comma-separated",
    )
    model.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        help="mlp activation",
    )
    run = parser.add_argument_group("training")
    run.add_argument("--optimizer", choices=OPTIMIZERS)
    run.add_argument("--lr", type=float, help="learning rate, > 0")
    run.add_argument(
        "--momentum",
        type=float,
        help="SGD momentum, 0 to <1",
    )
    run.add_argument("--batch-size", type=int)
    run.add_argument("--epochs", type=int)
    run.add_argument(
        "--loss",
        choices=LOSSES,
        help="cross-entropy or mean squared error on one-hot targets",
    )
    run.add_argument("--weight-decay", type=float)
    run.add_argument("--seed", type=int)
    run.add_argument(
        "--device",
        choices=DEVICES,
        help="auto: cuda, then mps, then cpu",
    )
    run.add_argument(
        "--threads",
        type=int,
        help="CPU threads for torch (0: one per core, at most 8; 1 on a busy shared machine; never above a server's"
        " max_threads, see TENSORTOUR_LIMITS in the README)",
    )
    run.add_argument(
        "--amp",
        action="store_true",
        help="mixed precision: bf16 autocast on a CUDA GPU that supports it (refused on the CPU)",
    )
    where = parser.add_argument_group("running")
    where.add_argument(
        "--start",
        action="store_true",
        help="start training at once instead of showing the form",
    )
    where.add_argument(
        "--headless",
        action="store_true",
        help="no app: a progress bar and one line per epoch",
    )
    where.add_argument(
        "--out",
        default=None,
        help="run directory for metrics.jsonl and checkpoint.pt (default runs/<timestamp>)",
    )
    where.add_argument(
        "--resume",
        default=None,
        metavar="DIR",
        help=(
            "continue the run saved in DIR with its own settings; only "
            + ", ".join(f"--{name.replace('_', '-')}" for name in RESUME_CHANGES)
            + " may change (--epochs: more than it has done)"
        ),
    )


def config_from(args: argparse.Namespace) -> TrainConfig:
    """The preset (or the defaults of the model and dataset named) changed by each flag given (a flag is named after
    its field); SpecError if invalid."""
    dataset = own_dataset(args)
    base = preset_config(args.preset) if args.preset else default_config(args.model, dataset)
    given = {f.name: getattr(args, f.name) for f in fields(TrainConfig) if getattr(args, f.name) is not None}
    if dataset is not None:
        given["dataset"] = dataset  # own data: its path comes in `given` too, validated with it
    if "hidden" in given:
        given["hidden"] = parse_hidden(given["hidden"])
    return base.with_changes(**given)


def own_dataset(args: argparse.Namespace) -> str | None:
    """--data-file means --dataset csv and --image-folder means --dataset image-folder; a path named for
    another dataset than the one given is refused rather than left unread (an empty one, as a lesson file
    writes it, names nothing)."""
    chosen = args.dataset
    for dataset, name in OWN_PATH.items():
        if not getattr(args, name):
            continue
        flag = "--" + name.replace("_", "-")
        if chosen not in (None, dataset):
            raise SpecError("own_flag_dataset", flag=flag, wanted=dataset, dataset=chosen)
        chosen = dataset
    return chosen


def setup_from(args: argparse.Namespace) -> TrainSetup:
    config = config_from(args)
    if not args.resume:
        from engine.train.own_check import check_own_data

        check_own_data(config)
        return TrainSetup(config, start=args.start, out=args.out)
    return TrainSetup(config, start=True, out=args.out, resume=args.resume, changes=resume_changes(args))


def resume_changes(args: argparse.Namespace) -> dict:
    """The settings given with --resume, which must be ones a resumed run may change (RESUME_CHANGES); a flag
    that would change the run itself is refused, naming it, rather than silently ignored."""
    given = {f.name: getattr(args, f.name) for f in fields(TrainConfig) if getattr(args, f.name) is not None}
    kept = [name for name in given if name not in RESUME_CHANGES] + (["preset"] if args.preset else [])
    if kept:
        raise SpecError(
            "train_resume_keeps",
            flags=", ".join(f"--{name.replace('_', '-')}" for name in kept),
            allowed=", ".join(f"--{name.replace('_', '-')}" for name in RESUME_CHANGES),
        )
    return {name: value for name, value in given.items() if name in RESUME_CHANGES}


def headless(args: argparse.Namespace, setup: TrainSetup) -> int:
    """`--headless`: train in this process with a progress bar; exit 0 done, 1 failed, 2 refused, 128+N stopped by signal N."""
    from tui.headless import run_headless

    return run_headless(setup.config, out=args.out, resume=args.resume, changes=setup.changes)


def flags_of(setup: TrainSetup) -> dict[str, object]:
    """Every setting of the run by name (a preset is only where they start) and whether it starts at once."""
    config = setup.config
    flags: dict[str, object] = {name.replace("_", "-"): getattr(config, name) for name in FILE_FIELDS}
    flags["hidden"] = ",".join(map(str, config.hidden))
    return flags | {"start": setup.start}
