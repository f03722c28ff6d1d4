"""`tensortour activations` run as a student would: --plain checked against torch and autograd, bad values exit 2."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from test_cli import numbers, tensortour
from test_cli_perceptron import assert_refused

from engine.activations_collapse import collapse_trace
from tui.flags.activations import setup_from


def test_plain_table_is_torch_and_autograd_at_every_cursor_point():
    run = tensortour("activations", "--plain", "--function", "tanh")
    assert run.returncode == 0, run.stderr
    rows = [numbers(line) for line in run.stdout.split("Cursor positions:\n")[1].splitlines()[1:42]]
    x = torch.tensor([row[0] for row in rows], dtype=torch.float64, requires_grad=True)
    y = torch.tanh(x)
    y.sum().backward()
    np.testing.assert_array_equal(x.detach().numpy(), np.linspace(-5, 5, 41))
    np.testing.assert_allclose([row[1] for row in rows], y.detach().numpy(), rtol=1e-3, atol=1e-12)
    np.testing.assert_allclose([row[2] for row in rows], x.grad.numpy(), rtol=1e-3, atol=1e-12)
    assert "tanh′(x) = 1 − tanh²(x)" in run.stdout and "━ f(x), solid · ┄ f′(x), dotted" in run.stdout
    assert "⠉" in run.stdout or "⣀" in run.stdout  # the braille picture


def test_plain_softmax_matches_torch_and_its_jacobian():
    run = tensortour("activations", "--plain", "--function", "softmax", "--vector", "1, -2 0.5 3")
    assert run.returncode == 0, run.stderr
    a = torch.tensor([1.0, -2, 0.5, 3], dtype=torch.float64)
    y = torch.softmax(a, dim=0).numpy()
    jacobian = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=0), a).numpy()
    shown_y = [float(v) for v in re.findall(r"^  y_\d = .* = (\S+)$", run.stdout, flags=re.MULTILINE)]
    rows = [numbers(line.split(" = ")[-1]) for line in run.stdout.splitlines() if line.startswith("  ∂y_")]
    np.testing.assert_allclose(shown_y, y, rtol=1e-3)
    np.testing.assert_allclose(rows, jacobian, rtol=1e-3, atol=1e-6)
    assert "Output layer for classification" in run.stdout


def test_plain_collapse_shows_one_matrix_against_relu():
    run = tensortour("activations", "--plain", "--collapse", "--seed", "3")
    assert run.returncode == 0, run.stderr
    trace = collapse_trace(3)
    w1, w2 = torch.tensor(trace.w1), torch.tensor(trace.w2)
    stacked = [numbers(line.split("=")[1]) for line in run.stdout.splitlines() if line.startswith("  W2·(W1·x)")]
    merged = [
        numbers(line.split("=")[1].split("|Δ|")[0]) for line in run.stdout.splitlines() if line.startswith("  W·x")
    ]
    relu = [
        numbers(line.split("=")[1].split("|Δ|")[0]) for line in run.stdout.splitlines() if line.startswith("  W2·ReLU")
    ]
    xs = torch.tensor(trace.xs)
    np.testing.assert_allclose(stacked, (w2 @ (w1 @ xs.T)).T.numpy(), rtol=1e-3, atol=1e-12)
    np.testing.assert_allclose(merged, ((w2 @ w1) @ xs.T).T.numpy(), rtol=1e-3, atol=1e-12)
    np.testing.assert_allclose(relu, (w2 @ torch.relu(w1 @ xs.T)).T.numpy(), rtol=1e-3, atol=1e-12)
    assert "one matrix does it" in run.stdout and "no single matrix does that" in run.stdout


SPEC_ERRORS = {
    "one entry": (["--vector", "1"], "Softmax here takes 2 to 8 numbers, got 1."),
    "nan": (["--vector", "1 nan"], None),
    "too large": (["--vector", "1 2000"], "between -1000 and 1000"),
    "word": (["--vector", "1 two"], "'two'"),
    "seed": (["--collapse", "--seed", "-1"], "The seed must be a whole number"),
}


@pytest.mark.parametrize("args, words", SPEC_ERRORS.values(), ids=SPEC_ERRORS.keys())
def test_invalid_values_exit_2_with_the_lessons_message(args, words):
    assert_refused("activations", setup_from, args, words)


def test_chinese_plain_and_an_unknown_function():
    run = tensortour("--lang", "zh", "activations", "--plain", "--function", "relu")
    assert run.returncode == 0 and "隐藏层的默认选择" in run.stdout and "光标位置" in run.stdout
    run = tensortour("activations", "--plain", "--function", "swish")
    assert run.returncode == 2 and "--function: invalid choice: 'swish'" in run.stderr and "Traceback" not in run.stderr
