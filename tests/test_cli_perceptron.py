"""`tensortour perceptron` run as a student would: in a subprocess; --plain checked against numpy, bad values exit 2."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_cli import numbers, tensortour

from engine.errors import SpecError
from tui.cli import parse_args
from tui.flags.perceptron import setup_from
from tui.i18n import error_text, set_language

X = np.array([(0, 0), (1, 0), (0, 1), (1, 1)])


def table(out: str) -> list[list[float]]:
    """The truth table's four rows under `Truth table …:`, as numbers (✓/✗ dropped)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(("Truth table", "真值表"))) + 2
    return [numbers(line) for line in lines[start : start + 4]]


@pytest.mark.parametrize(
    "gate, w, b, truth",
    [
        ("and", (0.5, 0.5), -0.7, np.logical_and),
        ("or", (0.5, 0.5), -0.2, np.logical_or),
        ("nand", (-0.5, -0.5), 0.7, lambda a, c: ~np.logical_and(a, c)),
    ],
)
def test_plain_truth_table_matches_numpy(gate, w, b, truth):
    run = tensortour("perceptron", "--plain", "--gate", gate)
    assert run.returncode == 0, run.stderr
    rows = np.array(table(run.stdout))
    sums = X @ np.array(w) + b
    np.testing.assert_array_equal(rows[:, :2], X)
    np.testing.assert_allclose(rows[:, 2], sums, atol=1e-12)
    np.testing.assert_array_equal(rows[:, 3], (sums > 0).astype(int))
    np.testing.assert_array_equal(rows[:, 4], truth(X[:, 0], X[:, 1]).astype(int))
    assert run.stdout.count("✓") == 4 and "4 of 4 rows right" in run.stdout
    assert re.search(r"\d+ of 9,261 lines separate", run.stdout)


def test_plain_typed_weights_and_the_exact_zero():
    run = tensortour("perceptron", "--plain", "--w1", "0.1", "--w2", "0.2", "--b", "-0.3")
    assert run.returncode == 0, run.stderr
    rows = table(run.stdout)
    assert rows[3] == [
        1,
        1,
        0,
        0,
        1,
    ]  # Σ = 0 exactly, so y = 0: AND's last row is wrong
    assert "  Σ = 0.1·1 + 0.2·1 + (-0.3) = 0 ≤ 0 → y = 0" in run.stdout and "3 of 4 rows right" in run.stdout


def test_plain_xor_says_no_line_and_the_two_layer_build_steps_through():
    run = tensortour("perceptron", "--plain", "--gate", "xor")
    assert "No single line separates XOR: 0 of 9,261 grid lines" in run.stdout and "the best get 3 of 4" in run.stdout
    run = tensortour("perceptron", "--plain", "--gate", "xor2")
    assert run.returncode == 0, run.stderr
    rows = np.array(table(run.stdout))
    nand, orr = ~np.logical_and(X[:, 0], X[:, 1]), np.logical_or(X[:, 0], X[:, 1])
    np.testing.assert_array_equal(
        rows[:, 2:6],
        np.stack([nand, orr, nand & orr, np.logical_xor(X[:, 0], X[:, 1])], axis=1).astype(int),
    )
    steps = re.findall(
        r"^  Σ = .* = (-?[\d.]+) (?:>|≤) 0 → (s1|s2|y) = (\d)$",
        run.stdout,
        flags=re.MULTILINE,
    )
    assert len(steps) == 12
    s1 = X @ np.array([-0.5, -0.5]) + 0.7
    np.testing.assert_allclose([float(v) for v, name, _ in steps if name == "s1"], s1, atol=1e-12)


def test_plain_picture_shows_the_points_and_the_line():
    run = tensortour("perceptron", "--plain")
    picture = run.stdout.split("The plane, x1 across and x2 up:\n")[1].splitlines()[:10]
    assert picture[2].startswith("   1      0") and picture[2].rstrip().endswith("░")
    assert "╲" in "".join(picture) and "░" in "".join(picture) and picture[9].strip() == "0         1   x1"


def test_plain_in_chinese():
    run = tensortour("--lang", "zh", "perceptron", "--plain", "--gate", "xor")
    assert run.returncode == 0, run.stderr
    assert "真值表" in run.stdout and "没有一条直线能分开 XOR" in run.stdout and "输入 4/4" in run.stdout


SPEC_ERRORS = {
    "not a number": (
        ["--w1", "abc"],
        "The weight w1 has 'abc', which is not a number.",
    ),
    "nan": (["--b", "nan"], None),
    "out of range": (
        ["--w2", "10.5"],
        "The weight w2 must be between -10 and 10, got 10.5.",
    ),
    "three decimals": (
        ["--b", "-0.125"],
        "The bias b can have at most two decimals, like 0.25; got -0.125.",
    ),
    "fixed network": (["--gate", "xor2", "--w1", "1"], "fixed weights"),
}


def assert_refused(lesson: str, setup_from, args: list[str], words: str | None) -> None:
    """Exit 2, nothing on stdout, the lesson's own message (the one setup_from raises) on stderr, no traceback."""
    set_language("en")
    with pytest.raises(SpecError) as caught:
        setup_from(parse_args([lesson, *args]))
    run = tensortour(lesson, "--plain", *args)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"tensortour: {error_text(caught.value)}\n"
    assert words is None or words in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("args, words", SPEC_ERRORS.values(), ids=SPEC_ERRORS.keys())
def test_invalid_values_exit_2_with_the_lessons_message(args, words):
    assert_refused("perceptron", setup_from, args, words)


def test_invalid_values_in_chinese_and_an_unknown_gate():
    run = tensortour("--lang", "zh", "perceptron", "--plain", "--w1", "11")
    assert run.returncode == 2 and "权重 w1必须在 -10 到 10 之间" in run.stderr and "Traceback" not in run.stderr
    run = tensortour("perceptron", "--plain", "--gate", "nor")
    assert run.returncode == 2 and "--gate: invalid choice: 'nor'" in run.stderr
