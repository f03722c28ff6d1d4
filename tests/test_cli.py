"""The `tensortour` command, run as a student would: in a subprocess, reading its output.

`--plain` prints the whole walk-through; its numbers are checked here against
torch.nn.functional.conv2d. Invalid values exit 2 with one clear line on stderr.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.errors import SpecError
from tui.cli import parse_args
from tui.flags.conv import setup_from as conv_setup_from
from tui.i18n import error_text, set_language

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ["--input", "1 2 3; 4 5 6; 7 8 9", "--kernel", "1 0; 0 -1"]
TORCH_KERNEL = "Kernel size can't be greater than actual input size"
CJK = re.compile(r"[\u4e00-\u9fff]")


def clean_env(**extra: str) -> dict[str, str]:
    """No locale or Textual settings from the calling shell; UTF-8 pipes."""
    drop = ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "NO_COLOR")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("TEXTUAL")}
    env.update(PYTHONIOENCODING="utf-8", **extra)
    return env


def tensortour(*args: str, command: list[str] | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        (command or [sys.executable, "-m", "tui"]) + list(args),
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def torch_conv(input_rows, kernel_rows, **options):
    import torch
    import torch.nn.functional as F

    x = torch.tensor(input_rows, dtype=torch.float64)[None, None]
    w = torch.tensor(kernel_rows, dtype=torch.float64)[None, None]
    return F.conv2d(x, w, **options)[0, 0].tolist()


def test_plain_walkthrough_of_the_example_matches_torch():
    run = tensortour("conv", "--plain", *EXAMPLE)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    expected = torch_conv([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    assert "⌊(3 + 0 − 1 − 1) / 1⌋ + 1 = 2" in out  # the formula with numbers
    steps = re.findall(r"^  (out\[(\d+),(\d+)\] = (.*) = (\S+))$", out, flags=re.MULTILINE)
    assert len(steps) == 4
    for _, row, col, products, value in steps:
        assert float(value) == expected[int(row)][int(col)]
        assert products.count("×") == 4  # every product of the 2×2 window is written out
        factors = re.findall(r"(\(?-?[\d.]+\)?)×(\(?-?[\d.]+\)?)", products)
        total = sum(float(a.strip("()")) * float(b.strip("()")) for a, b in factors)
        assert total + float(products.rsplit("+", 1)[1]) == float(value)
    output_block = out.split("\n\n")[-1].splitlines()
    assert numbers(output_block[0]) == [1, 2, 2]  # "Output (1×2×2):"
    assert [numbers(line) for line in output_block[1:]] == expected


def test_plain_with_presets_exits_0():
    run = tensortour(
        "conv",
        "--plain",
        "--input",
        "digit",
        "--kernel",
        "sobel-x",
        "--padding",
        "1",
        "--stride",
        "2",
    )
    assert run.returncode == 0, run.stderr
    assert "step 16/16" in run.stdout  # ⌊(8 + 2 − 2 − 1) / 2⌋ + 1 = 4, so 4×4 steps


def test_plain_in_chinese():
    run = tensortour("--lang", "zh", "conv", "--plain", *EXAMPLE)
    assert run.returncode == 0, run.stderr
    assert "第 1/4 步" in run.stdout and "输出" in run.stdout and "步幅" in run.stdout


def test_the_installed_console_script_works():
    script = shutil.which("tensortour")
    if script is None:
        pytest.skip("the tensortour script is not on PATH")
    run = tensortour("conv", "--plain", *EXAMPLE, command=[script])
    assert run.returncode == 0, run.stderr
    assert "step 4/4" in run.stdout


SPEC_ERRORS = {
    "stride 0": (["--stride", "0"], "non-positive stride is not supported"),
    "padding -1": (["--padding", "-1"], "negative padding is not supported"),
    "dilation 0": (["--dilation", "0"], "dilation should be greater than zero"),
    "kernel bigger than input": (["--kernel-size", "9"], TORCH_KERNEL),
    "ragged input": (["--input", "1 2; 3"], None),
    "nan input": (["--input", "1 nan"], None),
    "kernel not a number": (["--kernel", "foo"], None),
    "4 input channels": (["--in-channels", "4"], None),
    "9 output channels": (["--out-channels", "9"], None),
    "two biases for one channel": (["--bias", "1 2"], None),
}


@pytest.mark.parametrize("args, torch_words", SPEC_ERRORS.values(), ids=SPEC_ERRORS.keys())
def test_invalid_values_exit_2_with_the_lessons_message(args, torch_words):
    """The message is the one the lesson shows for the same mistake, with torch's words where torch has them."""
    set_language("en")
    with pytest.raises(SpecError) as caught:
        conv_setup_from(parse_args(["conv", *args]))
    run = tensortour("conv", "--plain", *args)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"tensortour: {error_text(caught.value)}\n"
    assert torch_words is None or torch_words in run.stderr


USAGE_ERRORS = {
    "stride not a number": (["--stride", "abc"], "--stride: invalid int value: 'abc'"),
    "language": (["--lang", "fr"], "--lang: invalid choice: 'fr'"),
    "colour": (["--color", "purple"], "--color: invalid choice: 'purple'"),
    "fps 0": (["--fps", "0"], "--fps: must be at least 1, got 0"),
}


@pytest.mark.parametrize("args, words", USAGE_ERRORS.values(), ids=USAGE_ERRORS.keys())
def test_malformed_options_exit_2_with_usage(args, words):
    run = tensortour("conv", "--plain", *args)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.startswith("usage: tensortour") and words in run.stderr
    assert "Traceback" not in run.stderr


def test_version():
    run = tensortour("--version")
    assert run.returncode == 0 and run.stdout.strip() == "tensortour 0.1.0"


def test_help_lists_the_lessons():
    run = tensortour("--help")
    assert run.returncode == 0 and "Convolution 卷积" in run.stdout and "conv" in run.stdout


@pytest.mark.parametrize(
    "env, chinese",
    [
        ({"LANG": "zh_CN.UTF-8"}, True),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C.UTF-8"}, False),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, True),
    ],
    ids=["LANG zh", "LC_ALL en over LANG zh", "LC_ALL zh over LANG en"],
)
def test_language_from_the_environment(env, chinese):
    run = tensortour("conv", "--plain", *EXAMPLE, **env)
    assert run.returncode == 0, run.stderr
    assert ("第 1/4 步" in run.stdout) is chinese and ("step 1/4" in run.stdout) is not chinese
