"""`tensortour arch` run as a student would: in a subprocess; the --plain table checked against torch, bad values exit 2."""

from __future__ import annotations

import re

import pytest
from test_cli import tensortour
from torch import nn

from engine.arch_nets import ArchSpec
from engine.arch_torch import torch_layers, torch_model
from engine.errors import SpecError
from tui.cli import parse_args
from tui.flags.arch import setup_from
from tui.i18n import error_text, set_language

ROW = re.compile(r"^\s+(\d+)\s+(\S+)\s+\S+\s+.*?\s(\d+(?:×\d+)*)\s+([\d,]+)\s+([\d,]+)$")


def table(out: str) -> dict[str, tuple[tuple[int, ...], int, int]]:
    """The numbered rows of the --plain table: layer name → (output shape, parameters, multiply-adds)."""
    rows = {}
    for line in out.splitlines():
        match = ROW.match(line)
        if match:
            _, name, shape, params, macs = match.groups()
            rows[name] = (
                tuple(int(n) for n in shape.split("×")),
                int(params.replace(",", "")),
                int(macs.replace(",", "")),
            )
    return rows


def row_names(module: nn.Module, prefix: str = "") -> list[str]:
    """torch's layers in forward order, plain nn.Sequential containers opened, blocks (Inception, BasicConv2d) kept whole."""
    names = []
    for name, child in module.named_children():
        full = prefix + name
        names += row_names(child, full + ".") if type(child) is nn.Sequential else [full]
    return names


@pytest.mark.parametrize(
    "args, spec, total",
    [
        (["googlenet"], ArchSpec("googlenet"), "6,624,904"),
        (["alexnet", "--size", "100"], ArchSpec("alexnet", 100), "61,100,840"),
        ([], ArchSpec("lenet5"), "61,706"),
    ],
)
def test_plain_table_matches_torch_layer_by_layer(args, spec, total):
    run = tensortour("arch", *args, "--plain")
    assert run.returncode == 0, run.stderr
    rows = table(run.stdout)
    measured = torch_layers(spec)
    assert rows and all(measured[name] == row for name, row in rows.items())
    assert list(rows) == row_names(torch_model(spec.network))
    assert f"Total: {total} parameters" in run.stdout and "Parameter count (" in run.stdout
    assert run.stdout.count(f" {total}") >= 2  # the total and the published count agree


def test_plain_spells_out_each_layers_arithmetic_and_the_inception_branches():
    run = tensortour("arch", "googlenet", "--plain")
    out = run.stdout
    assert "  1 conv1: BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3) → 64×112×112" in out
    assert "      ⌊(H+2P−K)/S⌋+1 = ⌊(224 + 2·3 − 7)/2⌋ + 1 = 112" in out
    assert "      K·K·Cin·Cout+2·Cout = 7·7·3·64 + 2·64 = 9,536" in out
    assert "      ⌈(H+2P−K)/S⌉+1 = ⌈(112 + 2·0 − 3)/2⌉ + 1 = 56" in out
    assert "      └ concat: 64 + 128 + 32 + 32 = 256 → 256×28×28" in out
    assert re.search(
        r"^\s+branch3\.1\s+conv\+bn\s+3×3 p1\s+32×28×28\s+4,672\s+3,612,672$",
        out,
        flags=re.MULTILINE,
    )


def test_plain_in_chinese():
    run = tensortour("--lang", "zh", "arch", "vgg16", "--plain")
    assert run.returncode == 0, run.stderr
    assert "合计：138,357,544 个参数" in run.stdout and "每一层的计算：" in run.stdout and "乘加 = " in run.stdout


SPEC_ERRORS = {
    "lenet5 at 28": (
        ["lenet5", "--size", "28"],
        "mat1 and mat2 shapes cannot be multiplied (1x256 and 400x120)",
    ),
    "vgg16 at 31": (["vgg16", "--size", "31"], "Output size is too small"),
    "alexnet at 6": (
        ["alexnet", "--size", "6"],
        "Kernel size can't be greater than actual input size",
    ),
    "size 0": (["alexnet", "--size", "0"], None),
}


@pytest.mark.parametrize("args, torch_words", SPEC_ERRORS.values(), ids=SPEC_ERRORS.keys())
def test_invalid_sizes_exit_2_with_the_lessons_message(args, torch_words):
    set_language("en")
    with pytest.raises(SpecError) as caught:
        setup_from(parse_args(["arch", *args]))
    run = tensortour("arch", *args, "--plain")
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"tensortour: {error_text(caught.value)}\n"
    assert torch_words is None or torch_words in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (["resnet50"], "invalid choice: 'resnet50'"),
        (["--size", "big"], "invalid int value: 'big'"),
    ],
)
def test_unknown_network_or_a_size_that_is_no_number_is_a_usage_error(args, words):
    run = tensortour("arch", *args, "--plain")
    assert (run.returncode, run.stdout) == (2, "")
    assert words in run.stderr and "Traceback" not in run.stderr
