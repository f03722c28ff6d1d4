"""`tensortour autograd` run as a student would: in a subprocess; --plain checked against torch.autograd, bad values exit 2."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from test_cli import tensortour
from test_cli_loss import assert_refused

from engine.autograd_presets import B1, B2, W1, W2
from tui.flags.autograd import setup_from


def gradient_table(out: str) -> dict[str, list[float]]:
    """The rows under `value · backward · …`: label → [value, backward, numerical, relative error (`<1e-9`: its bound)]."""
    lines = out.splitlines()
    start = lines.index("value · backward · numerical · rel. error") + 1
    rows = {}
    for line in lines[start:]:
        if not line.strip():
            break
        label, *cells = line.split()
        rows[label] = [float(cell.removeprefix("<")) for cell in cells]
    return rows


def test_plain_course_shows_4_5_and_torchs_grad_fns():
    run = tensortour("autograd", "--plain")
    assert run.returncode == 0, run.stderr
    x = torch.ones(2, 2, dtype=torch.float64, requires_grad=True)
    y = x + 2
    out = (y * y * 3).mean()
    out.backward()
    rows = gradient_table(run.stdout)
    assert list(rows) == ["x[0,0]", "x[0,1]", "x[1,0]", "x[1,1]"]
    for row, grad in zip(rows.values(), x.grad.reshape(-1).tolist()):
        assert row[1] == grad == 4.5 and row[2] == pytest.approx(grad, rel=1e-9) and row[3] <= 1e-9
    assert "∂out/∂x = 6(x + 2)/n, n = 4 = 6·(1 + 2)/4 = 4.5 in every cell" in run.stdout
    assert (
        "torch's grad_fn chain: MeanBackward0 ← MulBackward0 ← MulBackward0 ← AddBackward0 ← AccumulateGrad"
        in run.stdout
    )
    assert "z ─(mean)─▶ out = 27" in run.stdout and "Step 11/11 (compare):" in run.stdout


def test_plain_apples_with_typed_prices_matches_torch():
    run = tensortour(
        "autograd",
        "--plain",
        "--preset",
        "apples",
        "--apple",
        "150",
        "--count",
        "3",
        "--tax",
        "1.08",
    )
    assert run.returncode == 0, run.stderr
    apple, count, tax = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (150.0, 3.0, 1.08))
    price = apple * count * tax
    price.backward()
    rows = gradient_table(run.stdout)
    expected = [leaf.grad.item() for leaf in (apple, count, tax)]
    assert [rows[name][1] for name in ("apple", "count", "tax")] == pytest.approx(expected, rel=1e-3)
    assert f"price = 450 · 1.08 = {price.item():g}" in run.stdout


def test_plain_twolayer_matches_torch_autograd():
    run = tensortour("autograd", "--plain", "--preset", "twolayer", "--x", "0.3 -1.2", "--class", "0")
    assert run.returncode == 0, run.stderr
    leaves = {
        name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
        for name, value in {
            "x": [[0.3, -1.2]],
            "W1": W1,
            "b1": B1,
            "W2": W2,
            "b2": B2,
        }.items()
    }
    hidden = torch.relu(leaves["x"] @ leaves["W1"] + leaves["b1"])
    loss = torch.nn.functional.cross_entropy(hidden @ leaves["W2"] + leaves["b2"], torch.tensor([0]))
    loss.backward()
    rows = gradient_table(run.stdout)
    for name, leaf in leaves.items():
        for cell in np.ndindex(leaf.shape):
            label = f"{name}[{','.join(map(str, cell))}]"
            assert rows[label][1] == pytest.approx(leaf.grad[cell].item(), rel=1e-3, abs=1e-12), label
    assert f"L = {loss.item():.4g}" in run.stdout
    assert "NllLossBackward0 ← LogSoftmaxBackward0 ← AddmmBackward0 ← ReluBackward0 ← AddmmBackward0" in run.stdout


def test_plain_in_chinese():
    run = tensortour("--lang", "zh", "autograd", "--plain", "--preset", "apples")
    assert run.returncode == 0, run.stderr
    assert "计算图：书中的买苹果" in run.stdout and "第 1/7 步（叶节点）：" in run.stdout
    aligned = "  叶节点：apple, count, tax       AccumulateGrad\n  apple, count ─(×)─▶ cost = 200  MulBackward0"
    assert aligned in run.stdout  # 叶节点 is two cells a character wide; the grad_fn column allows for it


SPEC_ERRORS = {
    "ragged x": ["--x", "1 2; 3"],
    "x too large": ["--x", "1 1 1 1"],
    "x not a number": ["--x", "1 one"],
    "x infinite": ["--x", "inf"],
    "x huge": ["--x", "1e7"],
    "twolayer x length": ["--preset", "twolayer", "--x", "1 2 3"],
    "twolayer class": ["--preset", "twolayer", "--class", "3"],
    "twolayer class word": ["--preset", "twolayer", "--class", "two"],
    "apple two numbers": ["--preset", "apples", "--apple", "1 2"],
    "tax nan": ["--preset", "apples", "--tax", "nan"],
}


@pytest.mark.parametrize("args", SPEC_ERRORS.values(), ids=SPEC_ERRORS.keys())
def test_invalid_values_exit_2_with_the_lessons_message(args):
    assert_refused("autograd", setup_from, args)


def test_unknown_preset_is_a_usage_error_and_help_lists_the_lesson():
    run = tensortour("autograd", "--plain", "--preset", "cubic")
    assert (run.returncode, run.stdout) == (2, "")
    assert "--preset: invalid choice: 'cubic'" in run.stderr and "Traceback" not in run.stderr
    assert "Backpropagation 误差反向传播" in tensortour("--help").stdout
