"""`tensortour matmul`, run as a student would: in a subprocess, reading its output.

`--plain` prints the shapes, the rules and every dot product; its numbers are
checked against numpy and torch, and a mismatch prints what numpy and torch
really raise. A malformed shape exits 2 with one clear line on stderr.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.errors import SpecError
from tui.cli import parse_args
from tui.flags.matmul import setup_from
from tui.i18n import error_text, set_language

ROOT = Path(__file__).resolve().parent.parent


def tensortour(*args: str, **env: str) -> subprocess.CompletedProcess:
    drop = ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "NO_COLOR")
    environment = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("TEXTUAL")}
    environment.update(PYTHONIOENCODING="utf-8", **env)
    return subprocess.run(
        [sys.executable, "-m", "tui", "matmul", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def block(out: str, title: str) -> np.ndarray:
    """The matrix printed under a line starting with `title`, as an array."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title)) + 1
    rows = []
    for line in lines[start:]:
        if not line.startswith("  ") or not re.fullmatch(r"[\s\d.eE+-]+", line):
            break
        rows.append([float(v) for v in line.split()])
    return np.array(rows)


def test_plain_affine_layer_matches_numpy_and_torch_linear():
    run = tensortour("2,3", "3,4", "--plain", "--seed", "-7")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    x, w, b, a = (
        block(out, "X (2, 3)"),
        block(out, "W (3, 4)"),
        block(out, "B (4,)")[0],
        block(out, "A (2, 4)"),
    )
    np.testing.assert_array_equal(a, x @ w + b)
    linear = F.linear(torch.tensor(x), torch.tensor(w).T, torch.tensor(b)).numpy()
    np.testing.assert_array_equal(a, linear)
    assert "inner 3 = 3 ✓" in out and "→ A (2, 4)" in out and "+ B (4,) → (2, 4)" in out
    steps = re.findall(
        r"^step (\d+)/11: A\[(\d),(\d)\] = X\[\2,:\]·W\[:,\3\] \+ B\[\3\]\n  = (.*) = (\S+)$",
        out,
        flags=re.MULTILINE,
    )
    assert len(steps) == 8
    for _, row, col, products, value in steps:
        assert float(value) == a[int(row), int(col)]
        assert products.count("×") == 3


def test_plain_default_shows_the_issues_dot_product():
    run = tensortour("--plain")
    assert run.returncode == 0, run.stderr
    assert "A[1,2] = X[1,:]·W[:,2] + B[2]\n  = 4×0.5 + 5×(-1) + 6×2 + (-1) = 8" in run.stdout


@pytest.mark.parametrize(
    "shapes",
    [
        ("2,3", "4,5"),
        ("(2, 2, 3)", "(2, 4, 5)"),
        ("3x2x3", "2x3x5"),
        ("2,3", "4"),
        ("3", "4"),
        ("()", "3"),
    ],
    ids=[
        "2-D",
        "batched inner",
        "batch clash",
        "matrix·vector",
        "vector·vector",
        "0-d",
    ],
)
def test_a_mismatch_is_a_lesson_quoting_numpy_and_torch(shapes):
    parse = [tuple(int(v) for v in re.findall(r"\d+", s)) for s in shapes]
    with pytest.raises(ValueError) as numpy_error:
        np.matmul(np.zeros(parse[0]), np.zeros(parse[1]))
    with pytest.raises(RuntimeError) as torch_error:
        torch.matmul(torch.zeros(parse[0]), torch.zeros(parse[1]))
    run = tensortour(*shapes, "--plain")
    assert run.returncode == 0, run.stderr
    assert f"NumPy: {numpy_error.value}" in run.stdout
    assert f"PyTorch: {torch_error.value}" in run.stdout
    assert "✗" in run.stdout


@pytest.mark.parametrize(
    "x_shape, w_shape",
    [((2, 3, 4), (2, 4, 5)), ((3,), (3, 4)), ((2, 1, 2, 3), (3, 3, 2))],
)
def test_batched_and_vector_results_match_numpy(x_shape, w_shape):
    run = tensortour(
        ",".join(map(str, x_shape)),
        ",".join(map(str, w_shape)),
        "--no-bias",
        "--plain",
        "--seed",
        "3",
    )
    assert run.returncode == 0, run.stderr
    x, w = (
        block(run.stdout, "X (").reshape(x_shape),
        block(run.stdout, "W (").reshape(w_shape),
    )
    expected = np.matmul(x, w)
    np.testing.assert_array_equal(block(run.stdout, "A (").reshape(expected.shape), expected)


def test_big_shapes_stay_symbolic():
    run = tensortour("4,784", "784,100", "--plain")
    assert run.returncode == 0, run.stderr
    assert "→ A (4, 100)" in run.stdout and "78,500" in run.stdout and "313,600" in run.stdout
    assert "step " not in run.stdout
    huge = tensortour("1000000000,3", "3,1000000000", "--plain")
    assert huge.returncode == 0 and "→ A (1000000000, 1000000000)" in huge.stdout


def test_plain_in_chinese():
    run = tensortour("2,3", "3,4", "--plain", LANG="zh_CN.UTF-8")
    assert run.returncode == 0, run.stderr
    assert "内维 3 = 3 ✓" in run.stdout and "第 4/11 步" in run.stdout


BAD = {
    "letter": (["2,a", "3,4"], "'a'"),
    "empty": (["", "3,4"], "2,3"),
    "one shape": (["2,3"], "two shapes"),
    "too many axes": ([",".join(["1"] * 33), "1,1"], "33"),
    "huge axis": (["99999999999", "1"], "1000000000"),
    "seed for big shapes": (["4,784", "784,100", "--seed", "1"], "64"),
    "bias on a vector": (["2,3", "3", "--bias"], "1-D"),
}


@pytest.mark.parametrize("args, words", BAD.values(), ids=BAD.keys())
def test_malformed_shapes_exit_2_with_the_lessons_message(args, words):
    set_language("en")
    with pytest.raises(SpecError) as caught:
        setup_from(parse_args(["matmul", *args]))
    run = tensortour(*args, "--plain")
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"tensortour: {error_text(caught.value)}\n"
    assert words in run.stderr and "Traceback" not in run.stderr


def test_an_option_looking_shape_is_a_usage_error():
    run = tensortour("-1,3", "3,4", "--plain")
    assert run.returncode == 2 and run.stderr.startswith("usage: tensortour") and "Traceback" not in run.stderr


def test_examples_by_name():
    run = tensortour("--example", "vector", "--plain")
    assert run.returncode == 0 and "X (3,) → (1, 3)" in run.stdout and "→ A (1, 4) → (4,)" in run.stdout
