"""`tensortour pool` run as a student would: in a subprocess; --plain checked against torch, bad values exit 2."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from test_cli import numbers, tensortour

from engine.errors import SpecError
from tui.cli import parse_args
from tui.flags.pool import setup_from
from tui.i18n import error_text, set_language

EXAMPLE = ["--input", "3 1 2 0; 4 1 5 9; 2 6 5 3"]


def blocks(out: str) -> dict[str, list[list[float]]]:
    """The matrices after the `Output (…):`, `Upstream …:` and `Gradient …:` headings, as numbers."""
    found: dict[str, list[list[float]]] = {}
    heading = None
    for line in out.splitlines():
        if line.endswith(":") and not line.startswith(" "):
            heading = line.split()[0]
            found[heading] = []
        elif heading and line.startswith("  ") and line.strip():
            found[heading].append(numbers(line))
        else:
            heading = None
    return found


@pytest.mark.parametrize("mode", ["max", "avg", "min"])
def test_plain_walkthrough_matches_torch_forward_and_backward(mode):
    run = tensortour(
        "pool",
        "--plain",
        "--mode",
        mode,
        "--size",
        "2",
        "--stride",
        "1",
        "--padding",
        "1",
        *EXAMPLE,
    )
    assert run.returncode == 0, run.stderr
    x = torch.tensor(
        [[3.0, 1, 2, 0], [4, 1, 5, 9], [2, 6, 5, 3]],
        dtype=torch.float64,
        requires_grad=True,
    )
    if mode == "avg":
        out = F.avg_pool2d(x[None], 2, 1, 1)[0]
    elif mode == "max":
        out = F.max_pool2d(x[None], 2, 1, 1)[0]
    else:
        out = -F.max_pool2d(-x[None], 2, 1, 1)[0]
    upstream = torch.arange(1.0, out.numel() + 1, dtype=torch.float64).reshape(out.shape)
    out.backward(upstream)
    found = blocks(run.stdout)
    np.testing.assert_allclose(found["Output"], out.detach().numpy(), atol=1e-3)
    np.testing.assert_array_equal(found["Upstream"], upstream.numpy())
    np.testing.assert_allclose(found["Gradient"], x.grad.numpy(), atol=1e-3)
    assert "⌊(3 + 2 − 2) / 1⌋ + 1 = 4" in run.stdout and "⌊(4 + 2 − 2) / 1⌋ + 1 = 5" in run.stdout
    steps = re.findall(r"^  out\[(\d+),(\d+)\] = (\w+)\((.*)\) = (\S+)", run.stdout, flags=re.MULTILINE)
    assert len(steps) == 20 and {s[2] for s in steps} == {mode}
    assert "parameters: 0 (a 2×2 conv, 1 in/out channel: 5)" in run.stdout


def test_plain_spells_out_the_reduction():
    run = tensortour("pool", "--plain", "--mode", "avg", *EXAMPLE)
    assert run.returncode == 0, run.stderr
    assert "  out[0,0] = avg(3, 1, 4, 1) = 9/4 = 2.25" in run.stdout
    assert "count_include_pad=True" in run.stdout and "stride 2 auto" in run.stdout
    run = tensortour("pool", "--plain", *EXAMPLE)
    assert "  out[0,0] = max(3, 1, 4, 1) = 4" in run.stdout and "−∞" in run.stdout


def test_plain_with_a_shift_reports_unchanged_outputs():
    run = tensortour("pool", "--plain", "--input", "digit", "--shift", "1")
    assert run.returncode == 0, run.stderr
    assert re.search(r"shifted 1 px right: \d+ of 16 outputs unchanged", run.stdout)
    assert "shift → 1: the input moves right; emptied columns get 0" in run.stdout


def test_plain_in_chinese():
    run = tensortour("--lang", "zh", "pool", "--plain", *EXAMPLE)
    assert run.returncode == 0, run.stderr
    assert "第 1/2 步" in run.stdout and "梯度 ∂L/∂x" in run.stdout and "参数：0 个" in run.stdout


SPEC_ERRORS = {
    "stride 0": (["--stride", "0"], "stride should not be zero"),
    "negative stride": (["--stride", "-1"], "stride should be greater than zero"),
    "negative padding": (
        ["--padding", "-1"],
        "pad must be non-negative, but got pad: -1",
    ),
    "padding over half": (
        ["--size", "3", "--padding", "2"],
        "pad should be at most half of effective kernel size",
    ),
    "window larger than input": (["--size", "9"], "Output size is too small"),
    "window 0": (["--size", "0"], "stride should not be zero"),
    "window 0, stride 1": (
        ["--size", "0", "--stride", "1"],
        "kernel size should be greater than zero",
    ),
    "empty input": (["--input", " ; "], None),
    "ragged input": (["--input", "1 2; 3"], None),
    "nan input": (["--input", "1 nan"], None),
    "not a number": (["--input", "1 two"], None),
    "too large": (["--input", "; ".join([" ".join(["1"] * 65)] * 2)], None),
    "shift 4": (["--shift", "4"], None),
    "unknown preset": (["--input", "ramp2"], None),
}


@pytest.mark.parametrize("args, torch_words", SPEC_ERRORS.values(), ids=SPEC_ERRORS.keys())
def test_invalid_values_exit_2_with_the_lessons_message(args, torch_words):
    set_language("en")
    with pytest.raises(SpecError) as caught:
        setup_from(parse_args(["pool", *args]))
    run = tensortour("pool", "--plain", *args)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"tensortour: {error_text(caught.value)}\n"
    assert torch_words is None or torch_words in run.stderr
    assert "Traceback" not in run.stderr


def test_unknown_mode_is_a_usage_error():
    run = tensortour("pool", "--plain", "--mode", "median")
    assert (run.returncode, run.stdout) == (2, "")
    assert "--mode: invalid choice: 'median'" in run.stderr and "Traceback" not in run.stderr


def test_help_lists_the_pooling_lesson():
    run = tensortour("--help")
    assert run.returncode == 0 and "Pooling 池化" in run.stdout
