"""`tensortour rnn` run as a student would: in a subprocess; --plain checked against torch.nn.RNN, bad values exit 2."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from test_cli import numbers, tensortour

from engine.errors import SpecError
from tui.cli import parse_args
from tui.flags.rnn import setup_from
from tui.i18n import error_text, set_language


def blocks(out: str) -> dict[str, np.ndarray]:
    """Each matrix after a heading line ending in `:` (W_ih, W_hh, b_ih, b_hh, h0, Output, h_n, Sequence), as numbers."""
    found: dict[str, list[list[float]]] = {}
    heading = None
    for line in out.splitlines():
        if line.endswith(":") and not line.startswith(" "):
            heading = line.split()[0].rstrip(":")
            found[heading] = []
        elif heading and line.startswith("  ") and line.strip():
            found[heading].append(numbers(line))
        else:
            heading = None
    return {name: np.array(rows) for name, rows in found.items()}


def torch_output(found: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """torch.nn.RNN run on the weights and sequence the walk-through printed."""
    w_ih = found["W_ih"]
    rnn = torch.nn.RNN(w_ih.shape[1], w_ih.shape[0], dtype=torch.float64)
    with torch.no_grad():
        for name, key in (
            ("weight_ih_l0", "W_ih"),
            ("weight_hh_l0", "W_hh"),
            ("bias_ih_l0", "b_ih"),
            ("bias_hh_l0", "b_hh"),
        ):
            getattr(rnn, name).copy_(torch.tensor(found[key].reshape(getattr(rnn, name).shape)))
        output, h_n = rnn(
            torch.tensor(found["Sequence"])[:, None],
            torch.tensor(found["h0"].reshape(1, 1, -1)),
        )
    return output[:, 0].numpy(), h_n.reshape(-1).numpy()


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--sequence", "pulse", "--hidden", "4", "--seed", "7"],
        ["--sequence", "0.5 -1 2; 1 1 0", "--hidden", "1", "--seed", "3"],
    ],
    ids=["default", "pulse", "typed"],
)
def test_plain_walkthrough_matches_torch_nn_rnn(args):
    run = tensortour("rnn", "--plain", *args)
    assert run.returncode == 0, run.stderr
    found = blocks(run.stdout)
    output, h_n = torch_output(found)
    np.testing.assert_allclose(found["Output"], output, atol=1e-3, rtol=1e-3)
    np.testing.assert_allclose(found["h_n"].reshape(-1), h_n, atol=1e-3, rtol=1e-3)
    steps, hidden = output.shape
    headings = re.findall(r"^step (\d+)/(\d+): h(\d+)\[(\d+)\]$", run.stdout, flags=re.MULTILINE)
    assert [(int(t), int(j)) for *_, t, j in headings] == [(t, j) for t in range(1, steps + 1) for j in range(hidden)]
    tanh_lines = re.findall(
        r"^  h(\d+)\[(\d+)\] = tanh\(.*\) = tanh\(.*\) = (\S+)$",
        run.stdout,
        flags=re.MULTILINE,
    )
    assert [float(value) for *_, value in tanh_lines] == pytest.approx(output.reshape(-1).tolist(), abs=1e-3, rel=1e-3)
    assert "h_t = tanh(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh)" in run.stdout
    parameters = hidden * found["Sequence"].shape[1] + hidden * hidden + 2 * hidden
    assert f"{parameters} parameters, the same at every step" in run.stdout


def test_plain_spells_out_the_first_unit():
    run = tensortour("rnn", "--plain")
    assert run.returncode == 0, run.stderr
    assert "  W_ih[0]·x1 + b_ih[0] = 0.2×1 + (-0.3)×0 + (-0.4) = -0.2" in run.stdout
    assert "  h1[0] = tanh(-0.2 + (-0.2)) = tanh(-0.4) = -0.3799" in run.stdout
    assert "torch.nn.RNN returns output = h1…h4 (4×3) and h_n = h4." in run.stdout


def test_plain_in_chinese():
    run = tensortour("--lang", "zh", "rnn", "--plain")
    assert run.returncode == 0, run.stderr
    assert "第 1/12 步：h1[0]" in run.stdout and "个参数，每一步都相同" in run.stdout and "按 g" in run.stdout


SPEC_ERRORS = {
    "hidden 0": (["--hidden", "0"], "hidden_size must be greater than zero"),
    "hidden 7": (["--hidden", "7"], None),
    "seed -1": (["--seed", "-1"], None),
    "nine steps": (["--sequence", "; ".join(["1"] * 9)], None),
    "ragged": (["--sequence", "1 2; 3"], None),
    "nan": (["--sequence", "1 nan"], None),
}


@pytest.mark.parametrize("args, torch_words", SPEC_ERRORS.values(), ids=SPEC_ERRORS.keys())
def test_invalid_values_exit_2_with_the_lessons_message(args, torch_words):
    set_language("en")
    with pytest.raises(SpecError) as caught:
        setup_from(parse_args(["rnn", *args]))
    run = tensortour("rnn", "--plain", *args)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"tensortour: {error_text(caught.value)}\n"
    assert torch_words is None or torch_words in run.stderr
    assert "Traceback" not in run.stderr


def test_a_hidden_size_that_is_no_number_is_a_usage_error():
    run = tensortour("rnn", "--plain", "--hidden", "three")
    assert (run.returncode, run.stdout) == (2, "")
    assert "--hidden: invalid int value: 'three'" in run.stderr and "Traceback" not in run.stderr


def test_help_lists_the_rnn_lesson():
    run = tensortour("--help")
    assert run.returncode == 0 and "Recurrent networks (RNN) 循环神经网络 (RNN)" in run.stdout
