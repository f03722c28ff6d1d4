"""`tensortour autograd` run as a student would: in a subprocess; --plain checked against torch.autograd, bad values exit 2."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from test_cli import tensortour
from test_cli_loss import assert_refused

from engine.autograd_presets import B1, B2, W1, W2, AutogradSpec
from tui.flags.autograd import setup_from
from tui.text.autograd import plain


def gradient_table(out: str) -> dict[str, list[float | str]]:
    """The rows under `value, backward, …`: label → [value, backward, numerical, relative error (`<1e-9`: its bound)].

    A cell that is no number (`·` not reached, `–` not compared, `None` as torch prints an unset .grad) stays text.
    """
    lines = out.splitlines()
    start = lines.index("value, backward, numerical, rel. error") + 1
    rows = {}
    for line in lines[start:]:
        if not line.strip():
            break
        label, *cells = line.split()
        rows[label] = [number_or_text(cell) for cell in cells]
    return rows


def number_or_text(cell: str) -> float | str:
    try:
        return float(cell.removeprefix("<"))
    except ValueError:
        return cell


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
    assert "∂out/∂x = 6(x + 2)/n = 6·(1 + 2)/4 = 4.5 in every cell, where n = 4" in run.stdout
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
    # ∂L/∂s is softmax(s) minus the one-hot target; the target itself is never equated with that difference
    assert "(softmax(s) − onehot(0))/N = [[" in run.stdout and "t = onehot" not in run.stdout


def test_plain_in_chinese():
    run = tensortour("--lang", "zh", "autograd", "--plain", "--preset", "apples")
    assert run.returncode == 0, run.stderr
    assert "计算图：书中的买苹果" in run.stdout and "第 1/7 步（叶节点）：" in run.stdout
    aligned = "  叶节点：apple, count, tax       AccumulateGrad\n  apple, count ─(×)─▶ cost = 200  MulBackward0"
    assert aligned in run.stdout  # 叶节点 is two cells a character wide; the grad_fn column allows for it


def torch_words(call) -> str:
    with pytest.raises(RuntimeError) as refused:
        call()
    return str(refused.value)


def test_plain_nograd_quotes_torchs_refusal_and_leaves_x_grad_none():
    run = tensortour("autograd", "--plain", "--preset", "nograd", "--x", "1 2; 3 4")
    assert run.returncode == 0, run.stderr
    x = torch.tensor([[1.0, 2], [3, 4]], requires_grad=True)
    with torch.no_grad():
        y = x + 2
        out = (y * y * 3).mean()
    assert (out.requires_grad, out.grad_fn) == (False, None)
    assert f"RuntimeError: {torch_words(out.backward)}" in run.stdout
    assert "out.requires_grad = False, out.grad_fn = None" in run.stdout and ">>> with torch.no_grad():" in run.stdout
    assert [row[1] for row in gradient_table(run.stdout).values()] == ["None"] * 4
    assert "torch's grad_fn chain: none, out.grad_fn is None." in run.stdout


def test_plain_vector_gives_torchs_x_grad_for_gradient_v():
    run = tensortour("autograd", "--plain", "--preset", "vector", "--x", "1 -1 0.5", "--gradient", "0.1 1 0.0001")
    assert run.returncode == 0, run.stderr
    x = torch.tensor([[1.0, -1, 0.5]], dtype=torch.float64, requires_grad=True)
    z = (x + 2) * (x + 2) * 3
    assert f">>> z.backward()\n  RuntimeError: {torch_words(z.backward)}" in run.stdout
    z.backward(gradient=torch.tensor([[0.1, 1, 0.0001]], dtype=torch.float64))
    rows = gradient_table(run.stdout)
    assert [row[1] for row in rows.values()] == pytest.approx(x.grad.reshape(-1).tolist(), rel=1e-3)
    assert "J = ∂z/∂x = diag(18, 6, 15)" in run.stdout
    assert "x.grad = Jᵀ·v = [18·0.1, 6·1, 15·0.0001] = [1.8, 6, 0.0015]" in run.stdout


def test_plain_twice_doubles_x_grad_then_quotes_the_freed_graph():
    run = tensortour("autograd", "--plain", "--preset", "twice")
    assert run.returncode == 0, run.stderr
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    out = (y * y * 3).mean()
    out.backward(retain_graph=True)
    out.backward()
    doubled = x.grad[0, 0].item()
    assert f"x.grad = 4.5 + 4.5 = {doubled:g} in every cell" in run.stdout and doubled == 9
    assert f">>> out.backward()\n  RuntimeError: {torch_words(out.backward)}" in run.stdout
    assert ">>> out.backward(retain_graph=True)" in run.stdout and "Step 13/13 (refused):" in run.stdout
    assert [row[1] for row in gradient_table(run.stdout).values()] == [doubled] * 4


def test_a_one_cell_x_is_written_with_its_numbers():
    """x = [[3]] keeps its 2-D shape: each node's one number is still written out (it once raised TypeError)."""
    course = plain(AutogradSpec(x=np.array([[3.0]])))
    assert "y = 3 + 2 = 5" in course and "z ─(mean)─▶ out = 75" in course
    vector = plain(AutogradSpec(preset="vector", x=np.array([[3.0]])))
    assert "(refused)" not in vector and "z.backward() alone would run too" in vector


def test_plain_calls_in_chinese():
    run = tensortour("--lang", "zh", "autograd", "--plain", "--preset", "twice")
    assert run.returncode == 0, run.stderr
    assert "第 12/13 步（累加）：" in run.stdout and "x.grad = 4.5 + 4.5 = 9（每一格）" in run.stdout


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
    "vector gradient shape": ["--preset", "vector", "--gradient", "1 2 3"],
    "vector gradient word": ["--preset", "vector", "--gradient", "1 2; 3 four"],
}


@pytest.mark.parametrize("args", SPEC_ERRORS.values(), ids=SPEC_ERRORS.keys())
def test_invalid_values_exit_2_with_the_lessons_message(args):
    assert_refused("autograd", setup_from, args)


def test_unknown_preset_is_a_usage_error_and_help_lists_the_lesson():
    run = tensortour("autograd", "--plain", "--preset", "cubic")
    assert (run.returncode, run.stdout) == (2, "")
    assert "--preset: invalid choice: 'cubic'" in run.stderr and "Traceback" not in run.stderr
    assert "Backpropagation 误差反向传播" in tensortour("--help").stdout
