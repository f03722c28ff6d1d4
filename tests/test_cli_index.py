"""`tensortour index …` run as a student would: in a subprocess, reading its output.

`--plain` prints the walk-through; its result is checked here against NumPy
indexing the same array (the trusted expressions below are eval-ed by the test,
never by the app). NumPy's own errors are a lesson (exit 0, NumPy's words);
text outside the grammar exits 2 with one clear line.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_cli import CJK, clean_env

ROOT = Path(__file__).resolve().parent.parent
COURSE = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])


def tensortour(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui", "index", *args],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def printed_result(stdout: str) -> tuple[tuple[int, ...], list[float]]:
    """The shape and the numbers of the `out, shape (…):` block."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("out, shape"))
    shape = tuple(int(n) for n in re.findall(r"\d+", lines[start].split("shape")[1]))
    values = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        if not line.strip().startswith("out["):
            values += [float(x) for x in line.split()]
    return shape, values


def numpy_error(expression: str, array: np.ndarray) -> str:
    with pytest.raises((IndexError, ValueError)) as caught:
        eval(expression, {"__builtins__": {}}, {"a": array})  # noqa: S307 - the test's own text
    return f"{caught.type.__name__}: {caught.value}"


@pytest.mark.parametrize(
    "expression, array_text, array",
    [
        ("a[[0, 1, 2], [0, 1, 0]]", "1 2; 3 4; 5 6", COURSE),
        ("a[(a > 1) & (a < 5)]", None, COURSE),
        ("a[::-1, None]", None, COURSE),
        ("a[a % 2 == 0]", "1 2 3 4 5 6", np.arange(1.0, 7.0)),
        ("a[:, [2, 0]]", "1 2 3;", np.array([[1.0, 2.0, 3.0]])),
    ],
)
def test_plain_prints_numpys_result_and_its_shape(expression, array_text, array):
    result = tensortour(expression, "--plain", *(["--array", array_text] if array_text else []))
    assert result.returncode == 0, result.stderr
    want = eval(expression, {"__builtins__": {}}, {"a": array})  # noqa: S307 - the test's own text
    assert printed_result(result.stdout) == (want.shape, want.reshape(-1).tolist())
    assert f"np.shares_memory(out, a) = {np.shares_memory(want, array)}" in result.stdout
    assert "Traceback" not in result.stderr


def test_the_course_example_walks_the_pairs_and_says_copy():
    result = tensortour("a[[0, 1, 2], [0, 1, 0]]", "--array", "1 2; 3 4; 5 6", "--plain")
    assert result.returncode == 0
    for equation in (
        "out[0] = a[0, 0] = 1",
        "out[1] = a[1, 1] = 4",
        "out[2] = a[2, 0] = 5",
    ):
        assert equation in result.stdout
    assert "Copy" in result.stdout and "integer-array indexing" in result.stdout


def test_without_an_expression_the_first_example_is_shown():
    result = tensortour("--plain")
    assert result.returncode == 0 and "a[1:, 1:] · basic indexing" in result.stdout
    assert "start 1, stop 3, step 1" in result.stdout and "View" in result.stdout


@pytest.mark.parametrize(
    "expression",
    ["a[3, 0]", "a[[0, 1, 2], [0, 1]]", "a[0, 0, 0]", "a[::0]", "a[[[0, 1], [2]]]"],
)
def test_numpys_errors_are_a_lesson_printed_with_numpys_words(expression):
    result = tensortour(expression, "--plain")
    assert result.returncode == 0 and result.stderr == ""
    assert numpy_error(expression, COURSE) in result.stdout.replace("NumPy raises ", "")
    assert "✓ NumPy raises exactly this message" in result.stdout


@pytest.mark.parametrize(
    "args, words",
    [
        (["a[1, 2"], "Expected ',' or ']' at column 7, but the expression ended."),
        (["a[a > 2 & a < 5]"], "column 9"),
        (["b[0]"], "Expected the array 'a' at column 1, found 'b'."),
        (["__import__('os')"], "column 1"),
        (["a[0]", "--array", "1 x"], "'x', which is not a number"),
        (["a[0]", "--array", "1 2; 3"], "row 2"),
    ],
)
def test_text_outside_the_grammar_exits_2_with_one_clear_line(args, words):
    result = tensortour(*args, "--plain")
    assert result.returncode == 2 and result.stdout == ""
    assert words in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.startswith("tensortour: ") and len(result.stderr.strip().splitlines()) == 1


def test_chinese_walk_through_keeps_numpys_words():
    result = tensortour("a[3, 0]", "--plain", "--lang", "zh")
    assert result.returncode == 0 and CJK.search(result.stdout)
    assert "index 3 is out of bounds for axis 0 with size 3" in result.stdout


def test_help_documents_the_grammar_the_1d_rule_and_the_exit_status():
    result = tensortour("--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "a[[0, 1, 2], [0, 1, 0]]" in text and "shape (3,)" in text and "shape (1, 3)" in text
    assert "also 0 when NumPy itself would raise" in text and "2 for an expression outside the grammar" in text
