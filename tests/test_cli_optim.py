"""`tensortour optim` as a student runs it: --plain's lines against torch.optim, bad flags exit 2 with a reason."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from test_cli import tensortour
from test_optim_engine import torch_path

from engine.optim import BOOK_COMPARISON, OptimizerSetting
from tui.cli import main

STEP_LINE = re.compile(r"^step +(\d+) +(\d) .*? x=(\S+) +y=(\S+) +f=(\S+)$")


def plain_lines(capsys, *flags: str) -> tuple[int, str, str]:
    code = main(["optim", "--plain", *flags])
    out, err = capsys.readouterr()
    return code, out, err


def test_plain_prints_each_optimizer_each_step_as_torch_computes_it():
    """In a subprocess, as typed: one line per step per optimizer with x, y, f to 4 significant digits."""
    run = tensortour("optim", "--plain")
    assert run.returncode == 0, run.stderr
    found = [STEP_LINE.match(line) for line in run.stdout.splitlines()]
    rows = [match.groups() for match in found if match]
    assert len(rows) == 31 * 4
    paths = {slot: torch_path("book", setting, (-7.0, 2.0), 30) for slot, setting in enumerate(BOOK_COMPARISON, 1)}
    for step, slot, x, y, f in rows:
        expected = paths[int(slot)][int(step)]
        for shown, value in ((x, expected[0]), (y, expected[1]), (f, expected[0] ** 2 / 20 + expected[1] ** 2)):
            assert float(shown) == pytest.approx(value, rel=5e-4, abs=1e-12)
    assert "optimizer.zero_grad()" in run.stdout and "# optimizer.zero_grad()" in run.stdout


def test_one_optimizer_with_flags_and_a_typed_start(capsys):
    code, out, _ = plain_lines(capsys, "--optimizer", "momentum", "--lr", "0.05", "--momentum", "0.5", "--start=3,-1")
    assert code == 0 and "optim.SGD(params, lr=0.05, momentum=0.5)" in out
    rows = [STEP_LINE.match(line).groups() for line in out.splitlines() if STEP_LINE.match(line)]
    expected = torch_path("book", OptimizerSetting("momentum", 0.05, 0.5), (3.0, -1.0), 30)
    assert [float(r[2]) for r in rows] == pytest.approx(expected[:, 0].tolist(), rel=5e-4)


def test_a_diverging_run_is_a_lesson_not_a_failure(capsys):
    """Rosenbrock at the book's η: the numbers overflow, then NaN, and the walk-through says so."""
    code, out, _ = plain_lines(capsys, "--surface", "rosenbrock", "--optimizer", "sgd")
    assert code == 0 and "Overflow at update" in out and "NaN" in out
    expected = torch_path("rosenbrock", OptimizerSetting("sgd", 0.95), (-1.2, 1.0), 30)
    rows = [STEP_LINE.match(line).groups() for line in out.splitlines() if STEP_LINE.match(line)]
    assert [np.isnan(float(r[2])) for r in rows] == np.isnan(expected[:, 0]).tolist()


def test_a_negative_learning_rate_exits_2_with_torchs_words(capsys):
    with pytest.raises(ValueError) as refused:
        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=-0.5)
    code, _, err = plain_lines(capsys, "--optimizer", "sgd", "--lr", "-0.5")
    assert code == 2 and str(refused.value) in err


@pytest.mark.parametrize(
    "flags, words",
    [
        (["--start=1,x"], "not a number"),
        (["--start=1,2,3"], "two numbers"),
        (["--lr", "0.1", "--lr", "0.2"], "once per --optimizer (4)"),
        (["--optimizer", "sgd", "--momentum", "0.5"], "no --optimizer momentum"),
        (["--steps", "0"], "from 1 to 1000"),
        (["--lr", "nan"], "NaN and infinity"),
    ],
)
def test_malformed_flags_exit_2_with_a_reason(capsys, flags, words):
    code, _, err = plain_lines(capsys, *flags)
    assert code == 2 and words in err


def test_an_unknown_optimizer_is_argparses_refusal(capsys):
    with pytest.raises(SystemExit) as leaving:
        main(["optim", "--plain", "--optimizer", "rmsprop"])
    assert leaving.value.code == 2 and "invalid choice: 'rmsprop'" in capsys.readouterr().err
