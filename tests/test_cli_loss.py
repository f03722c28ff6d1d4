"""`tensortour loss` run as a student would: in a subprocess; --plain checked against torch, bad values exit 2."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from test_cli import numbers, tensortour

from engine.errors import SpecError
from engine.loss_curve import BIAS, LABELS, POINTS
from tui.cli import parse_args
from tui.flags.loss import setup_from
from tui.i18n import error_text, set_language

COURSE_Y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]


def table(out: str, first: str) -> list[list[float]]:
    """The rows of numbers under the header line whose first word is `first`."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == [first]) + 1
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        rows.append(numbers(line.replace("/8", "")))
    return rows


def check_against_torch(out: str, y: list[float], target: int) -> None:
    yt = torch.tensor(y, dtype=torch.float64)
    t = torch.nn.functional.one_hot(torch.tensor(target), 10).double()
    terms = np.array(table(out, "k"))
    np.testing.assert_allclose(terms[:, 0], np.arange(10))
    np.testing.assert_allclose(terms[:, 1], y, rtol=1e-3)
    np.testing.assert_allclose(terms[:, 2], t.numpy())
    np.testing.assert_allclose(terms[:, 3], (0.5 * (yt - t) ** 2).numpy(), rtol=1e-3)
    np.testing.assert_allclose(terms[:, 4], (-t * torch.log(yt + 1e-7)).numpy(), rtol=1e-3, atol=1e-12)
    mse = torch.nn.MSELoss(reduction="sum")(yt, t).item() / 2
    mean = torch.nn.MSELoss()(yt, t).item()
    ce = torch.nn.CrossEntropyLoss()(torch.log(yt + 1e-7)[None], torch.tensor([target])).item()
    totals = numbers(next(line for line in out.splitlines() if line.startswith("MSE = ")))
    assert totals == pytest.approx([mse, -(t * torch.log(yt + 1e-7)).sum().item()], rel=1e-3)
    mse_line = next(line for line in out.splitlines() if line.startswith("torch.nn.MSELoss()"))
    assert numbers(mse_line) == pytest.approx([10, mean, mean, 10, 2, mse, 5], rel=1e-3)
    ce_line = next(line for line in out.splitlines() if line.startswith("torch.nn.CrossEntropyLoss"))
    assert numbers(ce_line)[:2] == pytest.approx([target, ce], rel=1e-3)


def test_plain_walks_the_courses_example_and_matches_torch():
    run = tensortour("loss", "--plain")
    assert run.returncode == 0, run.stderr
    check_against_torch(run.stdout, COURSE_Y, 2)
    assert "(factor 5)" in run.stdout and "Σy = 1: a probability distribution" in run.stdout
    assert "MSE = ½Σ(y−t)² = 0.0975 · CE = −Σ t·log(y+δ) = 0.5108" in run.stdout


def test_plain_with_a_typed_y_that_does_not_sum_to_1():
    y = [0.2, 0.3, 0.0, 0.9, 0.1, 0.0, 0.0, 0.0, 0.4, 0.0]
    run = tensortour("loss", "--plain", "--y", ",".join(map(str, y)), "--class", "8")
    assert run.returncode == 0, run.stderr
    check_against_torch(run.stdout, y, 8)
    assert "Σy = 1.9, not 1" in run.stdout and "argmax y = 3, target 8" in run.stdout


def test_plain_curve_rows_match_torchs_model():
    run = tensortour("loss", "--plain")
    rows = np.array(table(run.stdout, "w"))
    w = torch.tensor(rows[:, 0], requires_grad=True)
    z = w[:, None] * torch.tensor(POINTS, dtype=torch.float64) + BIAS
    logits = torch.stack([torch.zeros_like(z), z], dim=-1)
    labels = torch.tensor(LABELS)
    losses = torch.stack([torch.nn.functional.cross_entropy(row, labels) for row in logits])
    (slopes,) = torch.autograd.grad(losses.sum(), w)
    correct = (logits.argmax(-1) == labels).sum(-1).numpy()
    np.testing.assert_array_equal(rows[:, 1], correct)
    np.testing.assert_array_equal(rows[:, 2], 0)
    np.testing.assert_allclose(rows[:, 3], losses.detach().numpy(), rtol=1e-3)
    np.testing.assert_allclose(rows[:, 4], slopes.numpy(), rtol=1e-3)
    assert len(
        re.findall(
            r"-?\d+\.\d+",
            run.stdout.split("Accuracy changes only at w = ")[1].splitlines()[0],
        )
    ) == len(POINTS)


def test_plain_in_chinese():
    run = tensortour("--lang", "zh", "loss", "--plain")
    assert run.returncode == 0, run.stderr
    assert "均方误差 ½Σ(y−t)² = 0.0975" in run.stdout and "为什么不能用识别精度作损失" in run.stdout


SPEC_ERRORS = {
    "too few": ["--y", "0.5 0.5"],
    "too many": ["--y", " ".join(["0.1"] * 11)],
    "negative": ["--y", "-0.1 0.2 0.3 0.1 0.1 0.1 0.1 0.1 0.05 0.05"],
    "not a number": ["--y", "0.1 half"],
    "nan": ["--y", "nan 0 0 0 0 0 0 0 0 0"],
    "class too big": ["--class", "10"],
    "class negative": ["--class", "-1"],
}


def assert_refused(lesson: str, setup_from, args: list[str]) -> None:
    """The flags raise SpecError in-process, and the command exits 2 with exactly that message on stderr."""
    set_language("en")
    with pytest.raises(SpecError) as caught:
        setup_from(parse_args([lesson, *args]))
    run = tensortour(lesson, "--plain", *args)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"tensortour: {error_text(caught.value)}\n" and "Traceback" not in run.stderr


@pytest.mark.parametrize("args", SPEC_ERRORS.values(), ids=SPEC_ERRORS.keys())
def test_invalid_values_exit_2_with_the_lessons_message(args):
    assert_refused("loss", setup_from, args)


def test_a_class_that_is_not_a_number_is_a_usage_error():
    run = tensortour("loss", "--plain", "--class", "two")
    assert (run.returncode, run.stdout) == (2, "")
    assert "--class: invalid int value: 'two'" in run.stderr and "Traceback" not in run.stderr
