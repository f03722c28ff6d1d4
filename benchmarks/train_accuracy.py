"""How fast the defaults learn: `tensortour train --headless --dataset spiral` and `--dataset digits`.

Runs the real command (default settings, a fresh process each) and reads its
metrics.jsonl: the first epoch reaching 95 % test accuracy, the training time
until then (elapsed_s: batches and test passes, not start-up), the final accuracy
and the whole command's wall time.

    python benchmarks/train_accuracy.py            # ~30 s
    python benchmarks/train_accuracy.py --seeds 5  # the same for seeds 0..4

Goals (issue 4): spiral ≥ 95 % within 15 s of training; digits ≥ 95 % within 30 s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"spiral": 15.0, "digits": 30.0}


def run(dataset: str, seed: int) -> tuple[dict | None, dict, float]:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tui",
                "train",
                "--headless",
                "--dataset",
                dataset,
                "--seed",
                str(seed),
                "--out",
                out,
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        wall = time.perf_counter() - started
        lines = [json.loads(line) for line in (Path(out) / "metrics.jsonl").read_text().splitlines()]
    first = next((line for line in lines if line["test_acc"] >= 0.95), None)
    return first, lines[-1], wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=1)
    args = parser.parse_args()
    print(f"{'dataset':<8} {'seed':>4} {'first ≥95%':>11} {'after s':>8} {'goal s':>7} {'final acc':>10} {'wall s':>7}")
    for dataset, goal in GOALS.items():
        for seed in range(args.seeds):
            first, last, wall = run(dataset, seed)
            reached = f"epoch {first['epoch']}" if first else "never"
            after = f"{first['elapsed_s']:.2f}" if first else "—"
            print(
                f"{dataset:<8} {seed:>4} {reached:>11} {after:>8} {goal:>7.0f} {last['test_acc']:>10.1%} {wall:>7.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
