"""`tensortour broadcast` run as a student would, in a subprocess: the walk-through checked against NumPy and torch."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from test_cli import tensortour

from engine.errors import SpecError
from tui.cli import parse_args
from tui.flags.broadcast import setup_from
from tui.i18n import error_text, set_language


def result_block(out: str) -> list:
    """The numbers of the result printed after the final step: rows, or blocks of rows under `[i,:,:]` labels."""
    blocks: list[list[list[int]]] = []
    for line in out.rstrip("\n").split("\n\n")[-1].splitlines()[1:]:
        if line.strip().startswith("[") or not blocks:
            blocks.append([])
        if not line.strip().startswith("["):
            blocks[-1].append([int(v) for v in line.split()])
    return blocks if len(blocks) > 1 else blocks[0]


def test_plain_walk_through_of_the_headline_matches_numpy():
    run = tensortour("broadcast", "--plain", "3,1", "4")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert [int(n) for n in re.findall(r"^step (\d+)/8$", out, flags=re.MULTILINE)] == list(range(1, 9))
    assert "Rule 1" in out and "Rule 4" in out and "Rule 5" in out and "(3, 4)" in out
    expected = np.arange(1, 4).reshape(3, 1) + 10 * np.arange(1, 5)
    assert result_block(out) == expected.tolist()
    assert "[10] [20] [30] [40]" in out  # b's copied rows are marked as copies


@pytest.mark.parametrize("op, ufunc", [("subtract", np.subtract), ("multiply", np.multiply)])
def test_plain_three_shapes_with_each_operation_matches_numpy(op, ufunc):
    run = tensortour("broadcast", "--plain", "(2, 1)", "3x1x1", "()", "--op", op)
    assert run.returncode == 0, run.stderr
    a, b, c = (
        np.arange(1, 3).reshape(2, 1),
        10 * np.arange(1, 4).reshape(3, 1, 1),
        np.array(100),
    )
    expected = ufunc(ufunc(a, b), c)
    assert "[2,:,:]" in run.stdout and result_block(run.stdout) == expected.tolist()


def test_plain_mismatch_exits_0_with_numpys_and_torchs_own_words():
    run = tensortour("broadcast", "--plain", "3,4", "5")
    assert run.returncode == 0, run.stderr
    with pytest.raises(ValueError) as numpy_caught:
        np.zeros((3, 4)) + np.zeros(5)
    with pytest.raises(RuntimeError) as torch_caught:
        torch.zeros(3, 4) + torch.zeros(5)
    assert f"NumPy:  ValueError: {numpy_caught.value}\n" in run.stdout  # the trailing space included
    assert f"PyTorch: RuntimeError: {torch_caught.value}" in run.stdout
    assert "step 3/3" in run.stdout and "step 4/" not in run.stdout


def test_plain_big_shapes_stay_symbolic_and_fast():
    run = tensortour("broadcast", "--plain", "1000000,1", "1,1000000")
    assert run.returncode == 0, run.stderr
    assert "(1000000, 1000000)" in run.stdout and "1,000,000,000,000" in run.stdout


def test_plain_examples_and_chinese():
    run = tensortour("--lang", "zh", "broadcast", "--plain", "--example", "outer-product")
    assert run.returncode == 0, run.stderr
    assert "规则 5" in run.stdout and "(8, 7, 6, 5)" in run.stdout and "第 12/12 步" in run.stdout


BAD_SHAPES = {
    "empty": ["", "3"],
    "double comma": ["3,,1", "4"],
    "unclosed": ["(3, 1", "4"],
    "decimal": ["2.5", "4"],
    "negative": ["-1", "4"],
    "garbage": ["abc", "4"],
    "python": ["__import__('os').system('true')", "4"],
    "33 dims": [",".join(["1"] * 33), "4"],
    "too many elements": ["4294967296,4294967296", "1"],
    "one shape": ["3"],
    "four shapes": ["1", "2", "3", "4"],
}


@pytest.mark.parametrize("args", BAD_SHAPES.values(), ids=BAD_SHAPES.keys())
def test_malformed_shapes_exit_2_with_the_lessons_message(args):
    set_language("en")
    with pytest.raises(SpecError) as caught:
        setup_from(parse_args(["broadcast", *args]))
    run = tensortour("broadcast", "--plain", *args)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"tensortour: {error_text(caught.value)}\n"
    assert "Traceback" not in run.stderr
