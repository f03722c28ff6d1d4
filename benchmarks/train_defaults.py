"""Do the defaults learn? Every model × dataset pair, trained with the settings it starts from.

For each pair that TrainConfig accepts, the run takes engine/train/presets.py's
default_config(model, dataset) (TrainConfig's defaults with the pair's own lr and
epochs), trains in this process on one CPU thread, and stops at the first epoch
whose test accuracy reaches the stated target (or at the default epochs). The
table gives the defaults, that epoch and the training seconds until then (batches
and test passes, not start-up), the best test accuracy and chance (1 / classes).
A pair whose data is not on disk (mnist, fashion-mnist, cifar10 without
--data-dir) or whose images are too small for the model is listed with the reason.

    python benchmarks/train_defaults.py                # ~2 min on one thread
    python benchmarks/train_defaults.py --data-dir data  # the file sets too, where present
"""

from __future__ import annotations

import argparse
import time

from engine.errors import SpecError
from engine.train.config import DATASETS, MODELS
from engine.train.loop import Trainer
from engine.train.presets import default_config

# The accuracy a pair should reach with its defaults: 2-D sets and digits as issue 4's goal, the generated shapes
# 80 %, the character model 3× chance on its ~60-character vocabulary; the file sets the usual first-run levels.
TARGETS = {
    "circle": 0.95,
    "xor": 0.95,
    "gauss": 0.95,
    "spiral": 0.95,
    "moons": 0.95,
    "digits": 0.95,
    "shapes": 0.80,
    "text": 0.15,
    "mnist": 0.97,
    "fashion-mnist": 0.85,
    "cifar10": 0.50,
}


NO_PAIR = ("train_needs_images", "train_text_needs_charrnn")  # TrainConfig refuses the pair itself: no row


def measure(model: str, dataset: str, data_dir: str) -> str | None:
    """One row of the table, the pair with the reason it was not trained, or None for a pair that is no run."""
    try:
        config = default_config(model, dataset).with_changes(threads=1, data_dir=data_dir)
        trainer = Trainer(config, emit=lambda _event: None, views=False)
    except SpecError as error:
        return None if error.code in NO_PAIR else f"{model:<10} {dataset:<14} not trained: {error.code}"
    target = TARGETS[dataset]
    reached = None
    while not trainer.finished and reached is None:
        trainer.train_batch()
        if trainer.step == 0 and trainer.history and trainer.history[-1]["test_acc"] >= target:
            reached = trainer.history[-1]
    best = max(row["test_acc"] for row in trainer.history)
    chance = 1 / len(trainer.data.class_names)
    at = f"{reached['epoch']:>5} {reached['elapsed_s']:>7.1f}" if reached else f"{'—':>5} {'—':>7}"
    return (
        f"{model:<10} {dataset:<14} {config.optimizer:<5} {config.lr:<7g} {config.batch_size:>5} {config.epochs:>6} "
        f"{100 * target:>6.0f}% {at} {100 * best:>6.1f}% {100 * chance:>6.1f}% {trainer.elapsed_s:>7.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default="data", help="where mnist / fashion-mnist / cifar10 files are")
    args = parser.parse_args()
    print(
        f"{'model':<10} {'dataset':<14} {'opt':<5} {'lr':<7} {'batch':>5} {'epochs':>6} {'target':>7} "
        f"{'epoch':>5} {'after s':>7} {'best':>7} {'chance':>7} {'train s':>7}"
    )
    started = time.perf_counter()
    for dataset in DATASETS:
        for model in MODELS:
            row = measure(model, dataset, args.data_dir)
            if row is not None:
                print(row, flush=True)
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
