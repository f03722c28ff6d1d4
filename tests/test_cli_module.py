"""`tensortour module` run as a student would: in a subprocess; the --plain walk checked against the real Net, bad values exit 2."""

from __future__ import annotations

import re

import pytest
from test_cli import tensortour

from engine.errors import SpecError
from engine.module_torch import net_calls, simple_error
from tui.cli import parse_args
from tui.flags.module import setup_from
from tui.i18n import error_text, set_language

WALK_ROW = re.compile(r"^\s+(\d+)\s+(\d+)\s+(\S+)\s+(\d+(?:×\d+)*)\s+([\d,–]+)$", re.MULTILINE)


def test_plain_walks_the_net_as_torch_runs_it():
    run = tensortour("module", "--batch", "7", "--plain")
    assert run.returncode == 0, run.stderr
    rows = WALK_ROW.findall(run.stdout)
    calls = net_calls(7)
    assert [(int(line), tuple(map(int, shape.split("×")))) for _, line, _, shape, _ in rows] == [
        (call.line, call.shape) for call in calls
    ]
    assert " 18  x.view  7×400" in run.stdout and "-1 = 7·16·5·5 / 400 = 2,800 / 400 = 7" in run.stdout
    assert (
        "Total: 62,006 parameters" in run.stdout and " 16          x = self.pool(F.relu(self.conv1(x)))" in run.stdout
    )
    assert "net.zero_grad()\n      .grad is None again: zero_grad() defaults to set_to_none=True" in run.stdout


def test_plain_simple_conv_net_in_chinese_with_typed_settings():
    run = tensortour("--lang", "zh", "module", "simple", "--filter-size", "3", "--hidden-size", "50", "--plain")
    assert run.returncode == 0, run.stderr
    assert "合计：254,360 个参数" in run.stdout  # 30·1·3·3+30 + 30·13·13·50+50 + 50·10+10
    assert "Affine1.weight  50×5070   W2 5070×50" in run.stdout
    assert "║" not in run.stdout and "│Conv│→│ReLU│→│Pooling│" in run.stdout


BOOK = {"input_dim": (1, 28, 28), "filter_num": 30, "pad": 0, "stride": 1, "hidden_size": 100, "output_size": 10}
REFUSED = {
    "odd conv output": (["simple", "--filter-size", "4"], {**BOOK, "filter_size": 4, "weight_init_std": 0.01}),
    "negative std": (["simple", "--weight-init-std", "-1"], {**BOOK, "filter_size": 5, "weight_init_std": -1.0}),
    "a SimpleConvNet flag for Net": (["--filter-size", "3"], None),
}


@pytest.mark.parametrize("args, options", REFUSED.values(), ids=REFUSED.keys())
def test_settings_the_lesson_refuses_exit_2_with_its_message_and_torchs_words(args, options):
    set_language("en")
    with pytest.raises(SpecError) as caught:
        setup_from(parse_args(["module", *args]))
    run = tensortour("module", *args, "--plain")
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"tensortour: {error_text(caught.value)}\n" and "Traceback" not in run.stderr
    if options is not None:
        assert simple_error(options) in run.stderr


@pytest.mark.parametrize(
    "args, code",
    [
        (["simple", "--batch", "3"], "module_flag_for_net"),
        (["simple", "--input-dim", "1,28"], "module_input_dim"),
        (["simple", "--input-dim", "1;28;28"], "matmul_shape_token"),
        (["simple", "--weight-init-std", "small"], "train_not_number"),
        (["simple", "--stride", "0"], "module_at_least"),
        (["--batch", "0"], "module_at_least"),
        (["--batch", "257"], "too_big"),
    ],
)
def test_other_refusals_name_their_reason(args, code):
    """The same path as above (SpecError → exit 2), without a process each."""
    with pytest.raises(SpecError) as caught:
        setup_from(parse_args(["module", *args]))
    assert caught.value.code == code


def test_malformed_flags_are_usage_errors():
    run = tensortour("module", "resnet", "--plain")
    assert run.returncode == 2 and "invalid choice: 'resnet'" in run.stderr and "Traceback" not in run.stderr
