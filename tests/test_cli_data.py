"""`tensortour data` as a student runs it: --plain prints torch's DataLoader batches as lists; bad values exit 2."""

from __future__ import annotations

import ast
import re

import pytest
import torch
from test_cli import tensortour
from torch.utils.data import DataLoader

from tui.cli import main


def printed_epochs(out: str) -> list[list[list[int]]]:
    """The lists under each `Epoch k:` heading of --plain, as Python lists."""
    epochs: list[list[list[int]]] = []
    for line in out.splitlines():
        if line.startswith("Epoch "):
            epochs.append([])
        elif epochs and re.match(r"  \[", line):
            epochs[-1].append(ast.literal_eval(line.split("  (")[0].strip()))
        elif line.startswith("Transform"):
            break
    return epochs


def torch_epochs(size, batch_size, seed, drop_last, epochs):
    loader = DataLoader(
        range(size),
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
        drop_last=drop_last,
    )
    return [[batch.tolist() for batch in loader] for _ in range(epochs)]


@pytest.mark.parametrize(
    "size, batch_size, seed, drop_last",
    [(23, 5, 2026, True), (10, 4, 2**63 + 12345, False)],
)
def test_plain_prints_the_dataloaders_batches_as_lists(size, batch_size, seed, drop_last):
    flags = ["--size", str(size), "--batch-size", str(batch_size), "--shuffle", "--seed", str(seed), "--epochs", "3"]
    run = tensortour("data", "--plain", *flags, *(["--drop-last"] if drop_last else []))
    assert run.returncode == 0, run.stderr
    assert printed_epochs(run.stdout) == torch_epochs(size, batch_size, seed, drop_last, 3)
    assert f"drop_last={drop_last}" in run.stdout and f"manual_seed({seed})" in run.stdout
    assert "AttributeError: '_MultiProcessingDataLoaderIter' object has no attribute 'next'" in run.stdout
    assert "R 255 → 255/255 = 1.0 → (1.0 − 0.5)/0.5 = 1.0" in run.stdout


def test_an_epoch_without_a_batch_is_a_lesson_not_an_error(capsys):
    assert main(["data", "--plain", "--size", "3", "--batch-size", "4", "--drop-last"]) == 0
    out = capsys.readouterr().out
    assert "len(loader) = 0" in out and out.count("(no batch)") == 2
    assert "next(dataiter) → StopIteration" in out


def test_plain_in_chinese(capsys):
    assert main(["--lang", "zh", "data", "--plain", "--no-shuffle", "--num-workers", "0"]) == 0
    out = capsys.readouterr().out
    assert "第 1 轮" in out and "按顺序 0 … 9" in out and "'_SingleProcessDataLoaderIter'" in out
    assert "  [0, 1, 2, 3]" in out


@pytest.mark.parametrize(
    "args, words",
    [
        (["--batch-size", "0"], "batch_size should be a positive integer value, but got batch_size=0"),
        (["--size", "0"], "num_samples should be a positive integer value, but got num_samples=0"),
        (["--num-workers", "-1"], "num_workers option should be non-negative"),
        (["--seed", str(2**64)], "−2⁶³ to 2⁶⁴ − 1"),
        (["--size", "10001"], "1 to 10000 samples"),
        (["--epochs", "0"], "from 1 to 10"),
        (["--pixel", "1 2"], "3 values"),
        (["--pixel", "300 0 0"], "0 to 255"),
    ],
)
def test_invalid_values_exit_2_with_a_clear_message(capsys, args, words):
    assert main(["data", "--plain", *args]) == 2
    said = capsys.readouterr()
    assert said.out == "" and said.err.startswith("tensortour: ") and words in said.err


def test_malformed_flags_are_usage_errors():
    run = tensortour("data", "--plain", "--seed", "1e3")
    assert (run.returncode, run.stdout) == (2, "")
    assert "--seed: invalid int value: '1e3'" in run.stderr and "Traceback" not in run.stderr
